"""Who issued today's tickets, and cancelling one source's flood of waiting tickets; the
same for upcoming bookings, by address or by network."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..models import Appointment, Device, Office, Ticket, User, iso
from . import citizen_messages, steps
from .commit_then_publish import Unit
from .context import office_by_code
from .events import Event, staff_room
from .lines import local_day
from .rules.transitions import WAITING, target_status


class IssuedSources(Unit):
    def issued_sources(self, office_code: str) -> list[dict[str, Any]]:
        """Who issued today's tickets (kiosks, staff, anonymous addresses), busiest first,
        so a manager can spot a client using up the numbers."""
        with self.ctx.db.read() as session:
            office = office_by_code(session, office_code)
            return today(session, office, local_day(office, self.ctx.clock()))

    def cancel_source(
        self, office_code: str, source: str, user_id: int | None = None
    ) -> dict[str, Any]:
        """Cancel, in one action, today's waiting tickets one source issued (a flood from
        one address); tickets already called or served stay as they are."""
        office_id = self.ctx.office_id(office_code)
        with self.tx.office(office_id) as (session, outbox):
            now = self.ctx.clock()
            day = local_day(outbox.office, now)
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
                steps.log(session, ticket, "cancelled", now, None, user_id, {"source": source})
                outbox.ticket_changed(ticket, line_moved=True)
            self._audit(
                session,
                office_id,
                user_id,
                "tickets.cancel_source",
                source,
                after={"cancelled": len(tickets)},
            )
            result = {"source": source, "cancelled": len(tickets)}
        return result


class BookingSources(Unit):
    def booking_sources_of(self, office_code: str) -> list[dict[str, Any]]:
        """Who holds the office's upcoming bookings: each network ("net:…", an IPv4 /24 or
        an IPv6 /64) and each address in it ("addr:…"), busiest first, so a manager spots
        one client taking the calendar (staff bookings are listed by user)."""
        with self.ctx.db.read() as session:
            office = office_by_code(session, office_code)
            return upcoming(session, office, self.ctx.clock())

    def cancel_booking_source(
        self, office_code: str, source: str, user_id: int | None = None
    ) -> dict[str, Any]:
        """Cancel, in one action, the upcoming bookings of one address or one network
        (`net:…`). Their reminders are not sent, and no "cancelled" message either: the
        numbers of a flood are made up or someone else's, and texting each would be one
        more flood."""
        office_id = self.ctx.office_id(office_code)
        with self.tx.office(office_id, keeps_figures=True) as (session, outbox):
            now = self.ctx.clock()
            rows = session.scalars(
                select(Appointment).where(
                    Appointment.office_id == office_id,
                    _of_source(source),
                    Appointment.kind == "booking",
                    Appointment.status == "booked",
                    Appointment.slot_end > now,
                )
            ).all()
            for appointment in rows:
                appointment.status = "cancelled"
                appointment.cancelled_at = now
                citizen_messages.cancel_pending(session, appointment.id)
            if rows:
                day = rows[0].local_day.isoformat()
                outbox.send(
                    Event(
                        "appointments_changed",
                        (staff_room(outbox.office.code),),
                        {"appointment": None, "day": day},
                    )
                )
            self._audit(
                session,
                office_id,
                user_id,
                "appointments.cancel_source",
                source,
                after={"cancelled": len(rows)},
            )
            return {"source": source, "cancelled": len(rows)}


def _of_source(source: str):
    if source.startswith("net:"):
        return Appointment.network == source.removeprefix("net:")
    return Appointment.source == source


def upcoming(session: Session, office: Office, now: dt.datetime) -> list[dict[str, Any]]:
    rows = session.execute(
        select(
            Appointment.source,
            Appointment.network,
            func.count(),
            func.max(Appointment.created_at),
        )
        .where(
            Appointment.office_id == office.id,
            Appointment.kind == "booking",
            Appointment.status == "booked",
            Appointment.slot_end > now,
        )
        .group_by(Appointment.source, Appointment.network)
    ).all()
    names = _names(session, [row[0] for row in rows])
    networks: dict[str, dict[str, Any]] = {}
    out = []
    for source, network, booked, last in rows:
        out.append(
            {
                "source": source or "unknown",
                "label": names.get(source) or (source or "unknown").removeprefix("addr:"),
                "network": network,
                "booked": booked,
                "last_booked_at": iso(last),
            }
        )
        if network:
            entry = networks.setdefault(
                network,
                {
                    "source": f"net:{network}",
                    "label": network,
                    "network": network,
                    "booked": 0,
                    "addresses": 0,
                    "last_booked_at": None,
                },
            )
            entry["booked"] += booked
            entry["addresses"] += 1
            entry["last_booked_at"] = max(filter(None, (entry["last_booked_at"], iso(last))))
    every = list(networks.values()) + out
    return sorted(every, key=lambda item: (-item["booked"], item["source"]))


def today(session: Session, office: Office, day: dt.date) -> list[dict[str, Any]]:
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
    names = _names(session, [row[0] for row in rows])
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


def _names(session: Session, sources: list[str | None]) -> dict[str, str]:
    kinds: dict[str, list[int]] = {"device": [], "user": []}
    for source in sources:
        kind, _, ident = (source or "").partition(":")
        if kind in kinds and ident.isascii() and ident.isdigit():
            kinds[kind].append(int(ident))
    names = {}
    for device in session.scalars(select(Device).where(Device.id.in_(kinds["device"]))):
        names[f"device:{device.id}"] = device.name
    for user in session.scalars(select(User).where(User.id.in_(kinds["user"]))):
        names[f"user:{user.id}"] = user.full_name or user.username
    return names
