"""Reports over many offices: what a scope of 150 or 1,000 offices costs on top of its
tickets, on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_report_scope.py --offices 150 [--offices 1000] \
        [--database-url sqlite:////tmp/scope.db] [--days 7] [--tickets 20] [--reuse]

The offices (three fields, two counters, an officer each) are made by the engine's
`create_office`; their tickets, events and ratings are written straight into the tables
(a served ticket's four events; a third rated), DAYS days of TICKETS tickets each. The
days are rolled up by `report_days.ensure` and the first one's rollups copied to the days before it
(as bench_province.py does), so the long report (LONG_DAYS, a year by default) reads that
many days of rollups for every office.

Timed, each the best of REPEAT runs (three): the days ticket by ticket and the long period
from rollups, by office, field and day, for the explicit list of every office's code and
for the "all" scope (`reports.scope_all`, when this version has it). With --reuse a
database made by an earlier run is used as it is (compare two versions of the code on the
same data).
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import sys
import time
from pathlib import Path

from sqlalchemy import func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_province import OFFICE as COMMUNE  # noqa: E402
from server import reports  # noqa: E402
from server.db import Database  # noqa: E402
from server.engine.catalog import create_office  # noqa: E402
from server.models import (  # noqa: E402
    Base,
    Counter,
    Office,
    Rating,
    Service,
    Ticket,
    TicketEvent,
    User,
    report_day_marks,
)
from server.ops.migrate import upgrade  # noqa: E402
from server.reports import days as report_days

FIRST = dt.date(2026, 11, 2)  # a Monday
# The commune of the province benchmark, its fields and counters (its code and settings
# are each office's own here).
OFFICE = {key: value for key, value in COMMUNE.items() if key not in ("code", "settings")}


def make_data(db: Database, offices: int, days: int, tickets: int, long_days: int) -> None:
    """`offices` offices with `days` days of `tickets` tickets each, written directly."""
    now = dt.datetime.now(dt.UTC)
    with db.write() as session:
        for n in range(1, offices + 1):
            create_office(session, {**OFFICE, "code": f"C{n:04d}", "name": f"Xã số {n}"}, now)
        session.execute(
            insert(User),
            [
                {"username": f"canbo{n:04d}", "full_name": f"Cán bộ {n}", "created_at": now}
                for n in range(1, offices + 1)
            ],
        )
    with db.read() as session:
        office_ids = session.scalars(select(Office.id).order_by(Office.id)).all()
        services = {}
        for office_id, service_id in session.execute(select(Service.office_id, Service.id)):
            services.setdefault(office_id, []).append(service_id)
        counters = {}
        for office_id, counter_id in session.execute(select(Counter.office_id, Counter.id)):
            counters.setdefault(office_id, []).append(counter_id)
        users = session.scalars(select(User.id).order_by(User.id)).all()
    ticket_id = 0
    for index, office_id in enumerate(office_ids):
        ticket_rows, event_rows, rating_rows = [], [], []
        officer = users[index]
        for d in range(days):
            day = FIRST + dt.timedelta(days=d)
            opening = dt.datetime.combine(day, dt.time(1, 0), dt.UTC)  # 08:00 in Hà Nội
            for n in range(tickets):
                ticket_id += 1
                service = services[office_id][n % 3]
                counter = counters[office_id][n % 2]
                issued = opening + dt.timedelta(minutes=7 * n)
                called = issued + dt.timedelta(seconds=60 + (n * 131 + index * 17) % 1500)
                started = called + dt.timedelta(seconds=20)
                finished = started + dt.timedelta(seconds=120 + (n * 89 + d * 13) % 900)
                ticket_rows.append(
                    {
                        "id": ticket_id,
                        "office_id": office_id,
                        "service_id": service,
                        "issued_service_id": service,
                        "service_day": day,
                        "seq": n + 1,
                        "number": 1001 + n,
                        "code": str(1001 + n),
                        "token": secrets.token_hex(16),
                        "status": "done",
                        "queued_at": issued,
                        "issued_at": issued,
                        "called_at": called,
                        "started_at": started,
                        "finished_at": finished,
                        "counter_id": counter,
                        "eta_at_issue": 5 + n % 20,
                    }
                )
                for kind, at in (
                    ("issued", issued),
                    ("called", called),
                    ("started", started),
                    ("finished", finished),
                ):
                    event_rows.append(
                        {
                            "ticket_id": ticket_id,
                            "office_id": office_id,
                            "service_id": service,
                            "kind": kind,
                            "at": at,
                            "counter_id": None if kind == "issued" else counter,
                            "user_id": None if kind == "issued" else officer,
                        }
                    )
                if n % 3 == 0:
                    rating_rows.append(
                        {
                            "ticket_id": ticket_id,
                            "office_id": office_id,
                            "counter_id": counter,
                            "officer_id": officer,
                            "level": ("very_satisfied", "satisfied", "unsatisfied")[n % 9 // 3],
                            "score": 1.0,
                            "created_at": finished,
                        }
                    )
        with db.write() as session:
            session.execute(insert(Ticket.__table__), ticket_rows)
            session.execute(insert(TicketEvent.__table__), event_rows)
            session.execute(insert(Rating.__table__), rating_rows)
    recorded = reports.Scope(tuple(office_ids), FIRST, FIRST + dt.timedelta(days=days - 1))
    settled = dt.datetime.combine(FIRST, dt.time(), dt.UTC) + dt.timedelta(days=30)
    report_days.ensure(db, recorded, settled)
    copy_rollups(db, long_days - days)


def copy_rollups(db: Database, before: int) -> None:
    """The first day's rollups as each of the `before` days before it (dates shifted)."""
    with db.engine.begin() as conn:
        for table in ("report_days", "report_day_ratings"):
            columns = [c.name for c in Base.metadata.tables[table].columns]
            for back in range(1, before + 1):
                day = FIRST - dt.timedelta(days=back)
                shifted = ", ".join(":day" if c == "day" else c for c in columns)
                conn.execute(
                    text(
                        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {shifted} "
                        f"FROM {table} WHERE day = :first"
                    ),
                    {"day": day, "first": FIRST},
                )
        for back in range(1, before + 1):
            conn.execute(
                text(
                    "INSERT INTO report_day_marks (office_id, day, built_at) "
                    "SELECT office_id, :day, built_at FROM report_day_marks WHERE day = :first"
                ),
                {"day": FIRST - dt.timedelta(days=back), "first": FIRST},
            )
        if conn.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))


def best(action, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--offices", type=int, default=150)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--tickets", type=int, default=20)
    parser.add_argument("--database-url", default="sqlite:////tmp/luot-bench-scope.db")
    parser.add_argument("--long-days", type=int, default=365, help="the long report's days")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each report, best kept")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    db = Database(args.database_url)
    if not args.reuse:
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        else:
            Path(db.engine.url.database).unlink(missing_ok=True)
            db.dispose()
            db = Database(args.database_url)
        upgrade(db)
        started = time.perf_counter()
        make_data(db, args.offices, args.days, args.tickets, args.long_days)
        print(f"data made in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    with db.read() as session:
        codes = session.scalars(select(Office.code)).all()
        tickets = session.scalar(select(func.count()).select_from(Ticket))
        marks = session.scalar(select(func.count()).select_from(report_day_marks))
    now = dt.datetime.combine(FIRST, dt.time(), dt.UTC) + dt.timedelta(days=30)
    week_end = FIRST + dt.timedelta(days=args.days - 1)
    long_start = week_end - dt.timedelta(days=args.long_days - 1)
    periods = {
        f"{args.days} days": (FIRST, week_end),
        f"{args.long_days} days": (long_start, week_end),
    }
    scopes = {"list": lambda s, a, b: reports.scope(s, list(codes), a, b)}
    if hasattr(reports, "scope_all"):
        scopes["all"] = lambda s, a, b: reports.scope_all(s, a, b)
    print(
        f"\n{db.engine.dialect.name}, {len(codes)} offices, {tickets:,} tickets "
        f"({args.days} days), {marks:,} office-days rolled up\n"
    )
    print("| period | group | scope | seconds | tickets |\n| --- | --- | --- | --- | --- |")
    for period, (start, end) in periods.items():
        for group in ("office", "service", "day"):
            for name, make_scope in scopes.items():
                with db.read() as session:
                    seconds, result = best(
                        lambda s=session, m=make_scope, a=start, b=end, g=group: reports.report(
                            s, m(s, a, b), g, now=now
                        ),
                        args.repeat,
                    )
                print(
                    f"| {period} | {group} | {name} | {seconds:.2f} | "
                    f"{result['total']['issued']:,} |"
                )
    db.dispose()


if __name__ == "__main__":
    main()
