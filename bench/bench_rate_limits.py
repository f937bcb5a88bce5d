"""What counting requests costs an issued ticket, in one run: three `luot serve` on fresh
SQLite databases, side by side, taking turns in rounds (the machine is noisy):

- limits off (what the tests and bench_core.py measure);
- limits on, limits' own `memory://` storage (a timer thread per counted request);
- limits on, Lượt's `luot-memory://` (the default; sweeps inline once a second).

Each figure is issues/s with 16 threads ÷ the same server's `GET /healthz` at 16 threads
(exempt from the limits), the median of the rounds (a field has 999 numbers a day:
rounds × tickets ÷ 2 stays below). The limits are set far above what the run reaches,
so nothing is refused: only the counting is measured.

    .venv/bin/python bench/bench_rate_limits.py [--rounds 3] [--tickets 300]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_core import Client, fresh_database  # noqa: E402
from server.db import Database  # noqa: E402
from tests.factories import make_office  # noqa: E402
from tests.live_server import LiveServer, free_port  # noqa: E402

HIGH = "1000000 per minute"
KINDS = {
    "limits off": {"LUOT_RATELIMIT_ENABLED": "false"},
    "memory:// (limits' storage)": {"LUOT_RATELIMIT_STORAGE_URI": "memory://"},
    "luot-memory:// (ours, the default)": {},
}


def one_round(http: Client, tickets: int) -> float:
    ceiling = http.rate(lambda _: http.get("/healthz"), 1000)
    issued = http.rate(lambda i: http.issue("T1", "AB"[i % 2]), tickets)
    return issued / ceiling


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tickets", type=int, default=300, help="per round and server")
    args = parser.parse_args()
    ratios: dict[str, list[float]] = {kind: [] for kind in KINDS}
    with tempfile.TemporaryDirectory() as folder:
        servers = {}
        try:
            for n, (kind, env) in enumerate(KINDS.items()):
                work = Path(folder) / f"s{n}"
                work.mkdir()
                url = fresh_database("", work)
                db = Database(url)
                make_office(db, settings={"issuing": "open"})
                db.dispose()
                limits = {
                    "LUOT_RATELIMIT_ENABLED": "true",
                    "LUOT_RATELIMIT_DEFAULT": HIGH,
                    "LUOT_ISSUE_LIMIT_ANONYMOUS": HIGH,
                }
                server = LiveServer(url, work / "instance", free_port(), **{**limits, **env})
                server.start()
                servers[kind] = server
            for _ in range(args.rounds):
                for kind, server in servers.items():
                    ratios[kind].append(one_round(Client(server.url), args.tickets))
        finally:
            for server in servers.values():
                server.stop()
    base = statistics.median(ratios["limits off"])
    print("| rate limits | issue ÷ /healthz, 16 threads (median of rounds) | ÷ limits off |")
    print("| --- | --- | --- |")
    for kind, values in ratios.items():
        median = statistics.median(values)
        print(f"| {kind} | {median:.3f} × | {median / base:.2f} × |")


if __name__ == "__main__":
    main()
