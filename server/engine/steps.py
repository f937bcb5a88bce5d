"""Steps shared by the ticket verbs: each changes one ticket and writes its history row.

Calling finishes the ticket still being served, and a recall announces like a call, so
these live here rather than in either unit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..models import Appointment, Counter, Office, Ticket, TicketEvent, User, iso
from . import citizen_messages, journal
from .commit_then_publish import Outbox
from .events import Event, counter_room, office_room, rating_room, ticket_room
from .lines import ahead_of
from .rules.documents import office_setting
from .rules.transitions import WAITING, target_status
from .snapshots import call_payload

_NEW_EVENT = insert(TicketEvent.__table__).returning(TicketEvent.__table__.c.id)


def log(
    session: Session,
    ticket: Ticket,
    kind: str,
    at: dt.datetime,
    counter_id: int | None = None,
    user_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> TicketEvent:
    """The ticket's history row, inserted at once by one Core statement: every verb writes
    one or more, and a flush of the unit of work for each cost more than the verb's SQL.
    The returned row is detached (read it, don't change it); a centre's journal notes it."""
    values = {
        "ticket_id": ticket.id,
        "office_id": ticket.office_id,
        "service_id": ticket.service_id,
        "kind": kind,
        "at": at,
        "counter_id": counter_id,
        "user_id": user_id,
        "data": data,
    }
    ident = session.execute(_NEW_EVENT, values).scalar_one()
    event = TicketEvent(id=ident, **values)
    journal.note(session, event)
    return event


def call(
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
    event = log(session, ticket, "called", now, counter.id, user_id, data)
    if starts_on_call(outbox):
        start(session, ticket, user_id, now, with_call=True)
    announce(outbox, ticket, counter, event)
    if citizen_messages.channel(outbox.office) != "off":
        call_messages(session, outbox.office, ticket, counter, event, now)


def call_messages(
    session: Session,
    office: Office,
    ticket: Ticket,
    counter: Counter,
    event: TicketEvent,
    now: dt.datetime,
) -> None:
    """A citizen who booked hears by message that they are called, and those with an
    appointment now near the head of their line that their turn is near (once each).
    Only tickets with an appointment are looked at: a few index reads per call."""
    if ticket.appointment_id is not None:
        appointment = session.get(Appointment, ticket.appointment_id)
        if appointment is not None:
            citizen_messages.for_appointment(
                session,
                appointment,
                "called",
                ticket_params(office, appointment, ticket, counter, 0),
                now,
                ticket_id=ticket.id,
                key=f"called:ticket:{ticket.id}:{event.id}",
            )
    near = citizen_messages.settings(office)["near_ahead"]
    waiting = session.scalars(
        select(Ticket).where(
            Ticket.office_id == office.id,
            Ticket.service_day == ticket.service_day,
            Ticket.status == WAITING,
            Ticket.appointment_id.is_not(None),
        )
    )
    for other in waiting:
        ahead = ahead_of(session, other)
        if ahead > near:
            continue
        appointment = session.get(Appointment, other.appointment_id)
        if appointment is None:
            continue
        citizen_messages.for_appointment(
            session,
            appointment,
            "turn_near",
            ticket_params(office, appointment, other, None, ahead),
            now,
            ticket_id=other.id,
            key=f"turn_near:ticket:{other.id}",
        )


def ticket_params(
    office: Office,
    appointment: Appointment,
    ticket: Ticket,
    counter: Counter | None,
    ahead: int,
) -> dict[str, Any]:
    """What a ticket's message may say (no name, no ID number)."""
    slot = appointment.slot_start.astimezone(ZoneInfo(office.timezone))
    return {
        "code": appointment.code,
        "office": office.name,
        "field": ticket.service.name,
        "date": slot.strftime("%d/%m/%Y"),
        "time": slot.strftime("%H:%M"),
        "link": "",
        "ticket": ticket.code,
        "counter": (counter.name or f"Quầy {counter.number}") if counter else "",
        "ahead": ahead,
        "dossier": appointment.dossier_code or ticket.dossier_code or "",
    }


def starts_on_call(outbox: Outbox) -> bool:
    """The office counts a called citizen as being served at once (its `start_on_call`)."""
    assert outbox.office is not None
    return bool(office_setting(outbox.office.settings, "start_on_call"))


def start(
    session: Session, ticket: Ticket, user_id: int | None, now: dt.datetime, with_call: bool = False
) -> None:
    """The service begins. `with_call`: implied by the call under the office's
    `start_on_call` (a recall then starts it again: reports count from the last start)."""
    ticket.status = target_status("start", ticket.status, ticket.code)
    ticket.started_at = now
    data = {"with_call": True} if with_call else None
    log(session, ticket, "started", now, ticket.counter_id, user_id, data)


def announce(outbox: Outbox, ticket: Ticket, counter: Counter, event: TicketEvent) -> None:
    """The call (or recall) for the board, the counter and the citizen's phone."""
    assert outbox.office is not None
    rooms = (office_room(outbox.office.code), counter_room(counter.id), ticket_room(ticket.token))
    payload = {**call_payload(event, ticket, counter), "ticket": ticket.public_dict()}
    outbox.send(Event("ticket_called", rooms, payload))
    outbox.ticket_changed(ticket, line_moved=event.kind == "called")


def finish(
    session: Session,
    outbox: Outbox,
    ticket: Ticket,
    user_id: int | None,
    now: dt.datetime,
    auto: bool = False,
) -> None:
    ticket.status = target_status("finish", ticket.status, ticket.code)
    ticket.finished_at = now
    log(
        session,
        ticket,
        "finished",
        now,
        ticket.counter_id,
        user_id,
        {"auto": True} if auto else None,
    )
    # The rating tablet at the counter asks this citizen about this ticket.
    officer = session.get(User, user_id) if user_id else ticket.counter.officer
    outbox.send(
        Event(
            "rating_requested",
            (rating_room(ticket.counter.id),),
            rating_request(ticket, ticket.counter, officer, now),
        )
    )


def rating_request(
    ticket: Ticket, counter: Counter, officer: User | None, finished_at: dt.datetime | None
) -> dict[str, Any]:
    """What the rating tablet shows for a finished ticket: sent at the finish and again
    when a tablet (re)connects."""
    return {
        "token": ticket.token,
        "code": ticket.code,
        "service": ticket.service.ref(),
        "counter": counter.ref(),
        "officer": (officer.full_name or officer.username) if officer else None,
        "finished_at": iso(finished_at),
    }


def finishing_officer(session: Session, ticket: Ticket) -> User | None:
    """Who served the ticket: the officer who finished it, else the one on duty."""
    user_id = session.scalar(
        select(TicketEvent.user_id)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "finished")
        .order_by(TicketEvent.id.desc())
    )
    if user_id:
        return session.get(User, user_id)
    return ticket.counter.officer if ticket.counter else None
