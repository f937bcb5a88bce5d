"""Issuing: a new ticket with the field's next number of the office's local day.

Numbers are gapless and unique because the office lock is held while the day's counter is
incremented, and a rollback undoes the increment.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Update, bindparam, insert, select, update
from sqlalchemy.orm import Session

from ..i18n import english
from ..models import Device, Office, PrintJob, PriorityClass, Service, ServiceDayCounter, Ticket
from . import journal, printing
from .commit_then_publish import Outbox, Unit
from .context import kiosk
from .errors import Closed, Conflict, Invalid, KeyReused, KioskRequired, NotFound, NotServed
from .lines import ahead_of_new, ahead_of_new_params, ahead_of_new_query, local_day
from .rules import hours, numbers
from .rules.transitions import CALLED, CANCELLED, ON_HOLD, SERVING, WAITING
from .steps import log

CHANNELS = ("kiosk", "phone", "officer")

# Built once, bound per ticket: building them cost more than running them.
_FIELD = select(Service).where(
    Service.office_id == bindparam("office"), Service.code == bindparam("code")
)
_NEW_TICKET = insert(Ticket).returning(Ticket)


def _next_seq_query(priority: bool) -> Update:
    """The field's next number and, in the same round trip, how many wait ahead of a new
    ticket (`ahead_of_new`). The count is exact because the office lock was taken by an
    earlier statement: on PostgreSQL this statement's snapshot starts after every write of
    the office committed before it (a RETURNING subquery sees the statement's snapshot,
    not what a row lock it waited for let through)."""
    return (
        update(ServiceDayCounter)
        .where(
            ServiceDayCounter.service_id == bindparam("field"),
            ServiceDayCounter.day == bindparam("on_day"),
        )
        .values(last_seq=ServiceDayCounter.last_seq + 1)
        .returning(ServiceDayCounter.last_seq, ahead_of_new_query(priority).scalar_subquery())
        .execution_options(synchronize_session=False)
    )


_NEXT_SEQ = {priority: _next_seq_query(priority) for priority in (True, False)}


@dataclass(frozen=True)
class Citizen:
    """What the kiosk may keep about a citizen (Decree 13/2023): never the full ID."""

    name: str | None = None
    id_hash: str | None = None
    id_last4: str | None = None


def refuse_anonymous(office: Office, anonymous: bool) -> None:
    """An anonymous caller (no kiosk or staff token) gets a ticket only where the office
    opens issuing on purpose (`settings["issuing"] == "open"`)."""
    if anonymous and (office.settings or {}).get("issuing") != "open":
        raise KioskRequired(english("kiosk_only", office=office.name))


def _digest(*parts: object) -> str:
    """A stable SHA-256 of plain values (what a request asked, a key bound to its caller)."""
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


class Numbering(Unit):
    def issue(
        self,
        office_code: str,
        service_code: str,
        priority: str | None = None,
        channel: str = "kiosk",
        citizen: Citizen | None = None,
        device_id: int | None = None,
        track_url_base: str = "",
        request_key: str | None = None,
        source: str | None = None,
        anonymous: bool = False,
    ) -> dict[str, Any]:
        """A new ticket with the field's next number of the office's local day.

        A `request_key` the same `source` (who asks: "device:3", "user:5", "addr:IP") sent
        before in this office, with the same request, returns that ticket instead: a kiosk
        retrying after a timeout never makes a second ticket. The key is bound to the
        source and the request, so another caller reusing it gets a ticket of its own,
        and the same caller asking something else with it is refused (KeyReused).

        An `anonymous` caller (no kiosk or staff token) may issue only where the office
        opens issuing on purpose (`settings["issuing"] == "open"`).

        Issued by a kiosk with a printer, it also gets a print job in the same transaction:
        the ticket exists before anything is printed, and the job is printed at most once.
        """
        if channel not in CHANNELS:
            raise Invalid(english("channel", channel=channel), field="channel")
        office_id = self.ctx.office_id(office_code)
        citizen = citizen or Citizen()
        asked = _digest(
            service_code,
            priority,
            channel,
            citizen.name,
            citizen.id_hash,
            citizen.id_last4,
            device_id,
        )
        key = _digest(source, request_key) if request_key is not None else None
        with self.tx.office(office_id, keeps_figures=True) as (session, outbox):
            office = outbox.office
            refuse_anonymous(office, anonymous)
            if key is not None:
                earlier = session.scalar(
                    select(Ticket).where(Ticket.office_id == office.id, Ticket.request_key == key)
                )
                if earlier is not None:
                    if earlier.request_hash != asked:
                        raise KeyReused(
                            english("key_reused"),
                            field="Idempotency-Key",
                        )
                    return self._issued_view(session, earlier)
            service = session.scalar(_FIELD, {"office": office.id, "code": service_code})
            if service is None:
                raise NotFound(
                    english("office_no_field", office=office.code, code=service_code),
                    field="service",
                )
            if not service.active:
                raise Conflict(english("field_paused", field=service.name), field="service")
            priority_class = None
            if priority is not None:
                priority_class = session.scalar(
                    select(PriorityClass).where(
                        PriorityClass.office_id == office.id,
                        PriorityClass.code == priority,
                        PriorityClass.active.is_(True),
                    )
                )
                if priority_class is None:
                    raise Invalid(english("unknown_class", code=priority), field="priority")
            device: Device | None = (
                kiosk(session, device_id, office) if device_id is not None else None
            )
            now = self.ctx.clock()
            if not hours.is_open(office.settings, now.astimezone(ZoneInfo(office.timezone))):
                raise Closed(
                    english("outside_hours", office=office.name),
                    hours=(office.settings or {}).get("hours"),
                )
            return self.new_ticket(
                session,
                outbox,
                service,
                now,
                channel=channel,
                priority_class=priority_class,
                citizen=citizen,
                device=device,
                track_url_base=track_url_base,
                key=key,
                asked=asked,
                source=source,
            )

    def new_ticket(
        self,
        session: Session,
        outbox: Outbox,
        service: Service,
        now: dt.datetime,
        *,
        channel: str = "kiosk",
        priority_class: PriorityClass | None = None,
        citizen: Citizen | None = None,
        device: Device | None = None,
        track_url_base: str = "",
        key: str | None = None,
        asked: str | None = None,
        source: str | None = None,
        queued_at: dt.datetime | None = None,
        appointment_id: int | None = None,
    ) -> dict[str, Any]:
        """The ticket itself, under the office lock `issue` (or a check-in) holds: its
        number, place, history row and print job. `queued_at` earlier than now puts it in
        line where an appointment's slot says, instead of at the back."""
        office = outbox.office
        citizen = citizen or Citizen()
        estimator = self.ctx.estimator(session, office.figures_version)
        if not estimator.served(service):
            raise NotServed(english("field_not_served", field=service.name), field="service")
        day = local_day(office, now)
        # Its place before it exists: everyone waiting in the field now is ahead of an
        # ordinary ticket, the priority ones ahead of a priority ticket.
        seq, ahead = self._next_seq(session, service, day, now, priority_class is not None)
        place = estimator.place_of_new(service, ahead)
        moved = queued_at is not None and queued_at < now
        # One ORM INSERT … RETURNING: the ticket comes back persistent, without a flush of
        # the unit of work (a centre's journal notes it).
        ticket = session.scalars(
            _NEW_TICKET,
            [
                {
                    "office_id": office.id,
                    "service_id": service.id,
                    "issued_service_id": service.id,
                    "service_day": day,
                    "seq": seq,
                    "number": numbers.number(service, seq),
                    "code": numbers.code(service, seq),
                    "token": secrets.token_urlsafe(16),
                    "channel": channel,
                    "priority_class_id": priority_class.id if priority_class else None,
                    "status": WAITING,
                    "queued_at": queued_at or now,
                    "issued_at": now,
                    "citizen_name": citizen.name,
                    "citizen_id_hash": citizen.id_hash,
                    "citizen_id_last4": citizen.id_last4,
                    "device_id": device.id if device else None,
                    "request_key": key,
                    "request_hash": asked,
                    "source": source,
                    "appointment_id": appointment_id,
                    "ahead_at_issue": ahead,
                    "eta_at_issue": place["eta_minutes"],
                }
            ],
        ).one()
        journal.note(session, ticket)
        if moved:  # placed at its slot: counted where it stands (one more statement)
            place = estimator.place(ticket)
            ticket.ahead_at_issue = place["ahead"]
            ticket.eta_at_issue = place["eta_minutes"]
        # The counters that serve the field now: the printed ticket names them, a reprint too.
        counters = list(estimator.counter_numbers(service))
        log(session, ticket, "issued", now, data={"channel": channel, "counters": counters})
        result = {**ticket.staff_dict(), **place, "token": ticket.token, "print_job": None}
        if device is not None and device.printer_url:
            track_url = f"{track_url_base.rstrip('/')}/t/{ticket.token}"
            job = printing.new_job(session, ticket, device, now, track_url)
            result["print_job"] = job.to_dict()
            outbox.send(printing.job_event(job, device))
        # An ordinary ticket joins at the back; a priority one (or an appointment placed
        # at its slot) moves others down.
        line_moved = priority_class is not None or moved
        outbox.ticket_changed(ticket, "ticket_issued", line_moved=line_moved)
        return result

    def _issued_view(self, session: Session, ticket: Ticket) -> dict[str, Any]:
        """What issuing answered for this ticket, as it stands now (for a repeated request)."""
        job = session.scalar(
            select(PrintJob).where(PrintJob.ticket_id == ticket.id).order_by(PrintJob.id)
        )
        return {
            **ticket.staff_dict(),
            **self.ctx.estimator(session).place(ticket),
            "token": ticket.token,
            "print_job": job.to_dict() if job else None,
            "replayed": True,
        }

    def _next_seq(
        self, session: Session, service: Service, day: dt.date, now: dt.datetime, priority: bool
    ) -> tuple[int, int]:
        """The day's next number of the field and the count ahead of it, in one statement
        on every ticket but the day's first (a refusal rolls the increment back with the
        rest)."""
        params = {"field": service.id, "on_day": day, **ahead_of_new_params(service, day, now)}
        row = session.execute(_NEXT_SEQ[priority], params).one_or_none()
        if row is None:
            _expire_earlier_days(session, service, day, now)
            session.add(ServiceDayCounter(service_id=service.id, day=day, last_seq=1))
            # Tickets moved into the field today may wait already.
            seq, ahead = 1, ahead_of_new(session, service, day, now, priority)
        else:
            seq, ahead = row[0], row[1] or 0
        if seq > numbers.capacity(service):
            raise Conflict(
                english("numbers_used_up", field=service.name, capacity=numbers.capacity(service)),
                field="service",
            )
        return seq, ahead


def _expire_earlier_days(
    session: Session, service: Service, day: dt.date, now: dt.datetime
) -> None:
    """Close the office's tickets left open on earlier days (at a field's first of the day)."""
    stale = session.scalars(
        select(Ticket).where(
            Ticket.office_id == service.office_id,
            Ticket.service_day < day,
            Ticket.status.in_((WAITING, CALLED, SERVING, ON_HOLD)),
        )
    ).all()
    for ticket in stale:
        previous = ticket.status
        ticket.status = CANCELLED
        log(session, ticket, "expired", now, data={"from": previous})
