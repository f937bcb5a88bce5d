"""Core figures as ratios to the same server's own ceiling, measured in one run.

This machine is shared and noisy, so every figure is divided by something measured beside
it: throughputs by `GET /healthz` from the same client with the same 16 threads, latencies
by the median `GET /healthz` round trip. For each database it starts a real `luot serve`
(gevent) on a fresh database and measures, in this order:

- ceiling: `/healthz`, 16 threads (requests/s) and one client (p50 ms);
- issue: `POST /offices/T1/tickets`, 16 threads; and the floor's (`bench/floor.py`, the
  least a ticket costs on this stack) at 16 threads; one client's mean time per issue,
  Lượt's and the floor's;
- drain: 4 counters in 4 threads, each `next` then `start` (requests/s);
- snapshot: `GET /offices/T1/queue` with 600 waiting, 16 threads;
- call → display: one socket in the office room, from the `next` request's start to the
  `ticket_called` message, p50;
- growth: one client's mean time per issue and per call with 10, then 2,000 waiting;
- fan-out: `ticket_called` at 1,000 sockets in one room, p99 from the request's start;
- with `--redis-url`: two processes sharing fan-out through Redis: issue at 16 threads dealt
  round both (÷ one process's issue rate), and 2,000 sockets over both.

    .venv/bin/python bench/bench_core.py [--postgres-url URL] [--redis-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, suppress
from pathlib import Path

import aiohttp
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sockets import ONE_ADDRESS, join_many  # noqa: E402
from server.db import Database  # noqa: E402
from server.models import Base  # noqa: E402
from server.ops.migrate import upgrade  # noqa: E402
from tests.factories import bearer, make_office, make_token  # noqa: E402
from tests.live_server import LiveServer, free_port  # noqa: E402

THREADS = 16
BENCH_OFFICE = {
    "counters": [{"number": n, "name": f"Quầy {n}", "services": ["A", "B"]} for n in (1, 2, 3, 4)]
}
GROWTH_OFFICE = {
    "code": "T2",
    "name": "Trung tâm đo",
    "services": [{"code": "G", "name": "Đo", "prefix": "G", "number_start": 1, "number_end": 9999}],
    "counters": [{"number": 1, "name": "Quầy 1", "services": ["G"]}],
}


def fresh_database(url: str, workdir: Path) -> str:
    if not url:
        url = f"sqlite:///{workdir / 'bench.db'}"
    else:
        _create_postgres_database(url)
    db = Database(url)
    upgrade(db)
    if not db.is_sqlite:
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.dispose()
    return url


def _create_postgres_database(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
        ):
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Client:
    """HTTP from many threads, one keep-alive session per thread."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.local = threading.local()

    def session(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        return self.local.session

    def get(self, path: str, **kw) -> requests.Response:
        response = self.session().get(self.base + path, timeout=60, **kw)
        response.raise_for_status()
        return response

    def post(self, path: str, **kw) -> requests.Response:
        response = self.session().post(self.base + path, timeout=60, **kw)
        response.raise_for_status()
        return response

    def rate(self, job: Callable[[int], object], count: int, threads: int = THREADS) -> float:
        """Jobs per second with `threads` running them side by side."""
        started = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(job, range(count)))
        return count / (time.perf_counter() - started)

    def issue(self, office: str, service: str) -> dict:
        return self.post(f"/api/v1/offices/{office}/tickets", json={"service": service}).json()


def timed_ms(job: Callable[[], object], times: int) -> list[float]:
    out = []
    for _ in range(times):
        started = time.perf_counter()
        job()
        out.append((time.perf_counter() - started) * 1000)
    return out


class Calls:
    """Collects `ticket_called` arrivals per ticket code, for latency from a request's start."""

    def __init__(self) -> None:
        self.arrivals: dict[str, list[float]] = {}
        self.expected = 0
        self.done = asyncio.Event()

    def on_event(self, name: str, data: dict, at: float) -> None:
        if name != "ticket_called":
            return
        got = self.arrivals.setdefault(data["code"], [])
        got.append(at)
        if len(got) >= self.expected:
            self.done.set()

    async def measure(
        self, base: str, headers: dict, counter_id: int, calls: int, pause: float
    ) -> tuple[list[float], int]:
        """Latencies (ms) of every delivery over `calls` calls, and how many never arrived."""
        latencies: list[float] = []
        missing = 0
        async with aiohttp.ClientSession() as http:
            for _ in range(calls):
                self.done.clear()
                sent = time.perf_counter()
                async with http.post(
                    f"{base}/api/v1/counters/{counter_id}/next", headers=headers
                ) as response:
                    response.raise_for_status()
                    ticket = (await response.json())["ticket"]
                with suppress(TimeoutError):
                    await asyncio.wait_for(self.done.wait(), 10)
                got = self.arrivals.get(ticket["code"], [])
                missing += self.expected - len(got)
                latencies.extend((t - sent) * 1000 for t in got)
                async with http.post(
                    f"{base}/api/v1/tickets/{ticket['id']}/start", headers=headers
                ) as response:
                    response.raise_for_status()
                await asyncio.sleep(pause)
        return latencies, missing


async def fanout(
    urls: list[str], call_url: str, headers: dict, counter_id: int, sockets: int, calls: int
) -> tuple[list[float], int]:
    calls_seen = Calls()
    calls_seen.expected = sockets
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        listeners = await join_many(http, urls, sockets, {"office": "T1"}, calls_seen.on_event)
        await asyncio.sleep(1)
        try:
            return await calls_seen.measure(call_url, headers, counter_id, calls, pause=0.3)
        finally:
            await asyncio.gather(*(each.close() for each in listeners))


def measure(url: str, workdir: Path, args: argparse.Namespace) -> dict[str, float]:
    db = Database(url)
    office = make_office(db, **BENCH_OFFICE)
    growth = make_office(db, **GROWTH_OFFICE)
    make_office(db, code="T3")  # one client's issues, apart from T1's line
    make_office(db, code="F1")  # the floor's tickets
    make_office(db, code="T4")  # issued through two processes, on numbers of its own
    tokens = [make_token(db, f"bench{n}", offices=("T1", "T2")) for n in range(4)]
    db.dispose()
    figures: dict[str, float] = {}
    with ExitStack() as stack:
        floor = start_floor(url, workdir)
        stack.callback(floor.terminate)
        # Every socket comes from this one address: no cap per address here (a real room of
        # a thousand screens and phones comes from many).
        server = LiveServer(url, workdir / "instance", free_port(), **ONE_ADDRESS)
        server.start()
        stack.callback(server.stop)
        http = Client(server.url)
        counters = [office["counters"][n] for n in (1, 2, 3, 4)]
        for token, counter in zip(tokens, counters, strict=True):
            http.post(f"/api/v1/counters/{counter}/open", headers=bearer(token))

        figures["ceiling"] = http.rate(lambda _: http.get("/healthz"), 3000)
        figures["healthz_p50"] = statistics.median(timed_ms(lambda: http.get("/healthz"), 300))
        figures["issue"] = http.rate(lambda i: http.issue("T1", "AB"[i % 2]), args.tickets)
        floor_http = Client(floor.url)
        figures["floor"] = floor_http.rate(
            lambda i: floor_http.post("/floor/offices/F1/tickets", json={"service": "AB"[i % 2]}),
            args.tickets // 2,
        )
        figures["floor_1_ms"] = statistics.mean(
            timed_ms(
                lambda: floor_http.post("/floor/offices/F1/tickets", json={"service": "A"}), 200
            )
        )
        figures["issue_1_ms"] = statistics.mean(timed_ms(lambda: http.issue("T3", "A"), 200))

        per_counter = (args.tickets - 600) // 4

        def drain(n: int) -> None:
            headers = bearer(tokens[n])
            for _ in range(per_counter):
                ticket = http.post(f"/api/v1/counters/{counters[n]}/next", headers=headers)
                http.post(f"/api/v1/tickets/{ticket.json()['ticket']['id']}/start", headers=headers)

        started = time.perf_counter()
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(drain, range(4)))
        figures["drain"] = 8 * per_counter / (time.perf_counter() - started)
        waiting = http.get("/api/v1/offices/T1/queue").json()["waiting_total"]
        assert waiting == 600, waiting
        figures["snapshot"] = http.rate(lambda _: http.get("/api/v1/offices/T1/queue"), 2000)

        latencies, _ = asyncio.run(
            fanout([server.url], server.url, bearer(tokens[0]), counters[0], 1, args.calls)
        )
        figures["display_p50"] = statistics.median(latencies)

        growth_counter = growth["counters"][1]
        growth_headers = bearer(tokens[0])
        http.post(f"/api/v1/counters/{growth_counter}/open", headers=growth_headers)

        def growth_costs() -> tuple[float, float]:
            issue = statistics.mean(timed_ms(lambda: http.issue("T2", "G"), 40))
            called = []
            for _ in range(40):
                started = time.perf_counter()
                ticket = http.post(
                    f"/api/v1/counters/{growth_counter}/next", headers=growth_headers
                )
                called.append((time.perf_counter() - started) * 1000)
                http.post(
                    f"/api/v1/tickets/{ticket.json()['ticket']['id']}/start", headers=growth_headers
                )
            return issue, statistics.mean(called)

        http.rate(lambda _: http.issue("T2", "G"), 10)
        issue_small, call_small = growth_costs()
        http.rate(lambda _: http.issue("T2", "G"), 2000)
        issue_large, call_large = growth_costs()
        figures["growth_issue"] = issue_large / issue_small
        figures["growth_call"] = call_large / call_small

        latencies, missing = asyncio.run(
            fanout(
                [server.url], server.url, bearer(tokens[0]), counters[0], args.sockets, args.calls
            )
        )
        figures["fanout_p99"] = percentile(latencies, 0.99)
        figures["fanout_missing"] = missing

        if args.redis_url:
            stack.close()
            env = {
                **ONE_ADDRESS,
                "REDIS_URL": args.redis_url,
                "LUOT_SOCKETIO_CHANNEL": f"bench-{uuid.uuid4().hex}",
            }
            servers = [LiveServer(url, workdir / f"p{n}", free_port(), **env) for n in (1, 2)]
            for each in servers:
                each.start()
                stack.callback(each.stop)
            # As nginx would: requests dealt round the two processes.
            both = [Client(each.url) for each in servers]
            figures["issue2"] = both[0].rate(
                lambda i: both[i % 2].issue("T4", "AB"[i % 2]), args.tickets
            )
            figures["issue2_vs_1"] = figures["issue2"] / figures["issue"]
            latencies, missing = asyncio.run(
                fanout(
                    [each.url for each in servers],
                    servers[0].url,
                    bearer(tokens[0]),
                    counters[0],
                    2 * args.sockets,
                    args.calls,
                )
            )
            figures["fanout2_p99"] = percentile(latencies, 0.99)
            figures["fanout2_missing"] = missing
    figures["issue_vs_floor"] = figures["issue"] / figures["floor"]
    figures["issue_1_vs_floor"] = figures["issue_1_ms"] / figures["floor_1_ms"]
    return figures


class Floor:
    """bench/floor.py in its own process on the bench's database."""

    def __init__(self, url: str, port: int, log: Path) -> None:
        self.url = f"http://127.0.0.1:{port}"
        script = Path(__file__).with_name("floor.py")
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, str(script), url, str(port)], stdout=out, stderr=out
            )

    def terminate(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def start_floor(url: str, workdir: Path) -> Floor:
    floor = Floor(url, free_port(), workdir / "floor.log")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with suppress(requests.RequestException):
            if requests.get(floor.url + "/healthz", timeout=1).ok:
                return floor
        time.sleep(0.1)
    floor.terminate()
    raise RuntimeError(f"the floor did not start: {(workdir / 'floor.log').read_text()[-2000:]}")


ROWS = [
    # (label, figure, how it is shown, goal)
    ("ceiling: GET /healthz, 16 threads", "ceiling", "{:.0f} req/s", ""),
    ("ceiling: GET /healthz, one client, p50", "healthz_p50", "{:.2f} ms", ""),
    ("issue, 16 clients", "issue", "ratio", "≥ 0.50 ×"),
    ("the floor: issue, 16 clients", "floor", "ratio", ""),
    ("issue ÷ the floor, 16 clients", "issue_vs_floor", "{:.2f} ×", ""),
    ("issue, 1 client, mean time ÷ the floor's", "issue_1_vs_floor", "{:.2f} ×", "≤ 1.5 ×"),
    ("queue snapshot read, 16 clients, 600 waiting", "snapshot", "ratio", "≥ 0.70 ×"),
    ("drain, 4 counters, next + start requests/s", "drain", "ratio", "≥ 0.25 ×"),
    ("call → one display, p50 (× healthz p50)", "display_p50", "latency", "≤ 3 ×"),
    ("call → 1,000 sockets in one room, p99", "fanout_p99", "{:.0f} ms", "≤ 150 ms"),
    ("call → 2,000 sockets on 2 processes, p99", "fanout2_p99", "{:.0f} ms", "≤ 250 ms"),
    ("issue, 16 clients, 2 processes (Redis) ÷ 1 process", "issue2_vs_1", "{:.2f} ×", "≥ 1.6 ×"),
    ("issue cost, 2,000 waiting ÷ 10 waiting", "growth_issue", "{:.2f} ×", "≈ 1 (flat)"),
    ("call cost, 2,000 waiting ÷ 10 waiting", "growth_call", "{:.2f} ×", "≈ 1 (flat)"),
]


def shown(figures: dict[str, float], key: str, how: str) -> str:
    if key not in figures:
        return "—"
    value = figures[key]
    if how == "ratio":
        return f"{value / figures['ceiling']:.2f} × ({value:.0f}/s)"
    if how == "latency":
        return f"{value / figures['healthz_p50']:.1f} × ({value:.1f} ms)"
    return how.format(value)


def report(results: dict[str, dict[str, float]]) -> None:
    names = list(results)
    print("\n| figure | " + " | ".join(names) + " | goal |")
    print("| --- | " + " | ".join("---" for _ in names) + " | --- |")
    for label, key, how, goal in ROWS:
        cells = [shown(results[name], key, how) for name in names]
        print(f"| {label} | " + " | ".join(cells) + f" | {goal} |")
    for name, figures in results.items():
        lost = int(figures.get("fanout_missing", 0) + figures.get("fanout2_missing", 0))
        if lost:
            print(f"{name}: {lost} socket deliveries never arrived within 10 s")
    if "SQLite" in results and "PostgreSQL" in results:
        print("\nPostgreSQL ÷ SQLite (each as its own run's ratio; goal ≥ 0.8):")
        lite, pg = results["SQLite"], results["PostgreSQL"]
        for key in ("issue", "snapshot", "drain"):
            print(f"  {key}: {(pg[key] / pg['ceiling']) / (lite[key] / lite['ceiling']):.2f}")
        for key, base in (("display_p50", "healthz_p50"),):
            print(f"  {key}: {(lite[key] / lite[base]) / (pg[key] / pg[base]):.2f}")
        for key in ("fanout_p99", "fanout2_p99"):
            if key in lite and key in pg:
                print(f"  {key}: {lite[key] / pg[key]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres-url", default="", help="also measure on this database")
    parser.add_argument("--redis-url", default="", help="also measure 2 processes via Redis")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--tickets", type=int, default=1000, help="issued, then drained to 600")
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=30)
    args = parser.parse_args()
    if args.tickets < 604:
        parser.error("--tickets must leave 600 waiting after the drain")
    databases = [] if args.skip_sqlite else [("SQLite", "")]
    if args.postgres_url:
        databases.append(("PostgreSQL", args.postgres_url))
    results = {}
    for name, url in databases:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            print(f"measuring on {name} …", flush=True)
            results[name] = measure(fresh_database(url, workdir), workdir, args)
            report({name: results[name]})  # kept on screen if a later database fails
    report(results)


if __name__ == "__main__":
    main()
