"""Core figures: tickets issued per second, and call-to-client latency with many clients.

Starts a real `luot serve` (gevent) on a fresh database, then
1. issues tickets from concurrent HTTP clients and prints tickets/s;
2. connects Socket.IO clients to the office room, calls tickets one by one and prints how
   long each `ticket_called` took to reach every client (p50, p99, max).

    .venv/bin/python bench/bench_core.py [--database-url URL] [--clients 200]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import aiohttp
import requests
import socketio
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server.db import Database  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from server.models import Base  # noqa: E402
from tests.factories import bearer, make_office, make_token  # noqa: E402
from tests.live_server import LiveServer, free_port  # noqa: E402


def fresh_database(url: str | None, workdir: Path) -> str:
    if not url:
        url = f"sqlite:///{workdir / 'bench.db'}"
    db = Database(url)
    upgrade(db)
    if not db.is_sqlite:
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.dispose()
    return url


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_issue(url: str, tickets: int, clients: int) -> float:
    local = threading.local()

    def take(i: int) -> None:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        response = local.session.post(
            f"{url}/api/v1/offices/T1/tickets", json={"service": "AB"[i % 2]}, timeout=60
        )
        response.raise_for_status()

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(take, range(tickets)))
    return tickets / (time.perf_counter() - started)


async def bench_latency(url: str, token: str, counter_id: int, clients: int, calls: int):
    """Asyncio clients in one loop, so the figures are the server's, not client threads'."""
    arrivals: dict[str, list[float]] = {}
    everyone = asyncio.Event()

    async def connect() -> socketio.AsyncClient:
        client = socketio.AsyncClient(reconnection=False)

        @client.on("ticket_called")
        async def on_call(data):
            got = arrivals.setdefault(data["code"], [])
            got.append(time.perf_counter())
            if len(got) >= clients:
                everyone.set()

        await client.connect(url, transports=["websocket"], wait_timeout=30)
        await client.call("join", {"office": "T1"}, timeout=30)
        return client

    connected = []
    for start in range(0, clients, 50):
        connected += await asyncio.gather(
            *(connect() for _ in range(start, min(clients, start + 50)))
        )
    headers = bearer(token)
    latencies: list[float] = []
    async with aiohttp.ClientSession() as http:
        await http.post(f"{url}/api/v1/counters/{counter_id}/open", headers=headers)
        for _ in range(calls):
            everyone.clear()
            sent = time.perf_counter()
            async with http.post(
                f"{url}/api/v1/counters/{counter_id}/next", headers=headers
            ) as response:
                ticket = (await response.json())["ticket"]
            try:
                await asyncio.wait_for(everyone.wait(), 10)
            except TimeoutError:
                print(f"  call {ticket['code']}: not every client received it")
            latencies.extend((t - sent) * 1000 for t in arrivals.get(ticket["code"], []))
            await http.post(f"{url}/api/v1/tickets/{ticket['id']}/start", headers=headers)
            await asyncio.sleep(0.2)  # an officer does not call 30 times a second
    await asyncio.gather(*(client.disconnect() for client in connected))
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--http-clients", type=int, default=16)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--calls", type=int, default=30)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url = fresh_database(args.database_url, workdir)
        db = Database(url)
        office = make_office(db)
        token = make_token(db, "bench")
        db.dispose()
        server = LiveServer(url, workdir / "instance", free_port())
        server.start()
        try:
            kind = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
            print(f"database: {kind}; server: luot serve (gevent, 1 process)")
            rate = bench_issue(server.url, args.tickets, args.http_clients)
            print(
                f"issue: {args.tickets} tickets, {args.http_clients} HTTP clients: "
                f"{rate:.0f} tickets/s"
            )
            latencies = asyncio.run(
                bench_latency(server.url, token, office["counters"][1], args.clients, args.calls)
            )
            print(
                f"call → ticket_called at {args.clients} Socket.IO clients, {args.calls} calls, "
                f"{len(latencies)} deliveries: p50 {statistics.median(latencies):.1f} ms, "
                f"p99 {percentile(latencies, 0.99):.1f} ms, max {max(latencies):.1f} ms"
            )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
