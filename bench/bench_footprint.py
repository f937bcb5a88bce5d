"""Memory of one `luot serve` process: idle, then with 1,000 (or `--sockets`) websockets
joined to an office's room, then after they close. Read from /proc (VmRSS).

    .venv/bin/python bench/bench_footprint.py [--sockets 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sockets import ONE_ADDRESS, join_many  # noqa: E402
from server.db import Database  # noqa: E402
from server.ops.migrate import upgrade  # noqa: E402
from tests.factories import make_office  # noqa: E402
from tests.live_server import LiveServer, free_port  # noqa: E402


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def hold(url: str, count: int, pid: int) -> tuple[float, float]:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        listeners = await join_many(http, [url], count, {"office": "T1"}, lambda *_: None)
        await asyncio.sleep(3)
        joined = rss_mb(pid)
        await asyncio.gather(*(each.close() for each in listeners))
    await asyncio.sleep(5)
    return joined, rss_mb(pid)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sockets", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'luot.db'}"
        db = Database(url)
        upgrade(db)
        make_office(db)
        db.dispose()
        server = LiveServer(url, Path(tmp) / "instance", free_port(), **ONE_ADDRESS)
        server.start()
        try:
            pid = server.process.pid
            for _ in range(50):  # warm: the pages and the API once each
                requests.get(f"{server.url}/api/v1/offices/T1/queue", timeout=10)
            requests.get(f"{server.url}/display/T1", timeout=10)
            time.sleep(2)
            idle = rss_mb(pid)
            joined, after = asyncio.run(hold(server.url, args.sockets, pid))
        finally:
            server.stop()
    per = (joined - idle) / args.sockets * 1000
    print(f"idle process: {idle:.0f} MB")
    print(f"with {args.sockets} sockets in a room: {joined:.0f} MB ({per:.0f} MB per 1,000)")
    print(f"after they closed: {after:.0f} MB")


if __name__ == "__main__":
    main()
