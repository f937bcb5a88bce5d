"""Reports over long periods, read from each office-day rolled up once.

A province's year is tens of millions of tickets: too many to read ticket by ticket in
seconds. A report of more than ROLLUP_DAYS days reads instead one row per office, day,
field, counter and officer (grain "desk"), and one per office, day and hour of issue (grain
"hour"), each with the day's counts, sums, maxima and a histogram of waiting and service
times. Counts, means, maxima, the share within target, ratings and the estimate's accuracy
come out exactly as from the tickets; medians and 90th percentiles are read off the
histograms (linearly within a bucket), and the report says so (`approximate`).

The rollups are made by the facts query the shorter reports use (`reports.materialized`),
for days the office can no longer change (SETTLED_DAYS before its today). A day without a
rollup (not built yet, or changed since: a centre's late push, a late rating, clears its
mark) is rolled up live for the report that needs it, so a report is never stale, only
slower until `ensure` has built the days.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Column,
    MetaData,
    Table,
    and_,
    case,
    delete,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session

from ..db import Database, unavailable
from ..engine.ratings import SETTLED
from ..models import (
    REPORT_BINS,
    REPORT_COUNTS,
    Office,
    Rating,
    Ticket,
    report_day_marks,
    report_day_ratings,
    report_days,
)
from . import live as reports

log = logging.getLogger(__name__)
# Longer reports read rollups; shorter ones read every ticket (exact percentiles).
ROLLUP_DAYS = 92
# An office's day is rolled up once this many days have followed it (tickets left open are
# closed by the next day's first ticket; a rating may come a little later).
SETTLED_DAYS = SETTLED.days
# Days rolled up per transaction by `ensure`: short, so a server on SQLite (one writer, and
# under gevent one thread) is never held up long by the background pass.
CHUNK_DAYS = 7
# Lower bounds of the histogram's buckets, in seconds (the last bucket has no end).
# fmt: off
WAIT_EDGES = (0, 30, 60, 120, 180, 240, 300, 420, 600, 780, 900, 1200, 1500, 1800, 2400,
              3000, 3600, 4500, 5400, 7200, 9000, 10800, 14400, 21600)
SERVICE_EDGES = (0, 30, 60, 90, 120, 180, 240, 300, 360, 420, 540, 600, 780, 900, 1200,
                 1500, 1800, 2400, 3000, 3600, 5400, 7200, 10800, 14400)
# fmt: on
assert len(WAIT_EDGES) == len(SERVICE_EDGES) == REPORT_BINS
COUNTS = REPORT_COUNTS
SUMS = (
    "wait_n",
    "service_n",
    "est_n",
    "est_within_5",
    "wait_sum",
    "service_sum",
    "est_error_sum",
    "est_abs_sum",
    *(f"{m}_b{i:02d}" for m in ("wait", "service") for i in range(REPORT_BINS)),
)
MAXIMA = ("wait_max", "service_max")


def applies(where: reports.Scope) -> bool:
    return (where.end - where.start).days + 1 > ROLLUP_DAYS


# ------------------------------------------------------------------ building


def _cut(fact, grain: str) -> tuple[list, list]:
    """The rollup's key columns for `grain`, and what to group the facts by."""
    desk = grain == "desk"
    dims = [
        fact.c.office_id,
        fact.c.day,
        literal(grain).label("grain"),
        (fact.c.service_id if desk else null()).label("service_id"),
        (fact.c.counter_id if desk else null()).label("counter_id"),
        (fact.c.officer_id if desk else null()).label("officer_id"),
        (null() if desk else fact.c.hour).label("hour"),
    ]
    grouping = (
        [fact.c.office_id, fact.c.day, fact.c.service_id, fact.c.counter_id, fact.c.officer_id]
        if desk
        else [fact.c.office_id, fact.c.day, fact.c.hour]
    )
    return dims, grouping


def _rollup_select(fact, grain: str):
    """The fact table's tickets as rollup rows of `grain`."""
    wait, service = fact.c.wait_s, fact.c.service_s
    called = fact.c.first_call.is_not(None)
    estimated = and_(called, fact.c.eta_at_issue.is_not(None))
    error = func.round(wait) / 60.0 - fact.c.eta_at_issue

    def ones(condition):
        return func.sum(case((condition, 1), else_=0))

    def bins(value, edges, prefix):
        columns = []
        for i, low in enumerate(edges):
            high = edges[i + 1] if i + 1 < len(edges) else None
            inside = [value.is_not(None)]
            if i:
                inside.append(value >= low)
            if high is not None:
                inside.append(value < high)
            columns.append(ones(and_(*inside)).label(f"{prefix}_b{i:02d}"))
        return columns

    dims, grouping = _cut(fact, grain)
    target = fact.c.target_s
    return select(
        *dims,
        func.count().label("issued"),
        ones(fact.c.status == "done").label("served"),
        ones(fact.c.status == "no_show").label("no_show"),
        ones(fact.c.status == "cancelled").label("cancelled"),
        func.sum(fact.c.transferred).label("transferred"),
        ones(and_(called, target.is_not(None))).label("with_target"),
        ones(and_(called, wait <= target)).label("within_target"),
        ones(wait.is_not(None)).label("wait_n"),
        ones(service.is_not(None)).label("service_n"),
        ones(estimated).label("est_n"),
        ones(and_(estimated, func.abs(error) <= 5)).label("est_within_5"),
        func.coalesce(func.sum(wait), 0.0).label("wait_sum"),
        func.coalesce(func.sum(service), 0.0).label("service_sum"),
        func.coalesce(func.sum(case((estimated, error), else_=0.0)), 0.0).label("est_error_sum"),
        func.coalesce(func.sum(case((estimated, func.abs(error)), else_=0.0)), 0.0).label(
            "est_abs_sum"
        ),
        func.max(wait).label("wait_max"),
        func.max(service).label("service_max"),
        *bins(wait, WAIT_EDGES, "wait"),
        *bins(service, SERVICE_EDGES, "service"),
    ).group_by(*grouping)


def _ratings_select(fact, grain: str):
    dims, grouping = _cut(fact, grain)
    return (
        select(*dims, Rating.level, func.count().label("n"))
        .select_from(fact)
        .join(Rating, Rating.ticket_id == fact.c.ticket_id)
        .group_by(*grouping, Rating.level)
    )


def build(session: Session, where: reports.Scope, days: Table, ratings: Table) -> None:
    """Roll up the scope's tickets into `days` and `ratings` (stored or temporary)."""
    with reports.materialized(session, where) as fact:
        names = [c.name for c in days.columns]
        rating_names = [c.name for c in ratings.columns]
        for grain in ("desk", "hour"):
            session.execute(insert(days).from_select(names, _rollup_select(fact, grain)))
            session.execute(insert(ratings).from_select(rating_names, _ratings_select(fact, grain)))


def _span(session: Session, office_ids: Iterable[int], now: dt.datetime) -> dict:
    """Each office's first day with a ticket (before it there is nothing to roll up; none
    yet: date.max) and its last settled day (its local today minus SETTLED_DAYS)."""
    first = (
        select(func.min(Ticket.service_day))
        .where(Ticket.office_id == Office.id)
        .scalar_subquery()  # per office, one probe of its (office, day) index
    )
    rows = session.execute(
        select(Office.id, Office.code, Office.timezone, first).where(
            Office.id.in_(list(office_ids))
        )
    ).all()
    spans = {}
    for office_id, code, zone, day in rows:
        try:
            today = now.astimezone(ZoneInfo(zone)).date()
        except (ValueError, LookupError) as exc:
            # A zone no route lets in (a row from before the rules held): that office's
            # days wait, the others are rolled up.
            log.error(
                "report rollups: office %s (%d) skipped: %r is not a time zone (%s)",
                code,
                office_id,
                zone,
                exc.__class__.__name__,
            )
            continue
        spans[office_id] = (day or dt.date.max, today - dt.timedelta(days=SETTLED_DAYS))
    return spans


def ensure(db: Database, where: reports.Scope, now: dt.datetime, pause: float = 0.0) -> int:
    """Build the scope's settled office-days that have no rollup; how many were built.

    `pause`: seconds to wait between chunks (the background pass: a server's requests get
    the database in between; gevent's sleep(0) alone does not let it read its sockets)."""
    built = 0
    with db.read() as session:
        spans = _span(session, where.office_ids, now)
        marked = _marked(session, where)
    for office_id in where.office_ids:
        if office_id not in spans:
            continue
        first, settled = spans[office_id]
        last = min(where.end, settled)
        day = max(where.start, first)
        while day <= last:
            if (office_id, day) in marked:
                day += dt.timedelta(days=1)
                continue
            end = min(last, day + dt.timedelta(days=CHUNK_DAYS - 1))
            missing = [
                day + dt.timedelta(days=n)
                for n in range((end - day).days + 1)
                if (office_id, day + dt.timedelta(days=n)) not in marked
            ]
            built += _build_chunk(db, office_id, missing, now)
            time.sleep(pause)  # let the server's requests in between
            day = end + dt.timedelta(days=1)
    return built


def _build_chunk(db: Database, office_id: int, days: list[dt.date], now: dt.datetime) -> int:
    """Roll up these days of an office in one transaction; should that fail, each day in
    its own, so a day that cannot be rolled up (logged, tried again next pass) stops none
    of the others. A database that cannot take writes stops the pass instead."""
    try:
        with db.write() as session:
            _build_stored(session, office_id, days[0], days[-1], now)
        return len(days)
    except Exception as exc:  # noqa: BLE001 - narrowed to one day below
        if unavailable(exc) is not None:
            raise
        if len(days) == 1:
            log.exception("report rollups: office %d, day %s skipped", office_id, days[0])
            return 0
    built = 0
    for day in days:
        try:
            with db.write() as session:
                _build_stored(session, office_id, day, day, now)
            built += 1
        except Exception as exc:  # noqa: BLE001 - one office-day; the others go on
            if unavailable(exc) is not None:
                raise
            log.exception("report rollups: office %d, day %s skipped", office_id, day)
    return built


def _build_stored(
    session: Session, office_id: int, start: dt.date, end: dt.date, now: dt.datetime
) -> None:
    """Roll up an office's days from `start` to `end`, unless another process just did
    (one builder per office at a time: PostgreSQL's advisory lock, SQLite's write lock)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:k1, :k2)"), {"k1": 0x726F6C6C, "k2": office_id}
        )
    marked = _marked(session, reports.Scope((office_id,), start, end))
    missing = [
        start + dt.timedelta(days=n)
        for n in range((end - start).days + 1)
        if (office_id, start + dt.timedelta(days=n)) not in marked
    ]
    if not missing:
        return
    start, end = missing[0], missing[-1]
    in_range = (
        report_days.c.office_id == office_id,
        report_days.c.day >= start,
        report_days.c.day <= end,
    )
    session.execute(delete(report_days).where(*in_range))
    session.execute(
        delete(report_day_ratings).where(
            report_day_ratings.c.office_id == office_id,
            report_day_ratings.c.day >= start,
            report_day_ratings.c.day <= end,
        )
    )
    session.execute(
        delete(report_day_marks).where(
            report_day_marks.c.office_id == office_id,
            report_day_marks.c.day >= start,
            report_day_marks.c.day <= end,
        )
    )
    build(session, reports.Scope((office_id,), start, end), report_days, report_day_ratings)
    session.execute(
        insert(report_day_marks),
        [
            {"office_id": office_id, "day": start + dt.timedelta(days=n), "built_at": now}
            for n in range((end - start).days + 1)
        ],
    )


def keep_up(db: Database, clock, years: int = 3, pause: float = 0.0) -> int:
    """Roll up every office's settled days of the last `years` (since it was created);
    what a background pass of `luot serve` does. The days built."""
    now = clock()
    built = 0
    with db.read() as session:
        offices = session.scalars(select(Office.id)).all()
    start = now.date() - dt.timedelta(days=366 * years)
    for office_id in offices:
        try:
            built += ensure(db, reports.Scope((office_id,), start, now.date()), now, pause)
        except Exception as exc:  # noqa: BLE001 - one office; the others are rolled up
            if unavailable(exc) is not None:
                raise
            log.exception("report rollups: office %d skipped", office_id)
    return built


# The background pass starts this long after the server (a box started after an upgrade
# answers first, then rolls up its history), and waits this long between chunks.
FIRST_PASS_DELAY = 10.0
CHUNK_PAUSE = 0.01


def keep_rolling(db: Database, clock, every: float) -> None:
    """`luot serve`'s background pass: roll up what has settled, every `every` seconds."""
    time.sleep(min(every, FIRST_PASS_DELAY))
    while True:
        try:
            built = keep_up(db, clock, pause=CHUNK_PAUSE)
            if built:
                log.info("report rollups: %d office-days built", built)
        except Exception:  # noqa: BLE001 - reports then compute those days live; retried
            log.exception("report rollups failed")
        time.sleep(every)


def _marked(session: Session, where: reports.Scope) -> set[tuple[int, dt.date]]:
    rows = session.execute(
        select(report_day_marks.c.office_id, report_day_marks.c.day).where(
            report_day_marks.c.office_id.in_(where.office_ids),
            report_day_marks.c.day >= where.start,
            report_day_marks.c.day <= where.end,
        )
    )
    return {(office_id, day) for office_id, day in rows}


# ------------------------------------------------------------------ reading


def _temporary(name: str, source: Table) -> Table:
    return Table(
        name,
        MetaData(),
        *[Column(c.name, c.type) for c in source.columns],
        prefixes=["TEMPORARY"],
    )


def report(
    session: Session,
    where: reports.Scope,
    now: dt.datetime,
    group: str = "service",
    also: tuple[str, ...] = (),
    top: int | None = None,
) -> dict[str, Any]:
    """What `server.reports.report` gives, from the rollups (medians and p90 approximate)."""
    if group not in reports.GROUPS:
        raise ValueError(f"group must be one of {', '.join(reports.GROUPS)}")
    marked = _marked(session, where)
    spans = _span(session, where.office_ids, now)
    # Per office: stored rollups up to its first day without one, live from there on (days
    # before its first ticket count as rolled up: they hold nothing).
    live_from = {}
    for office_id in where.office_ids:
        first, settled = spans[office_id]
        day = max(where.start, first)
        last = min(where.end, settled)
        while day <= last and (office_id, day) in marked:
            day += dt.timedelta(days=1)
        live_from[office_id] = day
    live_days = _temporary("report_days_live", report_days)
    live_ratings = _temporary("report_day_ratings_live", report_day_ratings)
    connection = session.connection()
    for table in (live_days, live_ratings):
        table.drop(connection, checkfirst=True)
        table.create(connection)
    try:
        starts: dict[dt.date, list[int]] = defaultdict(list)
        for office_id, day in live_from.items():
            if day <= where.end:
                starts[day].append(office_id)
        for day, offices in starts.items():
            build(session, reports.Scope(tuple(offices), day, where.end), live_days, live_ratings)
        days = _union(report_days, live_days, where, live_from)
        ratings = _union(report_day_ratings, live_ratings, where, live_from)
        return _report(session, where, days, ratings, group, also, top)
    finally:
        for table in (live_days, live_ratings):
            table.drop(connection)


def _union(stored: Table, live: Table, where: reports.Scope, live_from: dict):
    """The stored rollups up to each office's first live day, and the live ones. Offices
    are grouped by that day (nearly all share it): one `IN` per day. An `OR` of a term per
    office was probed term by term, and past 997 offices SQLite refused it outright
    ("Expression tree is too large (maximum depth 1000)")."""
    offices_by_day: dict[dt.date, list[int]] = defaultdict(list)
    for office_id, day in live_from.items():
        if day > where.start:
            offices_by_day[day].append(office_id)
    kept = [
        and_(stored.c.office_id.in_(ids), stored.c.day >= where.start, stored.c.day < day)
        for day, ids in sorted(offices_by_day.items())
    ]
    parts = [select(live)]
    if kept:
        parts.insert(0, select(stored).where(or_(*kept)))
    return union_all(*parts).subquery("rolled")


def _key(rows, group: str):
    return {
        "total": literal(0),
        "office": rows.c.office_id,
        "service": rows.c.service_id,
        "counter": rows.c.counter_id,
        "officer": rows.c.officer_id,
        "day": rows.c.day,
        "hour": rows.c.hour,
    }[group]


def _sums(session: Session, days, group: str) -> dict[Any, dict[str, Any]]:
    key = _key(days, group)
    grain = "hour" if group == "hour" else "desk"
    query = (
        select(
            key.label("key"),
            *(func.sum(days.c[name]).label(name) for name in (*COUNTS, *SUMS)),
            *(func.max(days.c[name]).label(name) for name in MAXIMA),
        )
        .where(days.c.grain == grain)
        .group_by(key)
    )
    return {row.key: row._asdict() for row in session.execute(query)}


def _rating_counts(session: Session, ratings, group: str) -> dict[Any, dict[str, int]]:
    key = _key(ratings, group)
    grain = "hour" if group == "hour" else "desk"
    query = (
        select(key.label("key"), ratings.c.level, func.sum(ratings.c.n).label("n"))
        .where(ratings.c.grain == grain)
        .group_by(key, ratings.c.level)
    )
    result: dict[Any, dict[str, int]] = {}
    for row in session.execute(query):
        result.setdefault(row.key, {})[row.level] = int(row.n)
    return result


def _merge(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = dict.fromkeys((*COUNTS, *SUMS), 0)
    merged.update(dict.fromkeys(MAXIMA))
    for row in rows:
        for name in (*COUNTS, *SUMS):
            merged[name] += row[name] or 0
        for name in MAXIMA:
            if row[name] is not None and (merged[name] is None or row[name] > merged[name]):
                merged[name] = row[name]
    return merged


def _order_statistic(counts: list[int], edges: tuple[int, ...], top: float, k: int) -> float:
    """Where the k-th smallest value (from 0) lies, spread evenly within its bucket."""
    below = 0
    for i, count in enumerate(counts):
        if count and k < below + count:
            low = edges[i]
            high = edges[i + 1] if i + 1 < len(edges) else max(top, low)
            high = max(min(high, top), low)
            return low + (k - below + 0.5) / count * (high - low)
        below += count
    return top


def _percentile(counts: list[int], edges: tuple[int, ...], top: float, share: float) -> float:
    """The `share` point, like percentile_cont: between the two values around its rank."""
    rank = share * (sum(counts) - 1)
    whole = int(rank)
    low = _order_statistic(counts, edges, top, whole)
    high = _order_statistic(counts, edges, top, whole + 1) if rank > whole else low
    return low + (rank - whole) * (high - low)


def _distribution(sums: dict[str, Any], measure: str, edges) -> dict[str, float] | None:
    n = int(sums[f"{measure}_n"] or 0)
    if not n:
        return None
    counts = [int(sums[f"{measure}_b{i:02d}"] or 0) for i in range(REPORT_BINS)]
    top = float(sums[f"{measure}_max"])
    return {
        "mean": round(float(sums[f"{measure}_sum"]) / n, 1),
        "median": round(min(_percentile(counts, edges, top, 0.5), top), 1),
        "p90": round(min(_percentile(counts, edges, top, 0.9), top), 1),
        "max": round(top, 1),
        "count": n,
    }


def _row(key, sums, rated: dict[str, int], labels: dict) -> dict[str, Any]:
    total = sum(rated.values())
    label, office = labels.get(key, (reports._plain(key), None))
    called, within = int(sums["with_target"] or 0), int(sums["within_target"] or 0)
    return {
        "key": reports._plain(key),
        "label": label,
        "office": office,
        **{
            name: int(sums[name] or 0)
            for name in COUNTS
            if name not in ("with_target", "within_target")
        },
        "wait": _distribution(sums, "wait", WAIT_EDGES),
        "service": _distribution(sums, "service", SERVICE_EDGES),
        "within_target": round(within / called, 3) if called else None,
        "ratings": rated,
        "rated": total,
        "rating_shares": {k: round(v / total, 3) for k, v in rated.items()},
    }


def _grouped(session, where, days, ratings, group: str, top: int | None) -> dict[str, Any]:
    sums = _sums(session, days, group)
    if group == "office":
        for office_id in where.office_ids:
            sums.setdefault(office_id, _merge([]))
    rated = _rating_counts(session, ratings, group)
    labels = reports._labels(session, group, sums)
    rows = [
        _row(key, value, rated.get(key, {}), labels)
        for key, value in sorted(sums.items(), key=lambda item: reports._sort_key(item[0]))
    ]
    result: dict[str, Any] = {"group": group, "rows": rows}
    if top and group in reports.RANKED:
        named = sorted(
            (k for k in sums if k is not None),
            key=lambda k: (-(sums[k]["issued"] or 0), reports._sort_key(k)),
        )
        if len(named) > top:
            chosen, rest = named[:top], named[top:]
            by_key = {row["key"]: row for row in rows}
            others_rated: dict[str, int] = defaultdict(int)
            for k in rest:
                for level, n in rated.get(k, {}).items():
                    others_rated[level] += n
            others = _row(reports.OTHERS, _merge(sums[k] for k in rest), dict(others_rated), {})
            others.update(key="others", label=None, members=len(rest))
            result["top_rows"] = (
                [by_key[reports._plain(k)] for k in chosen]
                + [others]
                + ([by_key[None]] if None in by_key else [])
            )
    return result


def _report(session, where, days, ratings, group, also, top) -> dict[str, Any]:
    totals = _sums(session, days, "total")
    total = totals.get(0) or _merge([])
    hours = _sums(session, days, "hour")
    busiest = sorted(hours.items(), key=lambda item: (-(item[1]["issued"] or 0), item[0]))[:3]
    est_n = int(total["est_n"] or 0)
    shared = {
        "from": where.start.isoformat(),
        "to": where.end.isoformat(),
        "total": (
            _row(0, total, _rating_counts(session, ratings, "total").get(0, {}), {})
            if 0 in totals
            else None
        ),
        "busiest_hours": [
            {
                "key": hour,
                "label": hour,
                "issued": int(row["issued"] or 0),
                "served": int(row["served"] or 0),
            }
            for hour, row in busiest
        ],
        "estimate": {
            "tickets": est_n,
            "mean_error": round(float(total["est_error_sum"]) / est_n, 1) if est_n else None,
            "mean_abs_error": round(float(total["est_abs_sum"]) / est_n, 1) if est_n else None,
            "within_5": round(int(total["est_within_5"]) / est_n, 3) if est_n else None,
        },
        "rating_levels": reports.rating_levels(session, where),
        "approximate": True,
    }

    def grouped(grouping: str) -> dict[str, Any]:
        return {**shared, **_grouped(session, where, days, ratings, grouping, top)}

    result = grouped(group)
    result["also"] = {extra: grouped(extra) for extra in dict.fromkeys(also) if extra != group}
    return result
