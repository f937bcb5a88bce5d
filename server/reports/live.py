"""Service-time figures from the event log: read-only queries shared by the API, the report
pages, the CSV/XLSX export and `luot report`.

All the work happens in SQL (the same statements on SQLite and PostgreSQL): one pass over
the period's tickets and their events builds a row of facts per ticket, and grouped
aggregates over it give counts, means and percentiles. Python only labels the few rows.

Definitions:
- waiting time: issued → first call; service time: the last start → finish;
- a ticket counts in the field it ended in, at the counter and officer that finished it
  (or marked it no-show); days are the office's local days, hours the local hour of issue;
- median and 90th percentile interpolate linearly between neighbours (like
  PostgreSQL's `percentile_cont`);
- "within target": of the tickets called, the share whose wait was at most the field's
  target wait.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import FunctionElement

from ..engine.rules import rating_scales
from ..models import (
    REPORT_COUNTS,
    Counter,
    Office,
    PriorityClass,
    Rating,
    Service,
    Ticket,
    TicketEvent,
    User,
)

GROUPS = ("total", "office", "service", "counter", "officer", "day", "hour")
# Groupings a chart can cut to its busiest few (`top_figures`); days and hours keep order.
RANKED = ("office", "service", "counter", "officer")
OTHERS = -1  # the key the groups beyond the top few share in SQL (ids are positive)
PERCENTILES = {"median": (1, 2), "p90": (9, 10)}
# Offices named one by one (the API's `office`, repeated in a query string): enough for any
# district, and 100 long codes still fit the server's URL limit. "Every office" is a scope
# of its own (`scope_all`, the API's `all=true`), without a cap.
MAX_LISTED_OFFICES = 100


class seconds_between(FunctionElement):  # noqa: N801 - reads as SQL
    """Seconds from `start` to `end` (naive UTC timestamps) on either database."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    return (
        f"((julianday({compiler.process(end, **kw)}) - "
        f"julianday({compiler.process(start, **kw)})) * 86400.0)"
    )


@compiles(seconds_between, "postgresql")
def _seconds_pg(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - {compiler.process(start, **kw)}))"


class local_hour(FunctionElement):  # noqa: N801 - reads as SQL
    """Hour of day of a naive-UTC timestamp shifted by an offset in minutes."""

    type = Integer()
    inherit_cache = True
    name = "local_hour"


@compiles(local_hour, "sqlite")
def _hour_sqlite(element, compiler, **kw):
    moment, minutes = list(element.clauses)
    return (
        f"CAST(strftime('%H', {compiler.process(moment, **kw)}, "
        f"({compiler.process(minutes, **kw)}) || ' minutes') AS INTEGER)"
    )


@compiles(local_hour, "postgresql")
def _hour_pg(element, compiler, **kw):
    moment, minutes = list(element.clauses)
    return (
        f"CAST(EXTRACT(HOUR FROM {compiler.process(moment, **kw)} + "
        f"INTERVAL '1 minute' * ({compiler.process(minutes, **kw)})) AS INTEGER)"
    )


@dataclass(frozen=True)
class Scope:
    """Which tickets a report covers: some offices, a range of local days (inclusive)."""

    office_ids: tuple[int, ...]
    start: dt.date
    end: dt.date


def scope(session: Session, office_codes: list[str], start: dt.date, end: dt.date) -> Scope:
    ids = session.scalars(select(Office.id).where(Office.code.in_(office_codes))).all()
    if len(ids) != len(set(office_codes)):
        raise LookupError("unknown office code")
    if end < start:
        raise ValueError("the period ends before it starts")
    return Scope(tuple(sorted(ids)), start, end)


def scope_all(
    session: Session, start: dt.date, end: dt.date, within: Iterable[int] | None = None
) -> Scope:
    """Every office of the server (a province's copies of its centres' offices included),
    or every one of `within` (a manager's own): the report of "all offices", however many,
    without a list of codes in the request."""
    query = select(Office.id)
    if within is not None:
        query = query.where(Office.id.in_(list(within)))
    ids = session.scalars(query).all()
    if not ids:
        raise LookupError("no office to report on")
    if end < start:
        raise ValueError("the period ends before it starts")
    return Scope(tuple(sorted(ids)), start, end)


def _utc_offsets(session: Session, office_ids: tuple[int, ...]):
    """Minutes east of UTC per office (Vietnam has no summer time: one value per office)."""
    rows = session.execute(select(Office.id, Office.timezone).where(Office.id.in_(office_ids)))
    when = dt.datetime(2026, 1, 1)
    return {
        office_id: int(ZoneInfo(tz).utcoffset(when).total_seconds() // 60) for office_id, tz in rows
    }


def per_office(column, values: dict[int, Any]):
    """`values[office]` for the office in `column`, as SQL: one `WHEN column IN (...)` per
    distinct value and the commonest as the `ELSE`, so a province of 1,000 offices in one
    time zone gives a constant, not a CASE of 1,000 branches tried for every ticket. Rows of
    offices outside `values` must be filtered out by the caller (they would get the ELSE)."""
    offices_by_value: dict[Any, list[int]] = {}
    for office_id, value in values.items():
        offices_by_value.setdefault(value, []).append(office_id)
    if not offices_by_value:
        return literal(0)
    ordered = sorted(offices_by_value.items(), key=lambda item: -len(item[1]))
    commonest = ordered[0][0]
    if len(ordered) == 1:
        return literal(commonest)
    return case(*[(column.in_(ids), value) for value, ids in ordered[1:]], else_=commonest)


def facts_query(session: Session, where: Scope):
    """One row per ticket of the scope: what happened to it, from its events.

    Two steps: the events of the scope's tickets are aggregated per ticket first (grouped
    by the events' ticket index, which both databases do without a full scan), then joined
    back to the tickets for their own columns.
    """
    offset = per_office(Ticket.office_id, _utc_offsets(session, where.office_ids))
    kind = TicketEvent.kind
    # The same filter inside and out: it lets PostgreSQL use the tickets' index both times
    # instead of walking every ticket to join the aggregated events back.
    in_scope_filter = (
        Ticket.office_id.in_(where.office_ids),
        Ticket.service_day >= where.start,
        Ticket.service_day <= where.end,
    )
    in_scope = select(Ticket.id).where(*in_scope_filter).subquery("in_scope")
    per_ticket = (
        select(
            TicketEvent.ticket_id,
            func.min(case((kind == "called", TicketEvent.at))).label("first_call"),
            func.max(case((kind == "started", TicketEvent.at))).label("started"),
            func.max(case((kind == "finished", TicketEvent.at))).label("finished"),
            func.max(case((kind == "transferred", 1), else_=0)).label("transferred"),
            func.max(case((kind.in_(("finished", "no_show")), TicketEvent.counter_id))).label(
                "counter_id"
            ),
            func.max(case((kind.in_(("finished", "no_show")), TicketEvent.user_id))).label(
                "officer_id"
            ),
        )
        .join(in_scope, in_scope.c.id == TicketEvent.ticket_id)
        .group_by(TicketEvent.ticket_id)
        .subquery("per_ticket")
    )
    return (
        select(
            Ticket.id.label("ticket_id"),
            Ticket.office_id,
            Ticket.service_id,
            Ticket.service_day.label("day"),
            Ticket.status,
            Ticket.eta_at_issue,
            Ticket.issued_at,
            local_hour(Ticket.issued_at, offset).label("hour"),
            per_ticket.c.first_call,
            per_ticket.c.started,
            per_ticket.c.finished,
            per_ticket.c.transferred,
            per_ticket.c.counter_id,
            per_ticket.c.officer_id,
            seconds_between(Ticket.issued_at, per_ticket.c.first_call).label("wait_s"),
            seconds_between(per_ticket.c.started, per_ticket.c.finished).label("service_s"),
            (Service.target_wait_minutes * 60).label("target_s"),
        )
        .join(per_ticket, per_ticket.c.ticket_id == Ticket.id)
        .join(Service, Service.id == Ticket.service_id)
        .where(*in_scope_filter)
    )


FACT_COLUMNS = [
    ("ticket_id", Integer),
    ("office_id", Integer),
    ("service_id", Integer),
    ("day", Date),
    ("status", String(16)),
    ("eta_at_issue", Integer),
    ("issued_at", DateTime),
    ("hour", Integer),
    ("first_call", DateTime),
    ("started", DateTime),
    ("finished", DateTime),
    ("transferred", Integer),
    ("counter_id", Integer),
    ("officer_id", Integer),
    ("wait_s", Float),
    ("service_s", Float),
    ("target_s", Float),
]


@contextmanager
def materialized(session: Session, where: Scope) -> Iterator[Table]:
    """The facts, computed once into a temporary table that every figure then reads."""
    table = Table(
        "report_facts",
        MetaData(),
        *[Column(name, kind) for name, kind in FACT_COLUMNS],
        prefixes=["TEMPORARY"],
    )
    connection = session.connection()
    table.drop(connection, checkfirst=True)
    table.create(connection)
    if connection.dialect.name == "postgresql":
        # Compiling these one-off queries to machine code costs more than it saves. And an
        # INSERT … SELECT gets no parallel plan: with the default random_page_cost (4, for
        # spinning disks) PostgreSQL then scans every event of every office (800 ms for a
        # month of one centre) instead of following the ticket index (190 ms). An office
        # box has an SSD or the data in memory: 1.1 is the usual figure for those.
        connection.exec_driver_sql("SET LOCAL jit = off")
        connection.exec_driver_sql("SET LOCAL random_page_cost = 1.1")
    connection.execute(
        table.insert().from_select([name for name, _ in FACT_COLUMNS], facts_query(session, where))
    )
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("ANALYZE report_facts")
    yield table
    # After an error the transaction's rollback removes the table (DDL is transactional on
    # both databases); a leftover in a pooled connection is dropped above next time.
    table.drop(connection)


def _group_key(fact, group: str):
    if group not in GROUPS:
        raise ValueError(f"group must be one of {', '.join(GROUPS)}")
    return {
        "total": literal(0),
        "office": fact.c.office_id,
        "service": fact.c.service_id,
        "counter": fact.c.counter_id,
        "officer": fact.c.officer_id,
        "day": fact.c.day,
        "hour": fact.c.hour,
    }[group]


def _counts(session: Session, fact, key):
    target = fact.c.target_s
    wait = fact.c.wait_s
    query = (
        select(
            key.label("key"),
            func.count().label("issued"),
            func.sum(case((fact.c.status == "done", 1), else_=0)).label("served"),
            func.sum(case((fact.c.status == "no_show", 1), else_=0)).label("no_show"),
            func.sum(case((fact.c.status == "cancelled", 1), else_=0)).label("cancelled"),
            func.sum(fact.c.transferred).label("transferred"),
            func.sum(
                case((and_(fact.c.first_call.is_not(None), target.is_not(None)), 1), else_=0)
            ).label("with_target"),
            func.sum(
                case((and_(fact.c.first_call.is_not(None), wait <= target), 1), else_=0)
            ).label("within_target"),
        )
        .select_from(fact)
        .group_by(key)
    )
    return {row.key: row._asdict() for row in session.execute(query)}


def _distribution(session: Session, fact, key, value) -> dict[Any, dict[str, float]]:
    """Mean, median, p90 and max of `value` per group, in SQL with window functions.

    The ranked rows are filtered down to the two neighbours of each percentile before
    aggregating, so the expensive part is one sort.
    """
    present = value.is_not(None)
    ranked = (
        select(
            key.label("key"),
            value.label("v"),
            func.row_number().over(partition_by=key, order_by=value).label("rn"),
            func.count().over(partition_by=key).label("n"),
        )
        .select_from(fact)
        .where(present)
        .subquery("ranked")
    )
    position = {name: (num * (ranked.c.n - 1)) // den for name, (num, den) in PERCENTILES.items()}
    wanted = [ranked.c.rn - 1 == whole + step for whole in position.values() for step in (0, 1)]
    picked = select(ranked).where(or_(*wanted)).subquery("picked")
    columns = [picked.c.key]
    for name, (num, den) in PERCENTILES.items():
        whole = (num * (picked.c.n - 1)) // den
        frac = cast((num * (func.max(picked.c.n) - 1)) % den, Float) / den
        low = func.max(case((picked.c.rn - 1 == whole, picked.c.v)))
        high = func.max(case((picked.c.rn - 1 == whole + 1, picked.c.v)))
        columns.append((low + frac * (func.coalesce(high, low) - low)).label(name))
    percentiles = {row.key: row for row in session.execute(select(*columns).group_by(picked.c.key))}
    summary = (
        select(
            key.label("key"),
            func.count().label("n"),
            func.avg(value).label("mean"),
            func.max(value).label("max"),
        )
        .select_from(fact)
        .where(present)
        .group_by(key)
    )
    result = {}
    for row in session.execute(summary):
        points = percentiles[row.key]
        result[row.key] = {
            "mean": round(float(row.mean), 1),
            "median": round(float(points.median), 1),
            "p90": round(float(points.p90), 1),
            "max": round(float(row.max), 1),
            "count": row.n,
        }
    return result


def _ratings(session: Session, fact, key) -> dict[Any, dict[str, int]]:
    query = (
        select(key.label("key"), Rating.level, func.count().label("n"))
        .select_from(fact)
        .join(Rating, Rating.ticket_id == fact.c.ticket_id)
        .group_by(key, Rating.level)
    )
    result: dict[Any, dict[str, int]] = {}
    for row in session.execute(query):
        result.setdefault(row.key, {})[row.level] = row.n
    return result


def _labels(session: Session, group: str, keys) -> dict[Any, tuple[str, str | None]]:
    """(label, office code) per key; the office tells two offices' "Quầy 1" apart."""
    keys = [k for k in keys if k is not None]
    if group in ("total", "day", "hour") or not keys:
        return {}
    if group == "officer":
        name = func.coalesce(func.nullif(User.full_name, ""), User.username)
        rows = session.execute(select(User.id, name).where(User.id.in_(keys))).all()
        return {key: (label, None) for key, label in rows}
    model = {"office": Office, "service": Service, "counter": Counter}[group]
    office_code = Office.code.label("office")
    query = select(model.id, model.name, office_code).where(model.id.in_(keys))
    if model is not Office:
        query = query.join(Office, Office.id == model.office_id)
    return {key: (label, code) for key, label, code in session.execute(query)}


def figures(
    session: Session, fact: Table, group: str = "service", office_ids: tuple[int, ...] = ()
) -> list[dict[str, Any]]:
    """The report table: one row per group with counts, waits, service times, ratings.

    Grouped by office, every office in `office_ids` has a row, zeros included: a commune
    without tickets still shows in its district's comparison.
    """
    key = _group_key(fact, group)
    return _rows(
        session, fact, group, key, _counts_with_offices(session, fact, group, key, office_ids)
    )


def _counts_with_offices(session: Session, fact, group: str, key, office_ids) -> dict:
    counts = _counts(session, fact, key)
    if group == "office":
        for office_id in office_ids:
            counts.setdefault(office_id, _zero(office_id))
    return counts


def _zero(key: Any) -> dict[str, Any]:
    return {**dict.fromkeys(ZERO_COUNTS, 0), "key": key}


def top_figures(
    session: Session, fact: Table, group: str, top: int, office_ids: tuple[int, ...] = ()
) -> list[dict[str, Any]] | None:
    """The `top` groups with the most tickets, busiest first, and one row for all the others
    (`key` "others", `members` how many): a chart of 68 counters stays readable, and the
    others' figures are computed over their tickets, not averaged from their rows. None when
    the grouping has no more than `top` groups or is by day or hour."""
    if group not in RANKED:
        return None
    key = _group_key(fact, group)
    counts = _counts_with_offices(session, fact, group, key, office_ids)
    named = sorted(
        (k for k in counts if k is not None), key=lambda k: (-counts[k]["issued"], _sort_key(k))
    )
    if len(named) <= top:
        return None
    chosen = named[:top]
    grouped = case((key.is_(None), null()), (key.in_(chosen), key), else_=literal(OTHERS))
    grouped_counts = _counts(session, fact, grouped)
    grouped_counts.setdefault(OTHERS, _zero(OTHERS))
    rows = {row["key"]: row for row in _rows(session, fact, group, grouped, grouped_counts)}
    others = {**rows.pop(OTHERS), "key": "others", "label": None, "members": len(named) - top}
    return [rows[k] for k in chosen] + [others] + ([rows[None]] if None in rows else [])


def _rows(session: Session, fact, group: str, key, counts: dict) -> list[dict[str, Any]]:
    waits = _distribution(session, fact, key, fact.c.wait_s)
    services = _distribution(session, fact, key, fact.c.service_s)
    ratings = _ratings(session, fact, key)
    labels = _labels(session, group, counts)
    rows = []
    for group_key, count in sorted(counts.items(), key=lambda item: _sort_key(item[0])):
        called = count.pop("with_target")
        within = count.pop("within_target")
        count.pop("key")
        rated = ratings.get(group_key, {})
        total_rated = sum(rated.values())
        label, office = labels.get(group_key, (_plain(group_key), None))
        rows.append(
            {
                "key": _plain(group_key),
                "label": label,
                "office": office,
                **{k: int(v or 0) for k, v in count.items()},
                "wait": waits.get(group_key),
                "service": services.get(group_key),
                "within_target": round(within / called, 3) if called else None,
                "ratings": rated,
                "rated": total_rated,
                "rating_shares": {k: round(v / total_rated, 3) for k, v in rated.items()},
            }
        )
    return rows


ZERO_COUNTS = REPORT_COUNTS


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _sort_key(value: Any):
    return (value is None, value if not isinstance(value, dt.date) else value.toordinal())


def busiest_hours(session: Session, fact: Table, top: int = 3) -> list[dict[str, Any]]:
    """Local hours with the most tickets issued, busiest first (counts only: cheap)."""
    counts = _counts(session, fact, _group_key(fact, "hour"))
    rows = sorted(counts.values(), key=lambda row: (-row["issued"], row["key"]))[:top]
    return [
        {
            "key": row["key"],
            "label": row["key"],
            "issued": row["issued"],
            "served": int(row["served"] or 0),
        }
        for row in rows
    ]


def estimate_accuracy(session: Session, fact: Table) -> dict[str, Any]:
    """How far the waits printed on tickets were from the real ones (minutes)."""
    # Whole seconds: julianday arithmetic leaves a few microseconds of float noise.
    wait = func.round(fact.c.wait_s)
    error = wait / 60.0 - fact.c.eta_at_issue
    query = select(
        func.count().label("n"),
        func.avg(error).label("mean_error"),
        func.avg(func.abs(error)).label("mean_abs_error"),
        func.sum(case((func.abs(error) <= 5, 1), else_=0)).label("within_5"),
    ).where(fact.c.first_call.is_not(None), fact.c.eta_at_issue.is_not(None))
    row = session.execute(query).one()
    if not row.n:
        return {"tickets": 0, "mean_error": None, "mean_abs_error": None, "within_5": None}
    return {
        "tickets": row.n,
        "mean_error": round(float(row.mean_error), 1),
        "mean_abs_error": round(float(row.mean_abs_error), 1),
        "within_5": round(row.within_5 / row.n, 3),
    }


def rating_levels(session: Session, where: Scope) -> list[dict[str, str]]:
    """The levels of the first office's scale, best first (for table columns)."""
    office = session.get(Office, where.office_ids[0])
    return rating_scales.scale(office.settings)["levels"]


def live_report(
    session: Session,
    where: Scope,
    group: str = "service",
    also: tuple[str, ...] = (),
    top: int | None = None,
) -> dict[str, Any]:
    """Everything the report page shows for a scope, grouped one way, read ticket by ticket;
    `also` adds the rows of other groupings computed from the same facts (one pass over the
    events). With `top`, each grouping by office, field, counter or officer also has
    `top_rows` (see `top_figures`) where it has more groups than that. `server.reports.report`
    picks this or the day rollups."""

    def ranked(grouping: str) -> dict[str, Any]:
        rows = top_figures(session, fact, grouping, top, where.office_ids) if top else None
        return {"top_rows": rows} if rows is not None else {}

    with materialized(session, where) as fact:
        shared = {
            "from": where.start.isoformat(),
            "to": where.end.isoformat(),
            "total": (figures(session, fact, "total") or [None])[0],
            "busiest_hours": busiest_hours(session, fact),
            "estimate": estimate_accuracy(session, fact),
            "rating_levels": rating_levels(session, where),
            "approximate": False,
        }

        def grouped(grouping: str) -> dict[str, Any]:
            rows = figures(session, fact, grouping, where.office_ids)
            return {**shared, "group": grouping, "rows": rows, **ranked(grouping)}

        result = grouped(group)
        result["also"] = {extra: grouped(extra) for extra in dict.fromkeys(also) if extra != group}
        return result


def ticket_log(session: Session, where: Scope) -> Iterator[Any]:
    """Every ticket of the scope, one row each, in issue order (for the raw export)."""
    with materialized(session, where) as fact:
        yield from session.execute(_log_query(fact).execution_options(yield_per=2000))


def _log_query(fact: Table):
    officer = func.coalesce(func.nullif(User.full_name, ""), User.username)
    return (
        select(
            Office.code.label("office"),
            fact.c.day,
            Ticket.code,
            Service.name.label("service"),
            PriorityClass.name.label("priority"),
            Ticket.channel,
            fact.c.status,
            fact.c.issued_at,
            fact.c.first_call,
            fact.c.started,
            fact.c.finished,
            fact.c.wait_s.label("wait_seconds"),
            fact.c.service_s.label("service_seconds"),
            fact.c.eta_at_issue,
            Counter.number.label("counter"),
            officer.label("officer"),
            fact.c.transferred,
            Ticket.dossier_code,
            Rating.level.label("rating"),
            Office.timezone,
        )
        .select_from(fact)
        .join(Ticket, Ticket.id == fact.c.ticket_id)
        .join(Office, Office.id == fact.c.office_id)
        .join(Service, Service.id == fact.c.service_id)
        .outerjoin(PriorityClass, PriorityClass.id == Ticket.priority_class_id)
        .outerjoin(Counter, Counter.id == fact.c.counter_id)
        .outerjoin(User, User.id == fact.c.officer_id)
        .outerjoin(Rating, Rating.ticket_id == fact.c.ticket_id)
        .order_by(fact.c.issued_at, fact.c.ticket_id)
    )
