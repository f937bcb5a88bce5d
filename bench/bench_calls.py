"""What one request costs in process, in units that do not move with the machine's load.

Through the Flask test client (the whole app: middleware, auth, engine, SQLAlchemy) with a
bearer token, on a fresh database: Python function calls per request (cProfile), SQL
statements per request, and the mean time (which does move with the load; compare it
only within one run). Issue: `POST /offices/T1/tickets`; call: `next` then `start`.

    .venv/bin/python bench/bench_calls.py [--database-url URL] [--requests N]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_core import fresh_database  # noqa: E402
from server import current  # noqa: E402
from server.factory import create_app  # noqa: E402
from tests.conftest import test_config  # noqa: E402
from tests.factories import bearer, make_office, make_token  # noqa: E402


def measure(job: Callable[[], None], count: int, engine) -> dict[str, float]:
    statements = []

    def note(_conn, _cursor, statement, *_args) -> None:
        if not statement.startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    for _ in range(20):
        job()
    started = time.perf_counter()
    for _ in range(count):
        job()
    elapsed = time.perf_counter() - started
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(count):
        job()
    profile.disable()
    event.listen(engine, "before_cursor_execute", note)
    job()
    event.remove(engine, "before_cursor_execute", note)
    return {
        "calls": pstats.Stats(profile).total_calls / count,
        "statements": len(statements),
        "ms": elapsed / count * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url = fresh_database(args.database_url, workdir)
        app = create_app({**test_config(url, workdir / "instance"), "TESTING": False})
        db = current.database(app)
        office = make_office(db)
        headers = bearer(make_token(db, "bench"))
        client = app.test_client()
        counter = office["counters"][1]
        client.post(f"/api/v1/counters/{counter}/open", headers=headers)

        def issue(field: str = "A") -> None:
            path = "/api/v1/offices/T1/tickets"
            response = client.post(path, json={"service": field}, headers=headers)
            assert response.status_code == 201, response.get_json()

        def call() -> None:
            called = client.post(f"/api/v1/counters/{counter}/next", headers=headers)
            ticket = called.get_json()["ticket"]
            assert ticket is not None, called.get_json()
            client.post(f"/api/v1/tickets/{ticket['id']}/start", headers=headers)

        figures = {"issue": measure(issue, args.requests, db.engine)}
        calls = args.requests // 2
        for _ in range(2 * calls + 100):
            issue("B")  # the called tickets: field A's 999 numbers went to the issues
        figures["next + start"] = measure(call, calls, db.engine)
        db.dispose()
    print("| request | Python calls | statements | mean ms (this run only) |")
    print("| --- | --- | --- | --- |")
    for name, figure in figures.items():
        print(f"| {name} | {figure['calls']:,.0f} | {figure['statements']} | {figure['ms']:.1f} |")


if __name__ == "__main__":
    main()
