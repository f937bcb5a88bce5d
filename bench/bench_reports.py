"""Report timings over a large generated history.

Generates a province for two years — a provincial centre (8 fields, 20 counters) and a
district of 24 communes (3 fields, 2 counters each) — with about 1,000,000 tickets and
their events, then times a month's report for the centre, a year's for the whole district
grouped by commune, and the exports.

    .venv/bin/python bench/bench_reports.py [--database-url URL] [--tickets 1000000]

The history is written with bulk inserts (rows shaped exactly as the engine writes them):
going through the engine ticket by ticket would take hours and measure the wrong thing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server import reports  # noqa: E402
from server.db import Database  # noqa: E402
from server.engine.catalog import create_office  # noqa: E402
from server.models import Base, Ticket, TicketEvent  # noqa: E402
from server.ops.migrate import upgrade  # noqa: E402
from server.reports import exports

START = dt.date(2024, 12, 1)
DAYS = 730
CENTRE_SHARE = 0.6


def offices() -> list[dict]:
    centre = {
        "code": "TINH",
        "name": "Trung tâm Phục vụ hành chính công tỉnh Mẫu",
        "district": "Tỉnh Mẫu",
        "services": [
            {
                "code": f"S{i}",
                "name": f"Lĩnh vực {i}",
                "number_start": 1000 * i + 1,
                "number_end": 1000 * i + 999,
                "digits": 4,
                "target_wait_minutes": 20,
            }
            for i in range(1, 9)
        ],
        "counters": [
            {"number": n, "services": [f"S{(n % 8) + 1}", f"S{((n + 3) % 8) + 1}"]}
            for n in range(1, 21)
        ],
    }
    communes = [
        {
            "code": f"XA{i:02d}",
            "name": f"Trung tâm Phục vụ hành chính công xã Mẫu {i}",
            "district": "Huyện Mẫu",
            "services": [
                {
                    "code": f"S{j}",
                    "name": f"Lĩnh vực {j}",
                    "prefix": "ABC"[j - 1],
                    "number_end": 999,
                    "target_wait_minutes": 15,
                }
                for j in range(1, 4)
            ],
            "counters": [
                {"number": 1, "services": ["S1", "S2"]},
                {"number": 2, "services": ["S2", "S3"]},
            ],
        }
        for i in range(1, 25)
    ]
    return [centre, *communes]


def generate(db: Database, total: int) -> dict[str, int]:
    rng = random.Random(20261123)
    with db.write() as session:
        made = [create_office(session, config, dt.datetime.now(dt.UTC)) for config in offices()]
        layout = [
            (o.id, o.code, [s.id for s in o.services], [c.id for c in o.counters]) for o in made
        ]
    centre, communes = layout[0], layout[1:]
    open_days = sum((START + dt.timedelta(days=i)).weekday() != 6 for i in range(DAYS))
    per_day_centre = round(total * CENTRE_SHARE / open_days)
    per_day_commune = max(1, round(total * (1 - CENTRE_SHARE) / open_days / len(communes)))
    ticket_id = event_id = 0
    tickets, events = [], []
    counts = {"tickets": 0, "events": 0}

    def flush() -> None:
        with db.engine.begin() as conn:
            if tickets:
                conn.execute(insert(Ticket), tickets)
            if events:
                conn.execute(insert(TicketEvent), events)
        counts["tickets"] += len(tickets)
        counts["events"] += len(events)
        tickets.clear()
        events.clear()

    for day_index in range(DAYS):
        day = START + dt.timedelta(days=day_index)
        if day.weekday() == 6:
            continue
        for office_id, _code, services, counters in [centre, *communes]:
            per_day = per_day_centre if office_id == centre[0] else per_day_commune
            seq = {service: 0 for service in services}
            for _ in range(per_day):
                ticket_id += 1
                service = rng.choice(services)
                seq[service] += 1
                # 07:30–16:30 local = 00:30–09:30 UTC
                issued = dt.datetime.combine(day, dt.time(0, 30), dt.UTC) + dt.timedelta(
                    seconds=rng.randint(0, 9 * 3600)
                )
                called = issued + dt.timedelta(seconds=int(rng.expovariate(1 / 900)))
                started = called + dt.timedelta(seconds=rng.randint(20, 120))
                finished = started + dt.timedelta(seconds=int(rng.expovariate(1 / 420)) + 60)
                counter = rng.choice(counters)
                roll = rng.random()
                status = "done" if roll < 0.9 else "no_show" if roll < 0.96 else "cancelled"
                tickets.append(
                    {
                        "id": ticket_id,
                        "office_id": office_id,
                        "service_id": service,
                        "issued_service_id": service,
                        "service_day": day,
                        "seq": seq[service],
                        "number": seq[service],
                        "code": str(seq[service]),
                        "token": f"t{ticket_id}",
                        "channel": "kiosk",
                        "status": status,
                        "queued_at": issued,
                        "issued_at": issued,
                        "called_at": called if status != "cancelled" else None,
                        "started_at": started if status == "done" else None,
                        "finished_at": finished if status == "done" else None,
                        "counter_id": counter if status != "cancelled" else None,
                        "recall_count": 0,
                        "eta_at_issue": rng.randint(0, 40),
                    }
                )
                steps = [("issued", issued, None)]
                if status == "cancelled":
                    steps.append(("cancelled", issued + dt.timedelta(minutes=5), None))
                else:
                    steps.append(("called", called, counter))
                    if status == "no_show":
                        steps.append(("recalled", called + dt.timedelta(minutes=1), counter))
                        steps.append(("no_show", called + dt.timedelta(minutes=3), counter))
                    else:
                        steps.append(("started", started, counter))
                        steps.append(("finished", finished, counter))
                for kind, at, counter_id in steps:
                    event_id += 1
                    events.append(
                        {
                            "id": event_id,
                            "ticket_id": ticket_id,
                            "office_id": office_id,
                            "service_id": service,
                            "kind": kind,
                            "at": at,
                            "counter_id": counter_id,
                        }
                    )
        if len(events) > 50_000:
            flush()
    flush()
    return counts


def timed(label: str, action, repeat: int = 3):
    best = None
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    print(f"  {label}: {best * 1000:.0f} ms (best of {repeat})")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--keep", default="", help="SQLite file to keep and reuse")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{args.keep or Path(tmp) / 'bench.db'}"
        db = Database(url)
        upgrade(db)
        with db.read() as session:
            existing = session.execute(
                text("SELECT count(*) FROM offices WHERE code = 'TINH'")
            ).scalar()
        if not existing:
            if not db.is_sqlite:
                names = ", ".join(t.name for t in Base.metadata.sorted_tables)
                with db.engine.begin() as conn:
                    conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            started = time.perf_counter()
            counts = generate(db, args.tickets)
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
            print(
                f"generated {counts['tickets']:,} tickets and {counts['events']:,} events "
                f"in {time.perf_counter() - started:.0f} s"
            )
        kind = "SQLite" if db.is_sqlite else "PostgreSQL"
        print(f"database: {kind}")
        month = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
        year = (dt.date(2025, 11, 1), dt.date(2026, 10, 31))
        district = [f"XA{i:02d}" for i in range(1, 25)]
        with db.read() as session:
            centre_month = reports.scope(session, ["TINH"], *month)
            district_year = reports.scope(session, district, *year)
            result = timed(
                "month, provincial centre, by field",
                lambda: reports.report(session, centre_month, "service"),
            )
            print(f"    {result['total']['issued']:,} tickets")
            timed(
                "month, provincial centre, by officer",
                lambda: reports.report(session, centre_month, "officer"),
            )
            result = timed(
                "year, district of 24 communes, by commune",
                lambda: reports.report(session, district_year, "office"),
            )
            print(f"    {result['total']['issued']:,} tickets")
            timed("year, district, by day", lambda: reports.report(session, district_year, "day"))
            timed(
                "month, centre, XLSX of figures + ticket log",
                lambda: exports.to_xlsx(
                    {
                        "Số liệu": exports.figure_rows(reports.report(session, centre_month)),
                        "Nhật ký phiếu": exports.log_rows(
                            reports.ticket_log(session, centre_month)
                        ),
                    }
                ),
                repeat=1,
            )
        db.dispose()


if __name__ == "__main__":
    main()
