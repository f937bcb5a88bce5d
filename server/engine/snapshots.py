"""Snapshots: what a screen, console or phone needs to draw itself, read in one session.

Sent after every commit (coalesced by the fan-out) and on every (re)connect, so they are
derived state only: recomputing one is always safe.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..models import Counter, Office, Ticket, TicketEvent, iso
from .events import Event, Refresh, counter_room, office_room, ticket_room
from .lines import (
    Estimator,
    active_ticket,
    callable_count,
    callable_line,
    local_day,
    tickets_by_id,
    waiting_counts,
)
from .rules.documents import office_setting
from .rules.transitions import ACTIVE, ON_HOLD, allowed_actions, no_show_at

RECENT_CALLS = 10
COUNTER_WAITING_LIMIT = 50


def recent_calls(session: Session, office: Office, since: dt.datetime) -> list[dict[str, Any]]:
    rows = session.execute(
        select(TicketEvent, Ticket, Counter)
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .join(Counter, Counter.id == TicketEvent.counter_id)
        .where(
            TicketEvent.office_id == office.id,
            TicketEvent.kind.in_(("called", "recalled")),
            TicketEvent.at >= since,
        )
        .order_by(TicketEvent.id.desc())
        .limit(RECENT_CALLS)
    ).all()
    return [call_payload(event, ticket, counter) for event, ticket, counter in rows]


def call_payload(event: TicketEvent, ticket: Ticket, counter: Counter) -> dict[str, Any]:
    """The `ticket_called` message; `call_id` lets a display announce each call once."""
    return {
        "call_id": event.id,
        "code": ticket.code,
        "service": ticket.service.ref(),
        "counter": counter.ref(),
        "recall": event.kind == "recalled",
        "at": iso(event.at),
    }


def office_version(session: Session, office_id: int) -> int:
    """Id of the office's newest event: lets clients drop a snapshot older than one they have."""
    return (
        session.scalar(select(func.max(TicketEvent.id)).where(TicketEvent.office_id == office_id))
        or 0
    )


def office_snapshot(
    session: Session, office: Office, now: dt.datetime, estimator: Estimator
) -> dict[str, Any]:
    day = local_day(office, now)
    start_of_day = dt.datetime.combine(day, dt.time(), ZoneInfo(office.timezone))
    counts = waiting_counts(session, office.id, day)
    active = {
        ticket.counter_id: ticket
        for ticket in session.scalars(
            select(Ticket).where(Ticket.office_id == office.id, Ticket.status.in_(ACTIVE))
        )
    }
    services = []
    for service in office.services:
        if not service.active:
            continue
        waiting = counts.get(service.id, 0)
        services.append(
            {**service.ref(), "waiting": waiting, "eta_minutes": estimator.eta(service, waiting)}
        )
    counters = []
    for counter in office.counters:
        current = active.get(counter.id)
        counters.append(
            {
                **counter.to_dict(),
                "current": current.public_dict() if current else None,
            }
        )
    return {
        "office": office.to_dict(),
        "services": services,
        "counters": counters,
        "recent_calls": recent_calls(session, office, start_of_day),
        "waiting_total": sum(counts.values()),
        "version": office_version(session, office.id),
        "at": iso(now),
    }


def counter_snapshot(session: Session, counter: Counter, now: dt.datetime) -> dict[str, Any]:
    """The console's view: current ticket, who "next" would call, in order, and today's tally."""
    office = counter.office
    day = local_day(office, now)
    current = active_ticket(session, counter.id)
    line = callable_line(session, office.id, day, counter, COUNTER_WAITING_LIMIT)
    waiting = tickets_by_id(session, [ident for ident, _ in line[:COUNTER_WAITING_LIMIT]])
    waiting_count = callable_count(session, office.id, day, counter)
    held = session.scalars(
        select(Ticket)
        .where(Ticket.counter_id == counter.id, Ticket.status == ON_HOLD)
        .where(Ticket.service_day == day)
        .order_by(Ticket.id)
    ).all()
    done_today = session.execute(
        select(Ticket.status, func.count())
        .where(Ticket.counter_id == counter.id, Ticket.service_day == day)
        .where(Ticket.status.in_(("done", "no_show")))
        .group_by(Ticket.status)
    ).all()

    start_on_call = bool(office_setting(office.settings, "start_on_call"))
    grace = office_setting(office.settings, "no_show_grace_seconds")

    def staff_view(ticket: Ticket) -> dict[str, Any]:
        actions = allowed_actions(
            ticket.status, ticket.recall_count, office.recalls_before_no_show, start_on_call
        )
        view = {**ticket.staff_dict(), "actions": actions}
        if "no_show" in allowed_actions(ticket.status, start_on_call=start_on_call):
            # The console counts down to it; the engine refuses a no-show before it.
            view["no_show_at"] = iso(no_show_at(ticket.called_at, grace))
            view["recalls_needed"] = office.recalls_before_no_show
        return view

    return {
        "counter": counter.to_dict(),
        "office": office.to_dict(),
        "current": staff_view(current) if current else None,
        "waiting": [staff_view(ticket) for ticket in waiting],
        "waiting_count": waiting_count,
        "held": [staff_view(ticket) for ticket in held],
        "today": {"done": 0, "no_show": 0, **dict(done_today)},
        "version": office_version(session, office.id),
        "at": iso(now),
    }


def refresh_events(
    session: Session,
    refresh: Refresh,
    now: dt.datetime,
    estimator: Estimator,
    office_payload: dict[str, Any] | None,
    wanted: Callable[[str], bool],
) -> Iterator[Event]:
    """The office's snapshot (`office_payload`, kept by the snapshot cache; None: not
    sent), fresh ones
    for the counters touched, and new places in line: for the rooms `wanted` accepts.

    A generator, so a caller on an event loop can yield between events.
    """
    office = session.get(Office, refresh.office_id)
    if office is None:
        return
    if office_payload is not None:
        yield Event("queue_changed", (office_room(office.code),), office_payload)
    counters = set(refresh.counters)
    if refresh.services:
        counters.update(_counters_serving(session, office.id, refresh.services))
    counters = {ident for ident in counters if wanted(counter_room(ident))}
    for counter in session.scalars(
        select(Counter).where(Counter.id.in_(counters)).order_by(Counter.id)
    ):
        yield Event(
            "queue_changed", (counter_room(counter.id),), counter_snapshot(session, counter, now)
        )
    if refresh.lines:
        day = local_day(office, now)
        for token, ticket in estimator.line_places(office, day, refresh.lines, wanted):
            yield Event("ticket_updated", (ticket_room(token),), {"ticket": ticket})


def _counters_serving(session: Session, office_id: int, service_ids: set[int]) -> set[int]:
    counters = session.scalars(
        select(Counter).where(Counter.office_id == office_id).options(selectinload(Counter.links))
    )
    return {c.id for c in counters if service_ids.intersection(c.service_ids)}
