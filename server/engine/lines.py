"""The waiting line: its order, a ticket's place in it, and the estimate of its wait.

Plain SQLAlchemy over a session; the engine's units call these inside their transactions.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    CompoundSelect,
    Select,
    and_,
    bindparam,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from ..models import (
    Counter,
    CounterService,
    Office,
    PriorityClass,
    Service,
    Ticket,
    public_ticket,
)
from .events import ticket_room
from .rules import eta
from .rules.transitions import ACTIVE, WAITING


def local_day(office: Office, now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(office.timezone)).date()


def queue_order():
    """Priority tickets first, then by place in line (kept across transfers), then by id."""
    return (Ticket.priority_class_id.is_(None), Ticket.queued_at, Ticket.id)


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


@functools.cache
def _callable_line_query(fields: int, limit: int) -> CompoundSelect:
    """The lines a counter serving `fields` fields calls from, each as its first `limit`
    waiting tickets (id, queued_at, priority) in calling order: per field and kind
    (priority or not), plus the tickets sent to the counter. Each reads the head of one
    index range, however long the line. Built once per shape, bound per call (`:office`,
    `:day`, `:counter`, `:field0` …): building it cost more than running it."""
    probes = []
    for priority in (True, False):
        column = Ticket.priority_class_id
        kind = column.is_not(None) if priority else column.is_(None)
        line = (Ticket.service_day == bindparam("day"), Ticket.status == WAITING, kind)
        wheres = [
            (
                Ticket.office_id == bindparam("office"),
                Ticket.service_id == bindparam(f"field{n}"),
                *line,
                Ticket.target_counter_id.is_(None),
            )
            for n in range(fields)
        ]
        # By the counter alone (its own index): the office is implied.
        wheres.append((Ticket.target_counter_id == bindparam("counter"), *line))
        for where in wheres:
            head = (
                select(Ticket.id, Ticket.queued_at)
                .where(*where)
                .order_by(Ticket.queued_at, Ticket.id)
                .limit(limit)
                .subquery()
            )
            probes.append(select(head.c.id, head.c.queued_at, literal(priority).label("priority")))
    return union_all(*probes)


def callable_line(
    session: Session, office_id: int, day: dt.date, counter: Counter, limit: int
) -> list[tuple[int, bool]]:
    """(id, priority) of at least the first `limit` tickets this counter may call (the
    first `limit` of every line it calls from), priority first, then by place in line
    (`queue_order`), in one statement."""
    fields = counter.service_ids
    params = {"office": office_id, "day": day, "counter": counter.id}
    params.update((f"field{n}", ident) for n, ident in enumerate(fields))
    rows = session.execute(_callable_line_query(len(fields), limit), params).all()
    rows.sort(key=lambda row: (not row.priority, row.queued_at, row.id))
    return [(row.id, bool(row.priority)) for row in rows]


def first_in_line(
    session: Session, office_id: int, day: dt.date, counter: Counter
) -> tuple[Ticket | None, Ticket | None]:
    """The oldest priority and the oldest ordinary ticket this counter may call."""
    heads = callable_line(session, office_id, day, counter, 1)
    first = {}
    for ident, priority in heads:
        first.setdefault(priority, ident)
    tickets = {t.id: t for t in tickets_by_id(session, list(first.values()))}
    return tickets.get(first.get(True)), tickets.get(first.get(False))


_BY_IDS = select(Ticket).where(Ticket.id.in_(bindparam("ids", expanding=True)))


def tickets_by_id(session: Session, ids: list[int]) -> list[Ticket]:
    """These tickets, in this order, in one statement."""
    loaded = {t.id: t for t in session.scalars(_BY_IDS, {"ids": ids})}
    return [loaded[ident] for ident in ids if ident in loaded]


def callable_count(session: Session, office_id: int, day: dt.date, counter: Counter) -> int:
    """How many this counter may call: counted from the line index alone."""
    base = (
        select(func.count())
        .select_from(Ticket)
        .where(Ticket.office_id == office_id, Ticket.service_day == day, Ticket.status == WAITING)
    )
    mine = (Ticket.target_counter_id == counter.id) | (
        Ticket.target_counter_id.is_(None) & Ticket.service_id.in_(counter.service_ids or [-1])
    )
    return session.scalar(base.where(mine)) or 0


def ahead_of_new_query(priority: bool) -> Select:
    """`ahead_of_new`'s count, bound by `:office`, `:line_day`, `:field` and `:now` (not
    `:day`, so an UPDATE of a table with a `day` column can return it too)."""
    earlier = Ticket.queued_at <= bindparam("now")
    before = (
        and_(Ticket.priority_class_id.is_not(None), earlier)
        if priority
        else or_(Ticket.priority_class_id.is_not(None), earlier)
    )
    return (
        select(func.count())
        .select_from(Ticket)
        .where(
            Ticket.office_id == bindparam("office"),
            Ticket.service_day == bindparam("line_day"),
            Ticket.status == WAITING,
            Ticket.service_id == bindparam("field"),
            before,
        )
    )


_AHEAD_OF_NEW = {priority: ahead_of_new_query(priority) for priority in (True, False)}


def ahead_of_new_params(service: Service, day: dt.date, now: dt.datetime) -> dict[str, Any]:
    return {"office": service.office_id, "line_day": day, "now": now, "field": service.id}


def ahead_of_new(
    session: Session, service: Service, day: dt.date, now: dt.datetime, priority: bool
) -> int:
    """`ahead_of` for a ticket about to be queued at `now` (so after everyone already in
    line), counted from the line index alone."""
    params = ahead_of_new_params(service, day, now)
    return session.scalar(_AHEAD_OF_NEW[priority], params) or 0


def serving_counters(session: Session, service_id: int) -> tuple[int, int, tuple[int, ...]]:
    """(open counters serving the field now, counters set to serve it at all, their
    numbers in order): without an open one there is no estimate; without any, nobody will
    ever call its tickets. One statement, as many rows as counters serve the field."""
    rows = session.execute(
        select(Counter.number, Counter.state)
        .select_from(CounterService)
        .join(Counter, Counter.id == CounterService.counter_id)
        .where(CounterService.service_id == service_id)
        .order_by(Counter.number)
    ).all()
    numbers = tuple(number for number, _state in rows)
    return sum(state == "open" for _number, state in rows), len(numbers), numbers


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


# (open counters serving a field, counters set to serve it, minutes per ticket, the
# numbers of the counters set to serve it)
Figures = tuple[int, int, float, tuple[int, ...]]


@dataclass
class Estimator:
    """Position and estimate per field, loading each field's figures once."""

    session: Session
    sample: int
    default_minutes: float
    kept: dict[int, tuple[int, Figures]] | None = None
    version: int | None = None
    _per_service: dict[int, Figures] = field(default_factory=dict)

    def figures(self, service: Service) -> Figures:
        """(open counters serving it, counters set to serve it, minutes per ticket, the
        numbers of the counters set to serve it)."""
        if service.id in self._per_service:
            return self._per_service[service.id]
        if self.kept is not None and self.kept.get(service.id, (None,))[0] == self.version:
            figures = self.kept[service.id][1]
        else:
            open_, total, numbers = serving_counters(self.session, service.id)
            minutes = minutes_per_ticket(self.session, service, self.sample, self.default_minutes)
            figures = (open_, total, minutes, numbers)
            if self.kept is not None and self.version is not None:
                self.kept[service.id] = (self.version, figures)
        self._per_service[service.id] = figures
        return figures

    def eta(self, service: Service, ahead: int) -> int | None:
        """Minutes to wait, or None while no open counter serves the field: a guess from
        counters nobody staffs would promise a wait nobody can keep."""
        counters, _, minutes, _ = self.figures(service)
        if counters == 0:
            return None
        return eta.estimate_minutes(ahead, counters, minutes)

    def served(self, service: Service) -> bool:
        """Some counter is set to serve the field (open or not): its tickets can be called."""
        return self.figures(service)[1] > 0

    def counter_numbers(self, service: Service) -> tuple[int, ...]:
        """The numbers of the counters set to serve the field (open or not), in order."""
        return self.figures(service)[3]

    def place_of_new(self, service: Service, ahead: int) -> dict[str, Any]:
        return {"position": ahead + 1, "ahead": ahead, "eta_minutes": self.eta(service, ahead)}

    def place(self, ticket: Ticket, ahead: int | None = None) -> dict[str, Any]:
        if ticket.status != WAITING:
            return {"position": None, "ahead": None, "eta_minutes": None}
        if ahead is None:
            ahead = ahead_of(self.session, ticket)
        eta_minutes = self.eta(ticket.service, ahead)
        return {"position": ahead + 1, "ahead": ahead, "eta_minutes": eta_minutes}

    def line_places(
        self,
        office: Office,
        day: dt.date,
        service_ids: set[int],
        wanted: Callable[[str], bool] = lambda _room: True,
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """(token, public ticket with its place) for every waiting ticket of these fields
        whose room `wanted` accepts.

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
            if not wanted(ticket_room(row.token)):
                continue
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


_ACTIVE = select(Ticket).where(Ticket.counter_id == bindparam("counter"), Ticket.status.in_(ACTIVE))


def active_ticket(session: Session, counter_id: int) -> Ticket | None:
    return session.scalar(_ACTIVE, {"counter": counter_id})
