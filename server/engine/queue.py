"""Read-side queries over the waiting line: order, position, estimate, snapshots.

Plain SQLAlchemy over a session; the engine calls these inside its transactions and
for the snapshots it sends after a commit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ..models import (
    Counter,
    CounterService,
    Office,
    PriorityClass,
    Service,
    Ticket,
    TicketEvent,
    iso,
    public_ticket,
)
from . import eta
from .transitions import ACTIVE, ON_HOLD, WAITING

RECENT_CALLS = 10
COUNTER_WAITING_LIMIT = 50


def local_day(office: Office, now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(office.timezone)).date()


def queue_order():
    """Priority tickets first, then by place in line (kept across transfers), then by id."""
    return (Ticket.priority_class_id.is_(None), Ticket.queued_at, Ticket.id)


def waiting_query(office_id: int, day: dt.date):
    return select(Ticket).where(
        Ticket.office_id == office_id, Ticket.status == WAITING, Ticket.service_day == day
    )


def ahead_of(session: Session, ticket: Ticket) -> int:
    """Waiting tickets of the same field that will be called before this one."""
    earlier = or_(
        Ticket.queued_at < ticket.queued_at,
        and_(Ticket.queued_at == ticket.queued_at, Ticket.id < ticket.id),
    )
    if ticket.priority_class_id is None:
        before = or_(Ticket.priority_class_id.is_not(None), earlier)
    else:
        before = and_(Ticket.priority_class_id.is_not(None), earlier)
    query = (
        select(func.count())
        .select_from(Ticket)
        .where(
            Ticket.service_id == ticket.service_id,
            Ticket.status == WAITING,
            Ticket.service_day == ticket.service_day,
            Ticket.id != ticket.id,
            before,
        )
    )
    return session.scalar(query) or 0


def serving_counters(session: Session, service_id: int) -> int:
    """Open counters serving the field; if none is open yet, all that could serve it."""
    base = (
        select(func.count())
        .select_from(CounterService)
        .join(Counter, Counter.id == CounterService.counter_id)
        .where(CounterService.service_id == service_id)
    )
    return session.scalar(base.where(Counter.state == "open")) or session.scalar(base) or 1


def minutes_per_ticket(session: Session, service: Service, sample: int, default: float) -> float:
    """Mean call-to-finish time of the field's recent tickets."""
    rows = session.execute(
        select(Ticket.called_at, Ticket.finished_at)
        .where(
            Ticket.service_id == service.id,
            Ticket.status == "done",
            Ticket.finished_at.is_not(None),
            Ticket.called_at.is_not(None),
        )
        .order_by(Ticket.finished_at.desc())
        .limit(sample)
    ).all()
    durations = [(finished - called).total_seconds() for called, finished in rows]
    return eta.mean_minutes(durations, service.default_service_minutes or default)


@dataclass
class Estimator:
    """Position and estimate per field, loading each field's figures once."""

    session: Session
    sample: int
    default_minutes: float
    _per_service: dict[int, tuple[int, float]] = field(default_factory=dict)

    def figures(self, service: Service) -> tuple[int, float]:
        if service.id not in self._per_service:
            self._per_service[service.id] = (
                serving_counters(self.session, service.id),
                minutes_per_ticket(self.session, service, self.sample, self.default_minutes),
            )
        return self._per_service[service.id]

    def eta(self, service: Service, ahead: int) -> int:
        counters, minutes = self.figures(service)
        return eta.estimate_minutes(ahead, counters, minutes)

    def place(self, ticket: Ticket, ahead: int | None = None) -> dict[str, Any]:
        if ticket.status != WAITING:
            return {"position": None, "ahead": None, "eta_minutes": None}
        if ahead is None:
            ahead = ahead_of(self.session, ticket)
        eta_minutes = self.eta(ticket.service, ahead)
        return {"position": ahead + 1, "ahead": ahead, "eta_minutes": eta_minutes}

    def line_places(
        self, office: Office, day: dt.date, service_ids: set[int]
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """(token, public ticket with its place) for every waiting ticket of these fields.

        Plain rows, not objects: this runs for the whole line after every call.
        """
        services = {s.id: s for s in office.services}
        query = (
            select(
                Ticket.token,
                Ticket.code,
                Ticket.number,
                Ticket.service_id,
                PriorityClass.code.label("priority"),
                Ticket.issued_at,
            )
            .outerjoin(PriorityClass, PriorityClass.id == Ticket.priority_class_id)
            .where(
                Ticket.office_id == office.id,
                Ticket.status == WAITING,
                Ticket.service_day == day,
                Ticket.service_id.in_(service_ids),
            )
            .order_by(*queue_order())
        )
        seen: dict[int, int] = defaultdict(int)
        for row in self.session.execute(query):
            service = services[row.service_id]
            ahead = seen[row.service_id]
            seen[row.service_id] += 1
            ticket = public_ticket(
                code=row.code,
                number=row.number,
                service=service.ref(),
                status=WAITING,
                priority=row.priority,
                counter=None,
                issued_at=row.issued_at,
                called_at=None,
                finished_at=None,
            )
            place = {"position": ahead + 1, "ahead": ahead, "eta_minutes": self.eta(service, ahead)}
            yield row.token, {**ticket, **place}


def waiting_counts(session: Session, office_id: int, day: dt.date) -> dict[int, int]:
    return dict(
        session.execute(
            select(Ticket.service_id, func.count())
            .where(Ticket.office_id == office_id, Ticket.status == WAITING)
            .where(Ticket.service_day == day)
            .group_by(Ticket.service_id)
        ).all()
    )


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


def active_ticket(session: Session, counter_id: int) -> Ticket | None:
    return session.scalar(
        select(Ticket).where(Ticket.counter_id == counter_id, Ticket.status.in_(ACTIVE))
    )


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
    callable_here = waiting_query(office.id, day).where(
        (Ticket.target_counter_id == counter.id)
        | (Ticket.target_counter_id.is_(None) & Ticket.service_id.in_(counter.service_ids or [-1]))
    )
    waiting = session.scalars(
        callable_here.order_by(*queue_order()).limit(COUNTER_WAITING_LIMIT)
    ).all()
    waiting_count = session.scalar(select(func.count()).select_from(callable_here.subquery()))
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
    return {
        "counter": counter.to_dict(),
        "office": office.to_dict(),
        "current": current.staff_dict() if current else None,
        "waiting": [ticket.staff_dict() for ticket in waiting],
        "waiting_count": waiting_count,
        "held": [ticket.staff_dict() for ticket in held],
        "today": {"done": 0, "no_show": 0, **dict(done_today)},
        "version": office_version(session, office.id),
        "at": iso(now),
    }
