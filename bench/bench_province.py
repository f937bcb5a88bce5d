"""A province's load: 150 commune centres × 500 tickets a day, replayed into a provincial
server after a day offline; then a provincial year report.

    .venv/bin/python bench/bench_province.py [--centres 150] [--tickets 500] \
        [--database-url postgresql://postgres@127.0.0.1:5432/luot_bench_province]

1. A real centre's day: the engine on SQLite issues TICKETS tickets, two counters call,
   start and finish them, a third are rated; joining a province journals it (the baseline
   plus one entry per write). That day's journal is what every centre sends.
2. The provincial server: two `luot serve` processes on PostgreSQL with Redis, as deployed.
   CENTRES centres register and join; each sends its day (its own office code, the same
   rows) through the real HTTP push (gzip, 500 entries a push), eight centres at a time:
   the province catching up after a day with every link down.
3. The day's rollups are built (what the background pass does each day), then copied to the
   other 364 days of the year with shifted dates, and the provincial year report is timed
   (all centres' offices, by office, by field, by day). For comparison, the same report of
   the one day read ticket by ticket.

The figures are printed as a Markdown table; give them as ratios where they compare (this
machine is shared: absolute times move from run to run).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server import reports  # noqa: E402
from server.db import Database  # noqa: E402
from server.engine import Engine  # noqa: E402
from server.engine import credentials as accounts
from server.engine.catalog import create_office  # noqa: E402
from server.engine.centre import for_the_wire  # noqa: E402
from server.models import Counter, Ticket, TicketEvent, report_day_marks  # noqa: E402
from server.ops.migrate import upgrade  # noqa: E402
from server.province.client import ProvinceClient  # noqa: E402
from server.reports import days as report_days

LUOT = str(Path(sys.executable).with_name("luot"))
DAY = dt.date(2026, 11, 2)
OFFICE = {
    "code": "X",
    "name": "Trung tâm Phục vụ hành chính công xã",
    "settings": {"issuing": "open", "counters_per_officer": 2},
    "services": [
        {"code": "HT", "name": "Hộ tịch", "number_start": 1001, "number_end": 1999},
        {"code": "DD", "name": "Đất đai", "number_start": 2001, "number_end": 2999},
        {"code": "CS", "name": "Chính sách", "number_start": 3001, "number_end": 3999},
    ],
    "counters": [
        {"number": 1, "name": "Quầy 1", "services": ["HT", "CS"]},
        {"number": 2, "name": "Quầy 2", "services": ["DD", "HT"]},
    ],
}


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def record_day(folder: Path, tickets: int) -> list[dict]:
    """A centre's day through the real engine; its journal entries as sent."""
    db = Database(f"sqlite:///{folder / 'centre.db'}")
    upgrade(db)
    start = dt.datetime.combine(DAY, dt.time(0, 30), dt.UTC)  # 07:30 in Hà Nội
    clock = Clock(start)
    engine = Engine(db, clock=clock)
    with db.write() as session:
        create_office(session, OFFICE, start)
    with db.write() as session:
        accounts.create_user(session, "canbo", "officer", ["X"], "pw-canbo-12345", "Cán bộ")
    officer = engine.users()[0]["id"]
    engine.join_province("http://province.invalid", "REC", "token", 0)  # journal from here
    with db.read() as session:
        counters = list(session.scalars(select(Counter.id).order_by(Counter.number)))
    for counter in counters:
        engine.set_counter_state(counter, "open", officer)
    services = ["HT", "DD", "CS"]
    serving: dict[int, dict | None] = dict.fromkeys(counters)

    def step(counter: int) -> None:
        current = serving[counter]
        if current is not None:
            engine.finish(current["id"], officer)
            if current["id"] % 3 == 0:
                with db.read() as session:
                    token = session.scalar(select(Ticket.token).where(Ticket.id == current["id"]))
                engine.rate(token, "very_satisfied" if current["id"] % 9 else "unsatisfied")
        called = engine.call_next(counter, officer)
        if called is not None:
            engine.start(called["id"], officer)
        serving[counter] = called

    for n in range(tickets):
        clock.now = start + dt.timedelta(seconds=60 * n)
        engine.issue("X", services[n % 3], priority="elderly" if n % 20 == 0 else None)
        step(counters[n % 2])
    while any(serving.values()) or engine.call_next(counters[0], officer):
        clock.now += dt.timedelta(minutes=2)
        for counter in counters:
            step(counter)
    entries = engine.entries_after(0, 10**7)
    db.dispose()
    return json.loads(json.dumps(entries))


def for_centre(entries: list[dict], n: int) -> list[dict]:
    """The day as centre `n` sends it: its own office code and name, the same rows."""
    code = f"C{n:03d}"
    out = []
    for entry in entries:
        rows = []
        for kind, values in entry["rows"]:
            if kind == "office":
                values = {**values, "code": code, "name": f"Trung tâm xã số {n}"}
            rows.append([kind, values])
        out.append({**entry, "rows": rows})
    return out


def serve(database_url: str, redis_url: str, port: int, folder: Path) -> subprocess.Popen:
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "LUOT_INSTANCE_PATH": str(folder),
        "LUOT_SECRET_KEY": "bench",
        "LUOT_SOCKETIO_CHANNEL": "luot-bench-province",
        "LUOT_RATELIMIT_ENABLED": "false",
        "LUOT_REPORT_ROLLUP_SECONDS": "0",
    }
    process = subprocess.Popen(
        [LUOT, "serve", "--port", str(port)],
        env=env,
        stdout=open(folder / "log", "wb"),  # noqa: SIM115 - lives as long as the server
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError((folder / "log").read_text()[-2000:])


def push_all(url: str, token: str, entries: list[dict], batch: int) -> tuple[int, int]:
    """Send a centre's entries as its pusher does; (pushes, bytes sent)."""
    client = ProvinceClient(url, token, timeout=120)
    sent = pushes = 0
    for start in range(0, len(entries), batch):
        chunk = entries[start : start + batch]
        body = {
            "at": dt.datetime.now(dt.UTC).isoformat(),
            "head": entries[-1]["seq"],
            "oldest_unsent_at": chunk[0]["at"],
            "offices": [],
            "entries": for_the_wire(chunk),
        }
        sent += len(gzip.compress(json.dumps(body, ensure_ascii=False).encode(), 6))
        answer = client.push(body)
        assert answer["received"] == chunk[-1]["seq"], answer
        pushes += 1
    return pushes, sent


def beats(
    bases: list[str], tokens: list[str], payloads: list[list[dict]], folder: Path, rounds: int
) -> tuple[int, int]:
    """Every centre's beat, `rounds` times, as its pusher sends it when it has nothing new
    (its live figures, its journal's state); the provincial processes' log lines meanwhile."""

    def logged() -> int:
        return sum(
            len(path.read_text(errors="replace").splitlines())
            for path in folder.glob("province*/log")
        )

    def beat(item: tuple[int, list[dict]]) -> None:
        n, entries = item
        body = {
            "at": dt.datetime.now(dt.UTC).isoformat(),
            "head": entries[-1]["seq"],
            "oldest_unsent_at": None,
            "offices": [],
            "entries": [],
            "epoch": {"id": "", "start": 1, "end": 1, "max_ids": None},
            "base": {"seq": entries[-1]["seq"], "digest": None},
        }
        ProvinceClient(bases[n % 2], tokens[n], timeout=60).push(body)

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        # Two beats first: each centre's change from catching up to up to date is said once.
        for _ in range(2):
            list(pool.map(beat, enumerate(payloads)))
        time.sleep(0.5)
        before = logged()
        for _ in range(rounds):
            list(pool.map(beat, enumerate(payloads)))
    time.sleep(0.5)
    return logged() - before, rounds


def fresh_database(url: str) -> str:
    base = make_url(url)
    admin = Database(base.set(database="postgres").render_as_string(hide_password=False))
    with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{base.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{base.database}"'))
    admin.dispose()
    return base.render_as_string(hide_password=False)


def timed(action, repeat: int = 3) -> tuple[float, object]:
    best, result = None, None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def healthz_ms(url: str, n: int = 200) -> float:
    http = requests.Session()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        http.get(url + "/healthz", timeout=10)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--centres", type=int, default=150)
    parser.add_argument("--tickets", type=int, default=500)
    parser.add_argument("--parallel", type=int, default=8)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/luot_bench_province"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--beats", type=int, default=12, help="steady-state beats to log")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="luot-bench-province-"))
    processes: list[subprocess.Popen] = []
    figures: list[tuple[str, str]] = []
    try:
        started = time.perf_counter()
        day = record_day(folder, args.tickets)
        rows = sum(len(entry["rows"]) for entry in day)
        figures.append(
            (
                "a centre's day",
                f"{args.tickets} tickets → {len(day):,} journal "
                f"entries, {rows:,} rows (recorded in {time.perf_counter() - started:.0f} s)",
            )
        )

        url = fresh_database(args.database_url)
        db = Database(url)
        upgrade(db)
        province = Engine(db)
        tokens = []
        for n in range(1, args.centres + 1):
            invite = province.add_centre(f"XA{n:03d}", f"Xã số {n}")
            tokens.append(province.join(invite["join_code"])["token"])
        ports = (8201, 8202)
        for i, port in enumerate(ports):
            processes.append(serve(url, args.redis_url, port, folder / f"province{i}"))
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        health = healthz_ms(bases[0])

        payloads = [for_centre(day, n) for n in range(1, args.centres + 1)]
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(args.parallel) as pool:
            results = list(
                pool.map(
                    lambda item: push_all(bases[item[0] % 2], tokens[item[0]], item[1], args.batch),
                    enumerate(payloads),
                )
            )
        catch_up = time.perf_counter() - started
        pushes = sum(r[0] for r in results)
        sent = sum(r[1] for r in results)
        with db.read() as session:
            tickets = session.scalar(select(func.count()).select_from(Ticket))
            events = session.scalar(select(func.count()).select_from(TicketEvent))
        assert tickets == args.tickets * args.centres, tickets
        figures += [
            (
                "catch-up after a day offline",
                f"{catch_up:.1f} s for {args.centres} centres ({pushes:,} pushes, "
                f"{args.parallel} centres at a time, 2 processes)",
            ),
            (
                "rows applied",
                f"{rows * args.centres:,} ({rows * args.centres / catch_up:,.0f} "
                f"rows/s); {tickets:,} tickets, {events:,} events at the province",
            ),
            ("sent per centre-day", f"{sent / args.centres / 1024:,.0f} KiB gzipped"),
            ("/healthz p50 in the same run", f"{health:.1f} ms"),
        ]
        lines, rounds = beats(bases, tokens, payloads, folder, args.beats)
        figures.append(
            (
                "log lines in steady state",
                f"{lines} over {rounds} beats of {args.centres} centres after the catch-up "
                f"(~{lines / rounds * 17_280:,.0f} a day at a beat every 5 s; a line per push "
                f"was {args.centres * 17_280:,})",
            )
        )
        for process in processes:
            process.terminate()
            process.wait(20)
        processes.clear()

        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        codes = [f"C{n:03d}" for n in range(1, args.centres + 1)]
        with db.read() as session:
            one_day = reports.scope(session, codes, DAY, DAY)
        later = dt.datetime.combine(DAY, dt.time(), dt.UTC) + dt.timedelta(days=10)
        build_s, built = timed(lambda: report_days.ensure(db, one_day, later), repeat=1)
        figures.append(("rolling up the province's day", f"{build_s:.1f} s ({built} office-days)"))
        with db.read() as session:
            exact_s, exact = timed(lambda: reports.report(session, one_day, "office"))
        figures.append(
            (
                "the day's report, ticket by ticket (exact)",
                f"{exact_s:.2f} s ({exact['total']['issued']:,} tickets)",
            )
        )

        # The other 364 days of the year: the same day's rollups, shifted.
        started = time.perf_counter()
        with db.engine.begin() as conn:
            for table in ("report_days", "report_day_ratings"):
                columns = [
                    c
                    for c in conn.execute(
                        text(
                            f"SELECT column_name FROM information_schema.columns "
                            f"WHERE table_name = '{table}' ORDER BY ordinal_position"
                        )
                    ).scalars()
                ]
                shifted = ", ".join("day - g" if c == "day" else c for c in columns)
                conn.execute(
                    text(
                        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {shifted} "
                        f"FROM {table}, generate_series(1, 364) AS g WHERE day = :day"
                    ),
                    {"day": DAY},
                )
            conn.execute(
                text(
                    "INSERT INTO report_day_marks (office_id, day, built_at) "
                    "SELECT office_id, day - g, built_at FROM report_day_marks, "
                    "generate_series(1, 364) AS g WHERE day = :day"
                ),
                {"day": DAY},
            )
            conn.execute(text("ANALYZE report_days; ANALYZE report_day_ratings"))
        with db.read() as session:
            rolled = session.scalar(select(func.count()).select_from(report_days.report_days))
            marks = session.scalar(select(func.count()).select_from(report_day_marks))
        figures.append(
            (
                "a year of rollups",
                f"{rolled:,} rows for {marks:,} office-days "
                f"(copied in {time.perf_counter() - started:.0f} s)",
            )
        )
        year_start = DAY - dt.timedelta(days=364)
        with db.read() as session:
            year = reports.scope(session, codes, year_start, DAY)
            for group in ("office", "service", "day"):
                year_s, result = timed(lambda g=group: reports.report(session, year, g, now=later))
                figures.append(
                    (
                        f"provincial year report, by {group}",
                        f"{year_s:.2f} s ({result['total']['issued']:,} tickets, "
                        f"{len(result['rows'])} rows)",
                    )
                )
        db.dispose()
    finally:
        for process in processes:
            process.terminate()
        shutil.rmtree(folder, ignore_errors=True)
    print("\n| figure | value |\n| --- | --- |")
    for name, value in figures:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
