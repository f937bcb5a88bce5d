"""The queue engine: the only code that changes ticket or counter state.

Every verb is one transaction that first locks the office row (so two counters, kiosks or
server processes never interleave their writes for one office), writes the state change
and its event row together, commits, and only then publishes what changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from printer.policy import PrinterPolicy

from ..db import Database
from ..models import (
    Counter,
    CounterEvent,
    Device,
    Office,
    PrintJob,
    PriorityClass,
    Rating,
    Service,
    ServiceDayCounter,
    Ticket,
    TicketEvent,
    User,
    iso,
)
from . import hours, printing, queue, rating
from .admin import Administration
from .dossier import normalise_dossier_code
from .errors import Closed, Conflict, Invalid, InvalidTransition, KeyReused, KioskRequired, NotFound
from .events import (
    Event,
    Refresh,
    counter_room,
    office_room,
    rating_room,
    staff_room,
    ticket_room,
)
from .priority import choose_next
from .transitions import CALLED, CANCELLED, SERVING, WAITING, target_status

log = logging.getLogger(__name__)

COUNTER_STATES = ("open", "paused", "closed")
CHANNELS = ("kiosk", "phone", "officer")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _digest(*parts: object) -> str:
    """A stable SHA-256 of plain values (what a request asked, a key bound to its caller)."""
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


@dataclass
class Outbox:
    """What a transaction changed: events to send once it has committed, snapshots owed."""

    office: Office
    events: list[Event] = field(default_factory=list)
    refresh: Refresh = field(init=False)

    def __post_init__(self) -> None:
        self.refresh = Refresh(self.office.id)

    def ticket_changed(
        self, ticket: Ticket, name: str = "ticket_updated", line_moved: bool = False
    ) -> None:
        payload = {"ticket": ticket.public_dict()}
        rooms = (office_room(self.office.code), ticket_room(ticket.token))
        self.events.append(Event(name, rooms, payload))
        self.refresh.services.add(ticket.service_id)
        if line_moved:
            self.refresh.lines.add(ticket.service_id)
        for counter_id in (ticket.counter_id, ticket.target_counter_id):
            if counter_id:
                self.refresh.counters.add(counter_id)


@dataclass(frozen=True)
class Citizen:
    """What the kiosk may keep about a citizen (Decree 13/2023): never the full ID."""

    name: str | None = None
    id_hash: str | None = None
    id_last4: str | None = None


class Engine(Administration):
    def __init__(
        self,
        db: Database,
        publish: Callable[[Event], None] | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
        default_service_minutes: float = 5.0,
        eta_sample_size: int = 20,
        defer_refresh: Callable[[Refresh], None] | None = None,
        printer_policy: PrinterPolicy | None = None,
    ) -> None:
        self.db = db
        # Which printer URLs devices may have: server configuration, checked for everyone.
        self.printer_policy = printer_policy or PrinterPolicy()
        self.publish = publish or (lambda event: None)
        # Given a scheduler, snapshots are sent later and coalesced; else right away.
        self.defer_refresh = defer_refresh
        self.clock = clock
        self.default_service_minutes = default_service_minutes
        self.eta_sample_size = eta_sample_size
        # Office codes never change and offices are never deleted, so code → id is safe
        # to remember: most requests name their office by code.
        self._office_ids: dict[str, int] = {}

    # ------------------------------------------------------------------ transactions

    def estimator(self, session: Session) -> queue.Estimator:
        return queue.Estimator(session, self.eta_sample_size, self.default_service_minutes)

    @contextmanager
    def _write(self, office_id: int) -> Iterator[tuple[Session, Outbox]]:
        with self.db.write() as session:
            office = session.scalar(select(Office).where(Office.id == office_id).with_for_update())
            if office is None:
                raise NotFound(f"Office {office_id} does not exist.")
            outbox = Outbox(office)
            yield session, outbox
        self._flush(outbox)

    def _flush(self, outbox: Outbox) -> None:
        """Publish after the commit; a failed emit is logged and never undoes a ticket."""
        try:
            for event in outbox.events:
                self.publish(event)
            if self.defer_refresh is not None:
                self.defer_refresh(outbox.refresh)
            else:
                for event in self.refresh_events(outbox.refresh):
                    self.publish(event)
        except Exception:
            log.exception("publishing events for office %s failed", outbox.office.code)

    def refresh_events(self, refresh: Refresh) -> Iterator[Event]:
        """Fresh snapshots for the office and the counters touched, and new places in line.

        A generator, so a caller on an event loop can yield between events.
        """
        now = self.clock()
        with self.db.read() as session:
            office = session.get(Office, refresh.office_id)
            if office is None:
                return
            estimator = self.estimator(session)
            yield Event(
                "queue_changed",
                (office_room(office.code),),
                queue.office_snapshot(session, office, now, estimator),
            )
            counters = set(refresh.counters)
            if refresh.services:
                counters.update(self._counters_serving(session, office.id, refresh.services))
            for counter in session.scalars(
                select(Counter).where(Counter.id.in_(counters)).order_by(Counter.id)
            ):
                yield Event(
                    "queue_changed",
                    (counter_room(counter.id),),
                    queue.counter_snapshot(session, counter, now),
                )
            if refresh.lines:
                day = queue.local_day(office, now)
                for token, ticket in estimator.line_places(office, day, refresh.lines):
                    yield Event("ticket_updated", (ticket_room(token),), {"ticket": ticket})

    # ------------------------------------------------------------------ reads

    def offices(self) -> list[dict[str, Any]]:
        with self.db.read() as session:
            return [o.to_dict() for o in session.scalars(select(Office).order_by(Office.code))]

    def office_settings(self, code: str) -> dict[str, Any]:
        """The office and its presentation settings (notice, voice, kiosk, rating wording)."""
        with self.db.read() as session:
            office = self._office_by_code(session, code)
            return {
                **office.to_dict(),
                "elderly_age": office.elderly_age,
                "settings": dict(office.settings or {}),
            }

    def office_id(self, code: str) -> int:
        if code not in self._office_ids:
            with self.db.read() as session:
                self._office_ids[code] = self._office_by_code(session, code).id
        return self._office_ids[code]

    def services(self, office_code: str, include_inactive: bool = False) -> list[dict[str, Any]]:
        with self.db.read() as session:
            office = self._office_by_code(session, office_code)
            day = queue.local_day(office, self.clock())
            estimator = self.estimator(session)
            counts = queue.waiting_counts(session, office.id, day)
            return [
                {
                    **service.to_dict(),
                    "waiting": counts.get(service.id, 0),
                    "eta_minutes": estimator.eta(service, counts.get(service.id, 0)),
                }
                for service in office.services
                if service.active or include_inactive
            ]

    def priority_classes(self, office_code: str) -> list[dict[str, Any]]:
        with self.db.read() as session:
            office = self._office_by_code(session, office_code)
            return [p.to_dict() for p in office.priority_classes if p.active]

    def snapshot(self, office_code: str) -> dict[str, Any]:
        with self.db.read() as session:
            office = self._office_by_code(session, office_code)
            return queue.office_snapshot(session, office, self.clock(), self.estimator(session))

    def counter_snapshot(self, counter_id: int) -> dict[str, Any]:
        with self.db.read() as session:
            counter = self._get(session, Counter, counter_id, "Counter")
            return queue.counter_snapshot(session, counter, self.clock())

    def ticket_by_token(self, token: str) -> dict[str, Any]:
        """The citizen's phone view: no personal data, with position and estimate."""
        with self.db.read() as session:
            ticket = session.scalar(select(Ticket).where(Ticket.token == token))
            if ticket is None:
                raise NotFound("No ticket has this code; it may be from another day.")
            view = {**ticket.public_dict(), **self.estimator(session).place(ticket)}
            view["office"] = ticket.office.to_dict()
            return view

    def ticket(self, ticket_id: int) -> dict[str, Any]:
        with self.db.read() as session:
            ticket = self._get(session, Ticket, ticket_id, "Ticket")
            return {**ticket.staff_dict(), **self.estimator(session).place(ticket)}

    def principal_view(
        self,
        role: str,
        office_ids: frozenset[int],
        name: str,
        user_id: int | None,
        device_id: int | None,
    ) -> dict[str, Any]:
        """A caller as pages need it: offices by code (admins: all of them)."""
        with self.db.read() as session:
            query = select(Office).order_by(Office.code)
            if role != "admin":
                query = query.where(Office.id.in_(office_ids))
            offices = [o.to_dict() for o in session.scalars(query)]
        return {
            "role": role,
            "name": name,
            "user_id": user_id,
            "device_id": device_id,
            "offices": offices,
        }

    def device(self, device_id: int) -> dict[str, Any]:
        with self.db.read() as session:
            return self._get(session, Device, device_id, "Device").to_dict()

    def devices(self, office_code: str) -> list[dict[str, Any]]:
        with self.db.read() as session:
            office = self._office_by_code(session, office_code)
            query = select(Device).where(Device.office_id == office.id).order_by(Device.id)
            return [device.to_dict() for device in session.scalars(query)]

    def office_of(self, kind: str, ident: int) -> int:
        """The office a counter or ticket belongs to: what permission checks need."""
        model = {"counter": Counter, "ticket": Ticket, "device": Device}[kind]
        with self.db.read() as session:
            return self._get(session, model, ident, kind.capitalize()).office_id

    # ------------------------------------------------------------------ issuing

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
            raise Invalid(f"Unknown channel {channel!r}.", field="channel")
        office_id = self.office_id(office_code)
        citizen = citizen or Citizen()
        asked = _digest(service_code, priority, channel, citizen.name, citizen.id_hash,
                        citizen.id_last4, device_id)
        key = _digest(source, request_key) if request_key is not None else None
        with self._write(office_id) as (session, outbox):
            office = outbox.office
            if anonymous and (office.settings or {}).get("issuing") != "open":
                raise KioskRequired(
                    f"{office.name} issues tickets only at its registered kiosks.",
                )
            if key is not None:
                earlier = session.scalar(
                    select(Ticket).where(Ticket.office_id == office.id, Ticket.request_key == key)
                )
                if earlier is not None:
                    if earlier.request_hash != asked:
                        raise KeyReused(
                            "This Idempotency-Key was used for a different request; "
                            "send a new key for a new ticket.",
                            field="Idempotency-Key",
                        )
                    return self._issued_view(session, earlier)
            service = session.scalar(
                select(Service).where(Service.office_id == office.id, Service.code == service_code)
            )
            if service is None:
                raise NotFound(
                    f"Office {office.code} has no field {service_code!r}.", field="service"
                )
            if not service.active:
                raise Conflict(f"Field {service.name} is not taking tickets now.", field="service")
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
                    raise Invalid(f"Unknown priority class {priority!r}.", field="priority")
            device = self._kiosk(session, device_id, office) if device_id is not None else None
            now = self.clock()
            if not hours.is_open(office.settings, now.astimezone(ZoneInfo(office.timezone))):
                raise Closed(
                    f"{office.name} is not taking tickets now (opening hours).",
                    hours=(office.settings or {}).get("hours"),
                )
            day = queue.local_day(office, now)
            seq = self._next_seq(session, service, day, now)
            ticket = Ticket(
                office_id=office.id,
                service=service,
                issued_service_id=service.id,
                service_day=day,
                seq=seq,
                number=service.number_start + seq - 1,
                code=service.display_code(seq),
                token=secrets.token_urlsafe(16),
                channel=channel,
                priority_class=priority_class,
                status=WAITING,
                queued_at=now,
                issued_at=now,
                citizen_name=citizen.name,
                citizen_id_hash=citizen.id_hash,
                citizen_id_last4=citizen.id_last4,
                device_id=device.id if device else None,
                request_key=key,
                request_hash=asked,
                source=source,
            )
            session.add(ticket)
            session.flush()
            place = self.estimator(session).place(ticket)
            ticket.ahead_at_issue = place["ahead"]
            ticket.eta_at_issue = place["eta_minutes"]
            self._log(session, ticket, "issued", now, data={"channel": channel})
            result = {**ticket.staff_dict(), **place, "token": ticket.token, "print_job": None}
            if device is not None and device.printer_url:
                track_url = f"{track_url_base.rstrip('/')}/t/{ticket.token}"
                job = printing.new_job(session, ticket, device, now, track_url)
                result["print_job"] = job.to_dict()
                outbox.events.append(printing.job_event(job, device))
            # An ordinary ticket joins at the back; a priority one moves others down.
            outbox.ticket_changed(ticket, "ticket_issued", line_moved=priority_class is not None)
        return result

    def _issued_view(self, session: Session, ticket: Ticket) -> dict[str, Any]:
        """What issuing answered for this ticket, as it stands now (for a repeated request)."""
        job = session.scalar(
            select(PrintJob).where(PrintJob.ticket_id == ticket.id).order_by(PrintJob.id)
        )
        return {
            **ticket.staff_dict(),
            **self.estimator(session).place(ticket),
            "token": ticket.token,
            "print_job": job.to_dict() if job else None,
            "replayed": True,
        }

    def _next_seq(self, session: Session, service: Service, day: dt.date, now: dt.datetime) -> int:
        """Gapless and unique: the office lock is held, and a rollback undoes the increment."""
        counter = session.get(ServiceDayCounter, (service.id, day))
        if counter is None:
            self._expire_earlier_days(session, service, day, now)
            counter = ServiceDayCounter(service_id=service.id, day=day, last_seq=0)
            session.add(counter)
        if counter.last_seq >= service.capacity:
            raise Conflict(
                f"Field {service.name} has used all {service.capacity} numbers for today.",
                field="service",
            )
        counter.last_seq += 1
        session.flush()
        return counter.last_seq

    def _expire_earlier_days(
        self, session: Session, service: Service, day: dt.date, now: dt.datetime
    ) -> None:
        """Close the office's tickets left open on earlier days (at a field's first of the day)."""
        stale = session.scalars(
            select(Ticket).where(
                Ticket.office_id == service.office_id,
                Ticket.service_day < day,
                Ticket.status.in_((WAITING, CALLED, SERVING, "on_hold")),
            )
        ).all()
        for ticket in stale:
            previous = ticket.status
            ticket.status = CANCELLED
            self._log(session, ticket, "expired", now, data={"from": previous})

    # ------------------------------------------------------------------ calling

    def call_next(self, counter_id: int, user_id: int | None = None) -> dict[str, Any] | None:
        """Call the next citizen for this counter; None when nobody is waiting.

        A ticket still being served is finished first: pressing "next" means "done, next".
        """
        office_id = self.office_of("counter", counter_id)
        with self._write(office_id) as (session, outbox):
            counter = self._counter_for_calling(session, outbox, counter_id, user_id)
            now = self.clock()
            day = queue.local_day(outbox.office, now)
            base = queue.waiting_query(outbox.office.id, day).where(
                (Ticket.target_counter_id == counter.id)
                | (
                    Ticket.target_counter_id.is_(None)
                    & Ticket.service_id.in_(counter.service_ids or [-1])
                )
            )
            order = (Ticket.queued_at, Ticket.id)
            first_priority = session.scalar(
                base.where(Ticket.priority_class_id.is_not(None)).order_by(*order).limit(1)
            )
            first_ordinary = session.scalar(
                base.where(Ticket.priority_class_id.is_(None)).order_by(*order).limit(1)
            )
            ticket, counter.priority_streak = choose_next(
                first_priority,
                first_ordinary,
                counter.priority_streak,
                outbox.office.priority_streak_limit,
            )
            if ticket is None:
                outbox.refresh.counters.add(counter.id)
                return None
            self._call(session, outbox, ticket, counter, user_id, now)
            result = ticket.staff_dict()
        return result

    def call_ticket(
        self, counter_id: int, ticket_id: int, user_id: int | None = None
    ) -> dict[str, Any]:
        """Call one waiting ticket out of order; the event records that it was."""
        office_id = self.office_of("counter", counter_id)
        with self._write(office_id) as (session, outbox):
            counter = self._counter_for_calling(session, outbox, counter_id, user_id)
            ticket = self._ticket(session, ticket_id, outbox.office)
            target_status("call", ticket.status, ticket.code)
            if ticket.target_counter_id not in (None, counter.id):
                raise Conflict(f"Ticket {ticket.code} was transferred to another counter.")
            self._call(session, outbox, ticket, counter, user_id, self.clock(), out_of_order=True)
            result = ticket.staff_dict()
        return result

    def _counter_for_calling(
        self, session: Session, outbox: Outbox, counter_id: int, user_id: int | None
    ) -> Counter:
        counter = self._get(session, Counter, counter_id, "Counter")
        if counter.state != "open":
            raise Conflict(f"Counter {counter.number} is {counter.state}; open it first.")
        current = queue.active_ticket(session, counter.id)
        if current is not None and current.status == CALLED:
            raise InvalidTransition(
                f"Counter {counter.number} has called {current.code}: start, recall or mark "
                "no-show first.",
                ticket=current.code,
            )
        if current is not None:
            self._finish(session, outbox, current, user_id, self.clock(), auto=True)
            outbox.ticket_changed(current)
        return counter

    def _call(
        self,
        session: Session,
        outbox: Outbox,
        ticket: Ticket,
        counter: Counter,
        user_id: int | None,
        now: dt.datetime,
        out_of_order: bool = False,
    ) -> None:
        ticket.status = target_status("call", ticket.status, ticket.code)
        ticket.counter = counter
        ticket.target_counter_id = None
        ticket.called_at = now
        ticket.recall_count = 0
        data = {"out_of_order": True} if out_of_order else None
        event = self._log(session, ticket, "called", now, counter.id, user_id, data)
        self._announce(outbox, ticket, counter, event)

    def _announce(self, outbox: Outbox, ticket: Ticket, counter: Counter, event: TicketEvent):
        rooms = (
            office_room(outbox.office.code),
            counter_room(counter.id),
            ticket_room(ticket.token),
        )
        payload = {**queue.call_payload(event, ticket, counter), "ticket": ticket.public_dict()}
        outbox.events.append(Event("ticket_called", rooms, payload))
        outbox.ticket_changed(ticket, line_moved=event.kind == "called")

    # ------------------------------------------------------------------ ticket actions

    def recall(self, ticket_id: int, user_id: int | None = None) -> dict[str, Any]:
        def act(session, outbox, ticket, now):
            target_status("recall", ticket.status, ticket.code)
            ticket.recall_count += 1
            event = self._log(
                session,
                ticket,
                "recalled",
                now,
                ticket.counter_id,
                user_id,
                {"recall": ticket.recall_count},
            )
            self._announce(outbox, ticket, ticket.counter, event)

        return self._ticket_action(ticket_id, act)

    def start(self, ticket_id: int, user_id: int | None = None) -> dict[str, Any]:
        def act(session, outbox, ticket, now):
            ticket.status = target_status("start", ticket.status, ticket.code)
            ticket.started_at = now
            self._log(session, ticket, "started", now, ticket.counter_id, user_id)

        return self._ticket_action(ticket_id, act)

    def finish(self, ticket_id: int, user_id: int | None = None) -> dict[str, Any]:
        def act(session, outbox, ticket, now):
            self._finish(session, outbox, ticket, user_id, now)

        return self._ticket_action(ticket_id, act)

    def _finish(self, session, outbox, ticket, user_id, now, auto=False) -> None:
        ticket.status = target_status("finish", ticket.status, ticket.code)
        ticket.finished_at = now
        data = {"auto": True} if auto else None
        self._log(session, ticket, "finished", now, ticket.counter_id, user_id, data)
        # The rating tablet at the counter asks this citizen about this ticket.
        counter = ticket.counter
        officer = session.get(User, user_id) if user_id else counter.officer
        payload = {
            "token": ticket.token,
            "code": ticket.code,
            "service": ticket.service.ref(),
            "counter": counter.ref(),
            "officer": (officer.full_name or officer.username) if officer else None,
            "finished_at": iso(now),
        }
        outbox.events.append(Event("rating_requested", (rating_room(counter.id),), payload))

    def no_show(self, ticket_id: int, user_id: int | None = None) -> dict[str, Any]:
        def act(session, outbox, ticket, now):
            status = target_status("no_show", ticket.status, ticket.code)
            needed = outbox.office.recalls_before_no_show
            if ticket.recall_count < needed:
                raise InvalidTransition(
                    f"Recall {ticket.code} at least {needed} time(s) before marking it no-show.",
                    recalls=ticket.recall_count,
                )
            ticket.status = status
            ticket.finished_at = now
            self._log(session, ticket, "no_show", now, ticket.counter_id, user_id)

        return self._ticket_action(ticket_id, act)

    def hold(self, ticket_id: int, user_id: int | None = None) -> dict[str, Any]:
        """Set aside (e.g. the citizen fetches a document); the counter is free meanwhile."""

        def act(session, outbox, ticket, now):
            ticket.status = target_status("hold", ticket.status, ticket.code)
            self._log(session, ticket, "held", now, ticket.counter_id, user_id)

        return self._ticket_action(ticket_id, act)

    def resume(
        self, ticket_id: int, user_id: int | None = None, counter_id: int | None = None
    ) -> dict[str, Any]:
        """Serve a held ticket again, at the counter that held it unless another is named."""

        def act(session, outbox, ticket, now):
            status = target_status("resume", ticket.status, ticket.code)
            counter = self._get(session, Counter, counter_id or ticket.counter_id, "Counter")
            self._same_office(counter, outbox.office)
            busy = queue.active_ticket(session, counter.id)
            if busy is not None:
                raise Conflict(f"Counter {counter.number} is busy with {busy.code}.")
            ticket.status = status
            ticket.counter = counter
            ticket.started_at = ticket.started_at or now
            self._log(session, ticket, "resumed", now, counter.id, user_id)

        return self._ticket_action(ticket_id, act)

    def transfer(
        self,
        ticket_id: int,
        service_code: str | None = None,
        counter_id: int | None = None,
        user_id: int | None = None,
    ) -> dict[str, Any]:
        """Send the citizen to another field or counter, keeping their place in line."""
        if service_code is None and counter_id is None:
            raise Invalid("Name a field or a counter to transfer to.", field="service")

        def act(session, outbox, ticket, now):
            status = target_status("transfer", ticket.status, ticket.code)
            data: dict[str, Any] = {"from_service": ticket.service.code}
            if ticket.counter_id:
                data["from_counter"] = ticket.counter_id
            if service_code is not None:
                service = session.scalar(
                    select(Service).where(
                        Service.office_id == outbox.office.id, Service.code == service_code
                    )
                )
                if service is None:
                    raise NotFound(f"No field {service_code!r} here.", field="service")
                if not service.active:
                    raise Conflict(f"Field {service.name} is not active.", field="service")
                outbox.refresh.services.add(ticket.service_id)
                outbox.refresh.lines.add(ticket.service_id)
                ticket.service = service
                data["to_service"] = service.code
            target = None
            if counter_id is not None:
                target = self._get(session, Counter, counter_id, "Counter")
                self._same_office(target, outbox.office)
                data["to_counter"] = target.id
                outbox.refresh.counters.add(target.id)
            if ticket.counter_id:
                outbox.refresh.counters.add(ticket.counter_id)
            ticket.status = status
            ticket.counter = None
            ticket.target_counter = target
            ticket.recall_count = 0
            if not outbox.office.transfer_keeps_place:
                ticket.queued_at = now
            self._log(session, ticket, "transferred", now, data.get("from_counter"), user_id, data)

        return self._ticket_action(ticket_id, act)

    def cancel(self, ticket_id: int, user_id: int | None = None) -> dict[str, Any]:
        def act(session, outbox, ticket, now):
            ticket.status = target_status("cancel", ticket.status, ticket.code)
            self._log(session, ticket, "cancelled", now, ticket.counter_id, user_id)

        return self._ticket_action(ticket_id, act)

    def issued_sources(self, office_code: str) -> list[dict[str, Any]]:
        """Who issued today's tickets (kiosks, staff, anonymous addresses), busiest first,
        so a manager can spot a client using up the numbers."""
        with self.db.read() as session:
            office = self._office_by_code(session, office_code)
            return self._issued_sources(session, office, queue.local_day(office, self.clock()))

    def _issued_sources(self, session: Session, office: Office,
                        day: dt.date) -> list[dict[str, Any]]:
        rows = session.execute(
            select(
                Ticket.source,
                func.count(),
                func.sum(case((Ticket.status == WAITING, 1), else_=0)),
                func.max(Ticket.issued_at),
            )
            .where(Ticket.office_id == office.id, Ticket.service_day == day)
            .group_by(Ticket.source)
            .order_by(func.count().desc())
        ).all()
        names = self._source_names(session, [row[0] for row in rows])
        return [
            {
                "source": source or "unknown",
                "label": names.get(source) or (source or "unknown").removeprefix("addr:"),
                "issued": issued,
                "waiting": int(waiting or 0),
                "last_issued_at": iso(last),
            }
            for source, issued, waiting, last in rows
        ]

    @staticmethod
    def _source_names(session: Session, sources: list[str | None]) -> dict[str, str]:
        kinds: dict[str, list[int]] = {"device": [], "user": []}
        for source in sources:
            kind, _, ident = (source or "").partition(":")
            if kind in kinds and ident.isdigit():
                kinds[kind].append(int(ident))
        names = {}
        for device in session.scalars(select(Device).where(Device.id.in_(kinds["device"]))):
            names[f"device:{device.id}"] = device.name
        for user in session.scalars(select(User).where(User.id.in_(kinds["user"]))):
            names[f"user:{user.id}"] = user.full_name or user.username
        return names

    def cancel_source(self, office_code: str, source: str,
                      user_id: int | None = None) -> dict[str, Any]:
        """Cancel, in one action, today's waiting tickets one source issued (a flood from
        one address); tickets already called or served stay as they are."""
        office_id = self.office_id(office_code)
        with self._write(office_id) as (session, outbox):
            now = self.clock()
            day = queue.local_day(outbox.office, now)
            tickets = session.scalars(
                select(Ticket).where(
                    Ticket.office_id == office_id,
                    Ticket.service_day == day,
                    Ticket.source == source,
                    Ticket.status == WAITING,
                )
            ).all()
            for ticket in tickets:
                ticket.status = target_status("cancel", ticket.status, ticket.code)
                self._log(session, ticket, "cancelled", now, None, user_id, {"source": source})
                outbox.ticket_changed(ticket, line_moved=True)
            self._audit(session, office_id, user_id, "tickets.cancel_source", source,
                        after={"cancelled": len(tickets)})
            result = {"source": source, "cancelled": len(tickets)}
        return result

    def requeue(self, ticket_id: int, user_id: int | None = None) -> dict[str, Any]:
        """A no-show who turns up later goes back in line at their old place, same day only."""

        def act(session, outbox, ticket, now):
            status = target_status("requeue", ticket.status, ticket.code)
            if ticket.service_day != queue.local_day(outbox.office, now):
                raise InvalidTransition(
                    f"Ticket {ticket.code} is from {ticket.service_day}; take a new ticket."
                )
            if ticket.counter_id:
                outbox.refresh.counters.add(ticket.counter_id)
            ticket.status = status
            ticket.counter = None
            ticket.recall_count = 0
            ticket.finished_at = None
            self._log(session, ticket, "requeued", now, None, user_id)

        return self._ticket_action(ticket_id, act)

    def attach_dossier(
        self,
        ticket_id: int,
        dossier_code: str | None = None,
        note: str | None = None,
        user_id: int | None = None,
    ) -> dict[str, Any]:
        if dossier_code is None and note is None:
            raise Invalid("Give a dossier code or a note.", field="dossier_code")
        code = normalise_dossier_code(dossier_code) if dossier_code is not None else None

        def act(session, outbox, ticket, now):
            if ticket.status == CANCELLED:
                raise InvalidTransition(f"Ticket {ticket.code} is cancelled.")
            data: dict[str, Any] = {}
            if code is not None:
                ticket.dossier_code = data["dossier_code"] = code
            if note is not None:
                ticket.note = data["note"] = note.strip()
            self._log(session, ticket, "annotated", now, ticket.counter_id, user_id, data)

        return self._ticket_action(ticket_id, act)

    def _ticket_action(self, ticket_id: int, act) -> dict[str, Any]:
        office_id = self.office_of("ticket", ticket_id)
        with self._write(office_id) as (session, outbox):
            ticket = self._ticket(session, ticket_id, outbox.office)
            was_waiting = ticket.status == WAITING
            if ticket.counter_id:
                outbox.refresh.counters.add(ticket.counter_id)
            act(session, outbox, ticket, self.clock())
            session.flush()
            outbox.ticket_changed(ticket, line_moved=was_waiting or ticket.status == WAITING)
            result = {**ticket.staff_dict(), **self.estimator(session).place(ticket)}
        return result

    # ------------------------------------------------------------------ counters

    def set_counter_state(
        self, counter_id: int, state: str, user_id: int | None = None
    ) -> dict[str, Any]:
        """Open, pause or close a counter; the officer who opens it is on duty there."""
        if state not in COUNTER_STATES:
            raise Invalid(f"Counter state must be one of {', '.join(COUNTER_STATES)}.")
        office_id = self.office_of("counter", counter_id)
        with self._write(office_id) as (session, outbox):
            counter = self._get(session, Counter, counter_id, "Counter")
            if state == "closed":
                busy = queue.active_ticket(session, counter.id)
                if busy is not None:
                    raise Conflict(
                        f"Counter {counter.number} still has {busy.code}; finish or transfer it."
                    )
            if state == "open" and user_id is not None:
                counter.officer = session.get(User, user_id)
            if state == "closed":
                counter.officer = None
                counter.priority_streak = 0
            counter.state = state
            session.add(
                CounterEvent(
                    counter_id=counter.id,
                    office_id=counter.office_id,
                    state=state,
                    at=self.clock(),
                    user_id=user_id,
                )
            )
            session.flush()
            outbox.refresh.counters.add(counter.id)
            # Estimates depend on how many counters are open.
            outbox.refresh.services.update(counter.service_ids)
            outbox.refresh.lines.update(counter.service_ids)
            result = counter.to_dict()
        return result

    # ------------------------------------------------------------------ rating

    def rating_scale(self, office_code: str) -> dict[str, Any]:
        with self.db.read() as session:
            return rating.scale(self._office_by_code(session, office_code).settings)

    def rating_prompt(self, counter_id: int, within: float = 300) -> dict[str, Any]:
        """What a rating tablet shows on (re)connect: the counter, the scale, and the
        ticket finished there in the last `within` seconds if it is not rated yet."""
        with self.db.read() as session:
            counter = self._get(session, Counter, counter_id, "Counter")
            since = self.clock() - dt.timedelta(seconds=within)
            ticket = session.scalar(
                select(Ticket)
                .where(
                    Ticket.counter_id == counter_id,
                    Ticket.status == "done",
                    Ticket.finished_at >= since,
                    ~select(Rating.id).where(Rating.ticket_id == Ticket.id).exists(),
                )
                .order_by(Ticket.finished_at.desc())
                .limit(1)
            )
            pending = None
            if ticket is not None:
                officer = self._finishing_officer(session, ticket)
                pending = {
                    "token": ticket.token,
                    "code": ticket.code,
                    "service": ticket.service.ref(),
                    "counter": counter.ref(),
                    "officer": (officer.full_name or officer.username) if officer else None,
                    "finished_at": iso(ticket.finished_at),
                }
            return {
                "counter": counter.ref(),
                "office": counter.office.to_dict(),
                "scale": rating.scale(counter.office.settings),
                "pending": pending,
            }

    def rate(
        self,
        token: str,
        level: str,
        reasons: list[str] | None = None,
        comment: str | None = None,
        channel: str = "phone",
    ) -> dict[str, Any]:
        """The citizen's rating of a finished ticket; one per ticket, tied to its officer."""
        with self.db.read() as session:
            found = session.scalar(select(Ticket.office_id).where(Ticket.token == token))
        if found is None:
            raise NotFound("No ticket has this code.")
        with self._write(found) as (session, outbox):
            ticket = session.scalar(select(Ticket).where(Ticket.token == token))
            if ticket.status != "done":
                raise InvalidTransition(f"Ticket {ticket.code} is {ticket.status}, not finished.")
            if session.scalar(select(Rating.id).where(Rating.ticket_id == ticket.id)):
                raise Conflict(f"Ticket {ticket.code} has been rated already.")
            office_scale = rating.scale(outbox.office.settings)
            officer = self._finishing_officer(session, ticket)
            entry = Rating(
                ticket_id=ticket.id,
                office_id=ticket.office_id,
                counter_id=ticket.counter_id,
                officer_id=officer.id if officer else None,
                level=level,
                score=rating.score(office_scale, level),
                reasons=rating.check_reasons(office_scale, reasons or []) or None,
                comment=(comment or "").strip() or None,
                channel=channel,
                created_at=self.clock(),
            )
            session.add(entry)
            self._log(
                session,
                ticket,
                "rated",
                entry.created_at,
                ticket.counter_id,
                None,
                {"level": level},
            )
            result = {
                "ticket": ticket.code,
                "level": level,
                "score": entry.score,
                "reasons": entry.reasons,
                "channel": channel,
            }
            rooms = [staff_room(outbox.office.code)]
            if ticket.counter_id:
                rooms.append(rating_room(ticket.counter_id))
            announced = {**result, "token": ticket.token}
            outbox.events.append(Event("rating_recorded", tuple(rooms), announced))
        return result

    @staticmethod
    def _finishing_officer(session: Session, ticket: Ticket) -> User | None:
        """Who served the ticket: the officer who finished it, else the one on duty."""
        user_id = session.scalar(
            select(TicketEvent.user_id)
            .where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "finished")
            .order_by(TicketEvent.id.desc())
        )
        if user_id:
            return session.get(User, user_id)
        return ticket.counter.officer if ticket.counter else None

    # ------------------------------------------------------------------ overview

    def overview(self, office_code: str, offline_after: float = 90) -> dict[str, Any]:
        """The manager's live view: the office snapshot plus the longest current wait,
        today's served count per field, and devices with a fault or offline."""
        now = self.clock()
        with self.db.read() as session:
            office = self._office_by_code(session, office_code)
            day = queue.local_day(office, now)
            snapshot = queue.office_snapshot(session, office, now, self.estimator(session))
            oldest = dict(
                session.execute(
                    select(Ticket.service_id, func.min(Ticket.issued_at))
                    .where(
                        Ticket.office_id == office.id,
                        Ticket.status == WAITING,
                        Ticket.service_day == day,
                    )
                    .group_by(Ticket.service_id)
                ).all()
            )
            served = dict(
                session.execute(
                    select(Ticket.service_id, func.count())
                    .where(
                        Ticket.office_id == office.id,
                        Ticket.status == "done",
                        Ticket.service_day == day,
                    )
                    .group_by(Ticket.service_id)
                ).all()
            )
            by_code = {s.code: s.id for s in office.services}
            targets = {s.code: s.target_wait_minutes for s in office.services}
            for service in snapshot["services"]:
                since = oldest.get(by_code[service["code"]])
                service["longest_wait_seconds"] = (
                    int((now - since).total_seconds()) if since else None
                )
                service["served_today"] = served.get(by_code[service["code"]], 0)
                service["target_wait_minutes"] = targets[service["code"]]
            cutoff = now - dt.timedelta(seconds=offline_after)
            devices = []
            for device in session.scalars(
                select(Device)
                .where(Device.office_id == office.id, Device.active.is_(True))
                .order_by(Device.id)
            ):
                item = device.to_dict()
                item["online"] = bool(
                    device.connected and device.last_seen_at and device.last_seen_at >= cutoff
                )
                item["fault"] = device.printer_status == "error" or not item["online"]
                devices.append(item)
            sources = self._issued_sources(session, office, day)
        waits = [
            s["longest_wait_seconds"]
            for s in snapshot["services"]
            if s["longest_wait_seconds"] is not None
        ]
        return {
            **snapshot,
            "longest_wait_seconds": max(waits) if waits else None,
            "served_today": sum(served.values()),
            "open_counters": sum(c["state"] == "open" for c in snapshot["counters"]),
            "devices": devices,
            "sources": sources[:10],
        }

    def device_presence(self, device_ids: list[int], connected: bool | None) -> None:
        """A device's screen connected (True), went away (False) or is still there (None)."""
        if not device_ids:
            return
        now = self.clock()
        with self.db.write() as session:
            devices = session.scalars(select(Device).where(Device.id.in_(device_ids))).all()
            for device in devices:
                device.last_seen_at = now
                if connected is not None:
                    device.connected = connected
            events = [
                Event("device_status", (staff_room(device.office.code),), device.to_dict())
                for device in devices
                if connected is not None
            ]
        for event in events:
            self.publish(event)

    # ------------------------------------------------------------------ printing

    def reprint(
        self,
        ticket_id: int,
        user_id: int | None = None,
        device_id: int | None = None,
        track_url_base: str = "",
    ) -> dict[str, Any]:
        """Print a ticket again (an officer's or manager's request), on its kiosk by default."""
        office_id = self.office_of("ticket", ticket_id)
        with self._write(office_id) as (session, outbox):
            ticket = self._ticket(session, ticket_id, outbox.office)
            device = self._kiosk(session, device_id or ticket.device_id, outbox.office)
            if not device.printer_url:
                raise Conflict(f"Kiosk {device.name} has no printer.")
            track_url = f"{track_url_base.rstrip('/')}/t/{ticket.token}"
            job = printing.new_job(
                session, ticket, device, self.clock(), track_url, user_id, reprint=True
            )
            outbox.events.append(printing.job_event(job, device))
            result = job.to_dict()
        return result

    def claim_print_job(self, job_id: int) -> dict[str, Any] | None:
        """Take a pending job for printing; None if it was taken or settled already."""
        with self.db.write() as session:
            claimed = printing.claim(session, job_id, self.clock())
            return printing.print_data(claimed) if claimed else None

    def settle_print_job(
        self,
        job_id: int,
        ok: bool,
        error: str | None = None,
        bytes_sent: int | None = None,
        device_id: int | None = None,
    ) -> dict[str, Any]:
        """Record how printing went, on the job and on the kiosk's printer status.

        `device_id`, when given, must be the job's device (an agent reports only its own).
        """
        with self.db.write() as session:
            job = printing.settle(session, job_id, ok, error, bytes_sent, self.clock(), device_id)
            result = job.to_dict()
            events = printing.settled_events(job)
        for event in events:
            self.publish(event)
        return result

    def expire_print_jobs(self, older_than: dt.timedelta) -> list[int]:
        """Fail jobs nobody printed in time: a late ticket would confuse the next citizen."""
        with self.db.write() as session:
            jobs = printing.stale(session, self.clock() - older_than)
            for job in jobs:
                printing.settle(session, job.id, False, "not printed in time", None, self.clock())
            events = [e for job in jobs for e in printing.settled_events(job)]
            ids = [job.id for job in jobs]
        for event in events:
            self.publish(event)
        return ids

    def pending_print_jobs(self, device_id: int | None = None) -> list[int]:
        with self.db.read() as session:
            return printing.pending(session, device_id)

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _kiosk(session: Session, device_id: int | None, office: Office) -> Device:
        device = session.get(Device, device_id) if device_id is not None else None
        if device is None or not device.active or device.kind != "kiosk":
            raise NotFound("No such kiosk.", field="device")
        if device.office_id != office.id:
            raise Conflict("That kiosk belongs to another office.")
        return device

    @staticmethod
    def _counters_serving(session: Session, office_id: int, service_ids: set[int]) -> set[int]:
        counters = session.scalars(
            select(Counter)
            .where(Counter.office_id == office_id)
            .options(selectinload(Counter.links))
        )
        return {c.id for c in counters if service_ids.intersection(c.service_ids)}

    @staticmethod
    def _office_by_code(session: Session, code: str) -> Office:
        office = session.scalar(select(Office).where(Office.code == code))
        if office is None:
            raise NotFound(f"No office with code {code!r}.", field="office")
        return office

    @staticmethod
    def _get(session: Session, model, ident: int | None, label: str):
        obj = session.get(model, ident) if ident is not None else None
        if obj is None:
            raise NotFound(f"{label} {ident} does not exist.")
        return obj

    def _ticket(self, session: Session, ticket_id: int, office: Office) -> Ticket:
        query = select(Ticket).where(Ticket.id == ticket_id).with_for_update(of=Ticket)
        ticket = session.scalar(query)
        if ticket is None:
            raise NotFound(f"Ticket {ticket_id} does not exist.")
        self._same_office(ticket, office)
        return ticket

    @staticmethod
    def _same_office(obj: Ticket | Counter, office: Office) -> None:
        if obj.office_id != office.id:
            raise Conflict("That belongs to another office.")

    @staticmethod
    def _log(
        session: Session,
        ticket: Ticket,
        kind: str,
        at: dt.datetime,
        counter_id: int | None = None,
        user_id: int | None = None,
        data: dict[str, Any] | None = None,
    ) -> TicketEvent:
        event = TicketEvent(
            ticket_id=ticket.id,
            office_id=ticket.office_id,
            service_id=ticket.service_id,
            kind=kind,
            at=at,
            counter_id=counter_id,
            user_id=user_id,
            data=data,
        )
        session.add(event)
        session.flush()
        return event
