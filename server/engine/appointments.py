"""Appointments: a citizen books a slot for a field, or an officer sets the return of a
dossier's result; at the office the citizen checks in and gets a ticket placed in line at
the slot's time.

Every booking, change and cancellation takes the office lock, so a slot's capacity and a
phone's limits are counted and written in one serialised step on SQLite and PostgreSQL,
by any number of server processes: no slot is ever overbooked. The messages a change
causes are written in the same transaction (engine/citizen_messages.py).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import secrets
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..i18n import english
from ..models import Appointment, Office, PrintJob, Service, Ticket
from . import citizen_messages, phone_codes, printing
from .challenges import Challenges, under_pressure
from .commit_then_publish import Outbox, Transactions, Unit
from .context import Context, kiosk, office_by_code
from .errors import Closed, Conflict, Invalid, NotFound
from .events import Event, staff_room
from .lines import local_day
from .numbering import Citizen, Numbering, refuse_anonymous
from .rules import hours, slots
from .rules.documents import NETWORK_FLOOR, appointment_rules, message_settings
from .rules.phones import normalise_phone

# Booking codes: no 0/O, 1/I/L, 2/Z, 5/S, 8/B to misread on a phone or a slip.
CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY34679"
CODE_LENGTH = 6
# Still holding a place: counted against a slot's capacity and a phone's limits.
HOLDING = ("booked", "checked_in")


def masked(phone: str | None) -> str | None:
    return None if not phone else "•" * (len(phone) - 3) + phone[-3:]


def normalise_code(text: str) -> str:
    """Spaces and dashes dropped, upper case; ASCII only, since `str.upper` would turn
    other letters into ASCII ones ("ı" into "I"): a code with any other character is
    returned unchanged and matches no booking."""
    code = re.sub(r"[ \t\r\n-]", "", text or "")
    return code.upper() if code.isascii() else code


class Appointments(Unit):
    def __init__(self, ctx: Context, tx: Transactions, numbering: Numbering) -> None:
        super().__init__(ctx, tx)
        self.numbering = numbering
        self.challenges = Challenges(ctx, tx)

    # ------------------------------------------------------------------ reading

    def booking(self, office_code: str) -> dict[str, Any]:
        """What the public booking page needs: whether it books, and the bookable fields."""
        with self.ctx.db.read() as session:
            office = office_by_code(session, office_code)
            rules = appointment_rules(office.settings)
            fields = _bookable(office, rules)
            # A province's copy of a centre's office: its bookings are the centre's (the copy
            # is written by the centre alone), so its page books nothing and says where.
            at_centre = office.centre_id is not None
            return {
                "office": office.to_dict(),
                "enabled": bool(rules["enabled"] and fields and not at_centre),
                "at_centre": at_centre,
                "verify_phone": bool(rules["verify_phone"]),
                "challenge": under_pressure(session, office, self.ctx.clock()),
                "fields": [{"code": s.code, "name": s.name, "name_en": s.name_en} for s in fields],
                "slot_minutes": rules["slot_minutes"],
                "days_ahead": rules["days_ahead"],
                "per_phone_per_day": rules["per_phone_per_day"],
                # The form asks consent to reminders only where the office sends them.
                "messages": citizen_messages.sends(office, "reminder_day"),
            }

    def slots(
        self, office_code: str, service_code: str, start: dt.date | None = None, days: int = 7
    ) -> dict[str, Any]:
        """The field's slots day by day from `start` (today): each with its free places,
        the ones too soon or full marked so."""
        with self.ctx.db.read() as session:
            office = office_by_code(session, office_code)
            rules = appointment_rules(office.settings)
            service = _bookable_service(office, rules, service_code)
            zone = ZoneInfo(office.timezone)
            now = self.ctx.clock()
            local_now = now.astimezone(zone)
            last = local_now.date() + dt.timedelta(days=rules["days_ahead"])
            first = max(start or local_now.date(), local_now.date())
            taken = _taken(session, service, first, last)
            capacity = rules["capacity"].get(service.code, 0)
            earliest = now + dt.timedelta(minutes=rules["min_notice_minutes"])
            out = []
            day = first
            while day <= last and len(out) < max(1, min(days, 31)):
                entries = []
                for begin, end in slots.day_slots(office.settings, day, rules["slot_minutes"]):
                    at = dt.datetime.combine(day, begin, zone)
                    free = max(0, capacity - taken.get(at.astimezone(dt.UTC), 0))
                    entries.append(
                        {
                            "start": at.isoformat(),
                            "end": dt.datetime.combine(day, end, zone).isoformat(),
                            "time": begin.strftime("%H:%M"),
                            "free": free,
                            "bookable": free > 0 and at >= earliest,
                        }
                    )
                out.append({"day": day.isoformat(), "slots": entries})
                day += dt.timedelta(days=1)
            return {"service": service.code, "capacity": capacity, "days": out}

    def appointment(self, token: str) -> dict[str, Any]:
        """An appointment as its holder sees it (by the secret of their links)."""
        with self.ctx.db.read() as session:
            return public_view(session, _by_token(session, token))

    def appointments_of_day(
        self, office_code: str, day: dt.date | None = None
    ) -> list[dict[str, Any]]:
        """The office's appointments of a day (today), in slot order, for staff."""
        with self.ctx.db.read() as session:
            office = office_by_code(session, office_code)
            day = day or local_day(office, self.ctx.clock())
            rows = session.scalars(
                select(Appointment)
                .where(Appointment.office_id == office.id, Appointment.local_day == day)
                .order_by(Appointment.slot_start, Appointment.id)
            ).all()
            tickets = _tickets_of(session, [a.id for a in rows])
            return [staff_view(a, tickets.get(a.id), self.ctx.clock()) for a in rows]

    # ------------------------------------------------------------------ booking

    def book(
        self,
        office_code: str,
        service_code: str,
        start: dt.datetime,
        name: str,
        phone: str,
        consent: bool = False,
        link_base: str = "",
        *,
        source: str | None = None,
        network: str | None = None,
        phone_code: str | None = None,
        challenge: str | None = None,
    ) -> dict[str, Any]:
        """Book the slot starting at local `start`, or refuse (full, too soon, a phone over
        its limits, the booker's network over its share of the field's day). Returns the
        public view with the secret `token` of the links.

        A public booking (`source` an address, with its `network`) also passes the
        office's proof-of-work when it is under pressure (`challenge`, spent whatever
        becomes of the booking) and, where the office verifies phones, the code sent to
        the phone (`phone_code`, spent with the booking; a wrong one costs a try)."""
        phone = normalise_phone(phone)
        name = (name or "").strip()
        if not 1 <= len(name) <= 200:
            raise Invalid(english("booking_name"), field="name")
        office_id = self.ctx.office_id(office_code)
        self._refuse_copy(office_id)
        public = source is None or source.startswith("addr:")
        if public:
            self.challenges.spend_challenge(office_id, challenge)
        code_id = self._phone_code(office_id, phone, phone_code) if public else None
        with self.tx.office(office_id, keeps_figures=True) as (session, outbox):
            office = outbox.office
            rules = appointment_rules(office.settings)
            if not rules["enabled"]:
                raise Closed(english("no_bookings", office=office.name))
            service = _bookable_service(office, rules, service_code)
            now = self.ctx.clock()
            slot_start, slot_end = self._slot(office, rules, start, now)
            self._check_room(session, office, rules, service, slot_start)
            self._check_phone(session, office, rules, phone, slot_start, now)
            self._check_network(session, office, rules, service, network, slot_start)
            if code_id is not None:
                phone_codes.use(session, code_id, now)
            appointment = Appointment(
                office_id=office.id,
                service=service,
                office=office,
                kind="booking",
                code=_new_code(session),
                token=secrets.token_urlsafe(24),
                status="booked",
                slot_start=slot_start,
                slot_end=slot_end,
                local_day=slot_start.astimezone(ZoneInfo(office.timezone)).date(),
                citizen_name=name,
                phone=phone,
                consent_at=now if consent else None,
                created_at=now,
                source=source,
                network=network,
            )
            session.add(appointment)
            session.flush()
            self._confirm(session, outbox, appointment, "booked", now, link_base)
            return {**public_view(session, appointment), "token": appointment.token}

    def change_appointment(
        self, token: str, start: dt.datetime, link_base: str = ""
    ) -> dict[str, Any]:
        """Move a booking to another slot of its field (capacity and limits counted again,
        its reminders written for the new time)."""
        office_id = self._office_of_token(token)
        with self.tx.office(office_id, keeps_figures=True) as (session, outbox):
            appointment = _by_token(session, token)
            _still_booked(appointment)
            office = outbox.office
            rules = appointment_rules(office.settings)
            now = self.ctx.clock()
            slot_start, slot_end = self._slot(office, rules, start, now)
            if slot_start == appointment.slot_start:
                return {**public_view(session, appointment), "token": token}
            service = _bookable_service(office, rules, appointment.service.code)
            self._check_room(session, office, rules, service, slot_start)
            self._check_phone(
                session, office, rules, appointment.phone, slot_start, now, appointment.id
            )
            self._check_network(
                session, office, rules, service, appointment.network, slot_start, appointment.id
            )
            citizen_messages.cancel_pending(
                session, appointment.id, ("booked", "changed", "reminder_day", "reminder_hour")
            )
            appointment.slot_start, appointment.slot_end = slot_start, slot_end
            appointment.local_day = slot_start.astimezone(ZoneInfo(office.timezone)).date()
            appointment.changed_at = now
            self._confirm(session, outbox, appointment, "changed", now, link_base)
            return {**public_view(session, appointment), "token": token}

    def cancel_appointment(self, token: str) -> dict[str, Any]:
        """Cancel a booking that has not been checked in; its reminders are not sent."""
        office_id = self._office_of_token(token)
        with self.tx.office(office_id, keeps_figures=True) as (session, outbox):
            appointment = _by_token(session, token)
            _still_booked(appointment)
            now = self.ctx.clock()
            appointment.status = "cancelled"
            appointment.cancelled_at = now
            citizen_messages.cancel_pending(session, appointment.id)
            citizen_messages.for_appointment(
                session,
                appointment,
                "cancelled",
                _params(appointment),
                now,
                key=f"cancelled:appointment:{appointment.id}",
            )
            _announce(outbox, appointment)
            return public_view(session, appointment)

    # ------------------------------------------------------------------ return of results

    def set_return(
        self,
        ticket_id: int,
        start: dt.datetime,
        user_id: int | None = None,
        phone: str | None = None,
        consent: bool = False,
        link_base: str = "",
        device_id: int | None = None,
        slip_base: str | None = None,
    ) -> dict[str, Any]:
        """The officer who received a dossier (its code on the ticket) sets when its result
        is returned: an appointment for the ticket's field at local `start`, and its slip
        printed on the kiosk `device_id` (by default the kiosk that issued the ticket,
        where it has a printer; `print_job` is None when none can print it). `link_base`
        is the messages' (empty: no link), `slip_base` the slip's QR (`link_base` when
        not given)."""
        office_id = self.ctx.office_of("ticket", ticket_id)
        phone = normalise_phone(phone) if phone else None
        with self.tx.office(office_id, keeps_figures=True) as (session, outbox):
            office = outbox.office
            ticket = session.get(Ticket, ticket_id)
            if ticket is None:
                raise NotFound(english("does_not_exist", label="Ticket", id=ticket_id))
            if not ticket.dossier_code:
                raise Conflict(english("return_dossier", code=ticket.code), field="dossier_code")
            rules = appointment_rules(office.settings)
            now = self.ctx.clock()
            zone = ZoneInfo(office.timezone)
            slot_start = _local(start, zone).replace(tzinfo=zone).astimezone(dt.UTC)
            if slot_start <= now:
                raise Invalid(english("return_future"), field="start")
            local = slot_start.astimezone(zone)
            if not hours.is_open(office.settings, local):
                raise Closed(
                    english(
                        "closed_at",
                        office=office.name,
                        time=f"{local:%H:%M}",
                        date=f"{local:%d/%m/%Y}",
                    ),
                    field="start",
                )
            existing = session.scalar(
                select(Appointment).where(
                    Appointment.kind == "return",
                    Appointment.from_ticket_id == ticket.id,
                    Appointment.status.in_(HOLDING),
                )
            )
            if existing is not None:
                citizen_messages.cancel_pending(
                    session,
                    existing.id,
                    ("booked", "return_set", "changed", "reminder_day", "reminder_hour"),
                )
                existing.status = "cancelled"
                existing.cancelled_at = now
            appointment = Appointment(
                office_id=office.id,
                service_id=ticket.service_id,
                service=ticket.service,
                office=office,
                kind="return",
                code=_new_code(session),
                token=secrets.token_urlsafe(24),
                status="booked",
                slot_start=slot_start,
                slot_end=slot_start + dt.timedelta(minutes=rules["slot_minutes"]),
                local_day=local.date(),
                citizen_name=ticket.citizen_name or "",
                phone=phone,
                consent_at=now if consent and phone else None,
                dossier_code=ticket.dossier_code,
                citizen_id_hash=ticket.citizen_id_hash,
                from_ticket_id=ticket.id,
                created_by=user_id,
                created_at=now,
            )
            session.add(appointment)
            session.flush()
            self._confirm(session, outbox, appointment, "return_set", now, link_base)
            slip = link_base if slip_base is None else slip_base
            job = self._slip(session, outbox, ticket, appointment, device_id, user_id, slip)
            return {
                **public_view(session, appointment),
                "token": appointment.token,
                "id": appointment.id,
                "print_job": job.to_dict() if job else None,
            }

    def _slip(
        self,
        session: Session,
        outbox: Outbox,
        ticket: Ticket,
        appointment: Appointment,
        device_id: int | None,
        user_id: int | None,
        link_base: str,
    ) -> PrintJob | None:
        """The slip's print job, on the kiosk asked for or the ticket's own."""
        if device_id is None and ticket.device_id is None:
            return None
        device = kiosk(session, device_id or ticket.device_id, outbox.office)
        if not device.printer_url:
            if device_id is None:
                return None
            raise Conflict(english("no_printer", name=device.name), field="device")
        page = f"{link_base.rstrip('/')}/b/{appointment.token}"
        job = printing.new_job(
            session, ticket, device, self.ctx.clock(), page, user_id, appointment_id=appointment.id
        )
        outbox.send(printing.job_event(job, device))
        return job

    def result_ready(
        self, office_code: str, appointment_id: int, user_id: int | None = None
    ) -> dict[str, Any]:
        """The dossier's result is ready: the citizen is told (where they consented)."""
        office_id = self.ctx.office_id(office_code)
        with self.tx.office(office_id, keeps_figures=True) as (session, outbox):
            appointment = session.get(Appointment, appointment_id)
            if appointment is None or appointment.office_id != office_id:
                raise NotFound(english("no_appointment", id=appointment_id))
            if appointment.kind != "return":
                raise Conflict(english("return_only"))
            now = self.ctx.clock()
            if appointment.result_ready_at is None:
                appointment.result_ready_at = now
                citizen_messages.for_appointment(
                    session, appointment, "result_ready", _params(appointment), now
                )
            _announce(outbox, appointment)
            return staff_view(appointment, None, now)

    # ------------------------------------------------------------------ check-in

    def check_in(
        self,
        office_code: str,
        *,
        code: str | None = None,
        token: str | None = None,
        citizen: Citizen | None = None,
        device_id: int | None = None,
        track_url_base: str = "",
        source: str | None = None,
        anonymous: bool = False,
    ) -> dict[str, Any]:
        """The citizen with today's appointment (by its code, the QR of its links, or the
        CCCD scanned when the dossier was received) gets a ticket for its field, in line
        at the slot's time (plus the office's offset). Early beyond the office's window is
        refused; late beyond it is an ordinary ticket (or refused, as the office says). A
        second check-in returns the same ticket."""
        office_id = self.ctx.office_id(office_code)
        with self.tx.office(office_id, keeps_figures=True) as (session, outbox):
            office = outbox.office
            refuse_anonymous(office, anonymous)  # as issuing does
            now = self.ctx.clock()
            day = local_day(office, now)
            appointment = _find_for_check_in(session, office, day, code, token, citizen)
            if appointment.status == "checked_in":
                ticket = session.scalar(
                    select(Ticket).where(Ticket.appointment_id == appointment.id)
                )
                if ticket is not None:
                    return {
                        **self.numbering._issued_view(session, ticket),
                        "appointment": public_view(session, appointment),
                    }
            if appointment.status != "booked":
                raise Conflict(
                    english("appointment_state", code=appointment.code, status=appointment.status),
                    field="code",
                )
            if appointment.local_day != day:
                raise Conflict(
                    english(
                        "appointment_day",
                        code=appointment.code,
                        date=f"{appointment.local_day:%d/%m/%Y}",
                    ),
                    field="code",
                )
            if not hours.is_open(office.settings, now.astimezone(ZoneInfo(office.timezone))):
                raise Closed(english("outside_hours", office=office.name))
            rules = appointment_rules(office.settings)
            queued_at = self._place(appointment, rules, now)
            device = kiosk(session, device_id, office) if device_id is not None else None
            ticket = self.numbering.new_ticket(
                session,
                outbox,
                appointment.service,
                now,
                channel="kiosk" if device is not None else "officer",
                citizen=citizen,
                device=device,
                track_url_base=track_url_base,
                source=source,
                queued_at=queued_at,
                appointment_id=appointment.id,
            )
            appointment.status = "checked_in"
            appointment.checked_in_at = now
            _announce(outbox, appointment)
            return {**ticket, "appointment": public_view(session, appointment)}

    def _place(self, appointment: Appointment, rules: dict[str, Any], now: dt.datetime):
        """Where the checked-in citizen stands in line: at the slot's start (plus the
        office's offset) when on time, at the back when late (or refused)."""
        zone = ZoneInfo(appointment.office.timezone)
        opens = appointment.slot_start - dt.timedelta(minutes=rules["early_minutes"])
        if now < opens:
            raise Conflict(
                english(
                    "appointment_early",
                    code=appointment.code,
                    time=f"{opens.astimezone(zone):%H:%M}",
                ),
                field="code",
                opens_at=opens.isoformat(),
            )
        late = now > appointment.slot_start + dt.timedelta(minutes=rules["late_minutes"])
        if late and rules["late_rule"] == "refuse":
            raise Conflict(
                english(
                    "appointment_late",
                    code=appointment.code,
                    time=f"{appointment.slot_start.astimezone(zone):%H:%M}",
                ),
                field="code",
            )
        if late:
            return None
        return appointment.slot_start + dt.timedelta(minutes=rules["queue_offset_minutes"])

    # ------------------------------------------------------------------ rules

    def _slot(
        self, office: Office, rules: dict[str, Any], start: dt.datetime, now: dt.datetime
    ) -> tuple[dt.datetime, dt.datetime]:
        zone = ZoneInfo(office.timezone)
        start = _local(start, zone)
        found = slots.slot_at(office.settings, zone, start, rules["slot_minutes"])
        if found is None:
            raise Invalid(
                english(
                    "no_slot", office=office.name, time=f"{start:%H:%M}", date=f"{start:%d/%m/%Y}"
                ),
                field="start",
            )
        slot_start, slot_end = found
        if slot_start < now + dt.timedelta(minutes=rules["min_notice_minutes"]):
            raise Conflict(english("book_soon", minutes=rules["min_notice_minutes"]), field="start")
        last = now.astimezone(zone).date() + dt.timedelta(days=rules["days_ahead"])
        if slot_start.astimezone(zone).date() > last:
            raise Conflict(english("book_far", days=rules["days_ahead"]), field="start")
        return slot_start, slot_end

    def _check_room(
        self,
        session: Session,
        office: Office,
        rules: dict[str, Any],
        service: Service,
        slot_start: dt.datetime,
    ) -> None:
        held = session.scalar(
            select(func.count())
            .select_from(Appointment)
            .where(
                Appointment.office_id == office.id,
                Appointment.service_id == service.id,
                Appointment.kind == "booking",
                Appointment.slot_start == slot_start,
                Appointment.status.in_(HOLDING),
            )
        )
        if held >= rules["capacity"].get(service.code, 0):
            raise Conflict(english("slot_full"), field="start")

    def _check_phone(
        self,
        session: Session,
        office: Office,
        rules: dict[str, Any],
        phone: str | None,
        slot_start: dt.datetime,
        now: dt.datetime,
        moving: int | None = None,
    ) -> None:
        """Against hoarding: one phone books at most `per_phone_per_day` bookings of a day,
        cancelled ones counted too (booking someone's number and cancelling, over and over,
        sent them a message each time), and holds `per_phone_open` upcoming ones."""
        if phone is None:
            return
        mine = select(Appointment).where(
            Appointment.office_id == office.id,
            Appointment.phone == phone,
            Appointment.kind == "booking",
            Appointment.status.in_(("booked", "checked_in", "cancelled")),
            Appointment.id != (moving or 0),
        )
        day = slot_start.astimezone(ZoneInfo(office.timezone)).date()
        rows = session.scalars(mine).all()
        if sum(1 for a in rows if a.local_day == day) >= rules["per_phone_per_day"]:
            raise Conflict(
                english("phone_day", count=rules["per_phone_per_day"], date=f"{day:%d/%m/%Y}"),
                field="phone",
            )
        held = [a for a in rows if a.status == "booked" and a.slot_end > now]
        if len(held) >= rules["per_phone_open"]:
            raise Conflict(english("phone_open", count=rules["per_phone_open"]), field="phone")

    def _check_network(
        self,
        session: Session,
        office: Office,
        rules: dict[str, Any],
        service: Service,
        network: str | None,
        slot_start: dt.datetime,
        moving: int | None = None,
    ) -> None:
        """One network (an IPv4 /24, an IPv6 /64: one host's addresses, or one NAT) holds
        at most `network_share` percent of a field's day, and never fewer than
        NETWORK_FLOOR places: the rest is left for everyone else."""
        if network is None or rules["network_share"] >= 100:
            return
        zone = ZoneInfo(office.timezone)
        day = slot_start.astimezone(zone).date()
        places = rules["capacity"].get(service.code, 0) * len(
            slots.day_slots(office.settings, day, rules["slot_minutes"])
        )
        allowed = max(NETWORK_FLOOR, math.ceil(places * rules["network_share"] / 100))
        held = session.scalar(
            select(func.count())
            .select_from(Appointment)
            .where(
                Appointment.office_id == office.id,
                Appointment.local_day == day,
                Appointment.network == network,
                Appointment.service_id == service.id,
                Appointment.kind == "booking",
                Appointment.status.in_(HOLDING),
                Appointment.id != (moving or 0),
            )
        )
        if held >= allowed:
            raise Conflict(
                english("network_share", count=allowed, date=f"{day:%d/%m/%Y}"), field="start"
            )

    def _phone_code(self, office_id: int, phone: str, code: str | None) -> int | None:
        """Where the office verifies phones: the id of the live code `code` matches (a
        wrong one costs a try, committed here), spent later with the booking."""
        with self.ctx.db.read() as session:
            office = session.get(Office, office_id)
            if office is None or not appointment_rules(office.settings)["verify_phone"]:
                return None
        now = self.ctx.clock()
        refused: Invalid | None = None
        with self.tx.write() as (session, _outbox):
            try:
                return phone_codes.check(session, office_id, phone, code, now)
            except Invalid as exc:
                refused = exc  # the try it cost is committed with this transaction
        raise refused

    def _confirm(
        self,
        session: Session,
        outbox: Outbox,
        appointment: Appointment,
        kind: str,
        now: dt.datetime,
        link_base: str,
    ) -> None:
        """The confirmation and the two reminders, written with the booking."""
        params = _params(appointment, link_base)
        stamp = f"{appointment.slot_start:%Y%m%dT%H%M}"
        citizen_messages.for_appointment(
            session,
            appointment,
            kind,
            params,
            now,
            key=f"{kind}:appointment:{appointment.id}:{stamp}",
        )
        settings = message_settings(appointment.office.settings)
        zone = ZoneInfo(appointment.office.timezone)
        at = dt.time.fromisoformat(settings["reminder_day_at"])
        day_before = dt.datetime.combine(
            appointment.local_day - dt.timedelta(days=1), at, zone
        ).astimezone(dt.UTC)
        hour_before = appointment.slot_start - dt.timedelta(
            minutes=settings["reminder_hour_minutes"]
        )
        for reminder, due in (("reminder_day", day_before), ("reminder_hour", hour_before)):
            if due > now:
                citizen_messages.for_appointment(
                    session,
                    appointment,
                    reminder,
                    params,
                    now,
                    due_at=due,
                    key=f"{reminder}:appointment:{appointment.id}:{stamp}",
                )
        _announce(outbox, appointment)

    def _refuse_copy(self, office_id: int) -> None:
        """A province's copy books nothing: said in the citizen's words, not as the
        "change it at the centre" the office lock gives staff."""
        with self.ctx.db.read() as session:
            office = session.get(Office, office_id)
            if office is not None and office.centre_id is not None:
                raise Conflict(english("booking_at_centre", office=office.name))

    def _office_of_token(self, token: str) -> int:
        with self.ctx.db.read() as session:
            return _by_token(session, token).office_id


# ---------------------------------------------------------------------- helpers


def _local(start: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """A wall time of the office (naive), from a naive one or one with any offset."""
    return start.astimezone(zone).replace(tzinfo=None) if start.tzinfo else start


def _bookable(office: Office, rules: dict[str, Any]) -> list[Service]:
    """Active fields with places, that some counter serves (else the check-in is refused:
    such a field is never ticketed)."""
    served = {ident for counter in office.counters for ident in counter.service_ids}
    return [
        s
        for s in office.services
        if s.active and rules["capacity"].get(s.code, 0) > 0 and s.id in served
    ]


def _bookable_service(office: Office, rules: dict[str, Any], code: str) -> Service:
    for service in _bookable(office, rules):
        if service.code == code:
            return service
    raise NotFound(english("no_booking_field", office=office.code, code=code), field="service")


def _taken(
    session: Session, service: Service, first: dt.date, last: dt.date
) -> dict[dt.datetime, int]:
    rows = session.execute(
        select(Appointment.slot_start, func.count())
        .where(
            Appointment.office_id == service.office_id,
            Appointment.service_id == service.id,
            Appointment.kind == "booking",
            Appointment.local_day >= first,
            Appointment.local_day <= last,
            Appointment.status.in_(HOLDING),
        )
        .group_by(Appointment.slot_start)
    )
    return {start: count for start, count in rows}


def _new_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.scalar(select(Appointment.id).where(Appointment.code == code)) is None:
            return code


def _by_token(session: Session, token: str) -> Appointment:
    """(Writers hold the office lock: no row lock is needed on top.)"""
    appointment = session.scalar(select(Appointment).where(Appointment.token == (token or "")))
    if appointment is None:
        raise NotFound(english("no_link"))
    return appointment


def _still_booked(appointment: Appointment) -> None:
    if appointment.status != "booked":
        raise Conflict(
            english("appointment_state", code=appointment.code, status=appointment.status)
        )


def _find_for_check_in(
    session: Session,
    office: Office,
    day: dt.date,
    code: str | None,
    token: str | None,
    citizen: Citizen | None,
) -> Appointment:
    query = select(Appointment).where(Appointment.office_id == office.id)
    if token:
        query = query.where(Appointment.token == token)
    elif code:
        query = query.where(Appointment.code == normalise_code(code))
    elif citizen is not None and citizen.id_hash:
        query = query.where(
            Appointment.citizen_id_hash == citizen.id_hash,
            Appointment.local_day == day,
            Appointment.status.in_(HOLDING),
        ).order_by(Appointment.slot_start)
    else:
        raise Invalid(english("appointment_how"), field="code")
    appointment = session.scalars(query).first()
    if appointment is None:
        raise NotFound(english("appointment_missing"), field="code")
    return appointment


def _tickets_of(session: Session, ids: list[int]) -> dict[int, Ticket]:
    if not ids:
        return {}
    rows = session.scalars(select(Ticket).where(Ticket.appointment_id.in_(ids))).all()
    return {t.appointment_id: t for t in rows}


def _params(appointment: Appointment, link_base: str = "") -> dict[str, Any]:
    local = appointment.slot_start.astimezone(ZoneInfo(appointment.office.timezone))
    return {
        "code": appointment.code,
        "office": appointment.office.name,
        "field": appointment.service.name,
        "date": f"{local:%d/%m/%Y}",
        "time": f"{local:%H:%M}",
        "link": f"{link_base.rstrip('/')}/b/{appointment.token}" if link_base else "",
        "dossier": appointment.dossier_code or "",
    }


def _announce(outbox: Outbox, appointment: Appointment) -> None:
    """Staff lists of the day follow (the console and the overview)."""
    payload = {"appointment": appointment.id, "day": appointment.local_day.isoformat()}
    outbox.send(Event("appointments_changed", (staff_room(appointment.office.code),), payload))


def public_view(session: Session, appointment: Appointment) -> dict[str, Any]:
    """What the holder of the links sees: no phone beyond its last digits."""
    zone = ZoneInfo(appointment.office.timezone)
    ticket = session.scalar(select(Ticket).where(Ticket.appointment_id == appointment.id))
    return {
        "code": appointment.code,
        "kind": appointment.kind,
        "status": appointment.status,
        "office": appointment.office.to_dict(),
        "service": appointment.service.ref(),
        "start": appointment.slot_start.astimezone(zone).isoformat(),
        "end": appointment.slot_end.astimezone(zone).isoformat(),
        "day": appointment.local_day.isoformat(),
        "name": appointment.citizen_name,
        "phone": masked(appointment.phone),
        # Reminders will really come: consent given and the office sends them.
        "messages": appointment.consent_at is not None
        and citizen_messages.sends(appointment.office, "reminder_day"),
        "dossier_code": appointment.dossier_code,
        "result_ready": appointment.result_ready_at is not None,
        "ticket": ticket.public_dict() if ticket is not None else None,
    }


def staff_view(appointment: Appointment, ticket: Ticket | None, now: dt.datetime) -> dict[str, Any]:
    """A row of the day's list: who, when, and what became of it."""
    zone = ZoneInfo(appointment.office.timezone)
    state = appointment.status
    if state == "checked_in" and ticket is not None and ticket.status in ("done", "no_show"):
        state = "attended" if ticket.status == "done" else "no_show"
    elif state == "booked" and now > appointment.slot_start + dt.timedelta(
        minutes=appointment_rules(appointment.office.settings)["late_minutes"]
    ):
        state = "missed"  # as the reports count it: the late window is over
    return {
        "id": appointment.id,
        "code": appointment.code,
        "kind": appointment.kind,
        "status": appointment.status,
        "state": state,
        "service": appointment.service.ref(),
        "start": appointment.slot_start.astimezone(zone).isoformat(),
        "time": f"{appointment.slot_start.astimezone(zone):%H:%M}",
        "name": appointment.citizen_name,
        "phone": masked(appointment.phone),
        "dossier_code": appointment.dossier_code,
        "result_ready": appointment.result_ready_at is not None,
        "checked_in_at": appointment.checked_in_at.isoformat()
        if appointment.checked_in_at
        else None,
        "ticket": ticket.public_dict() if ticket is not None else None,
    }
