"""`make upgrade` on a big box: the report bench's history (about 1,000,000 tickets and
their events) in a SQLite instance folder at an earlier schema, upgraded as an operator
would, then `luot serve` started on it.

    .venv/bin/python bench/bench_upgrade.py [--tickets 1000000] [--from 5c1e0a7d9b21]
                                            [--keep FOLDER]

The history is written at today's schema by bench_reports.generate, then taken down to
`--from` with the migrations' own downgrades (the schema of the 2026-11-23 box by default),
so the upgrade meets every table an older box had, full. Prints the durations.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_reports import generate  # noqa: E402
from server.db import Database  # noqa: E402
from server.ops.migrate import alembic_config, current_revision, head, upgrade  # noqa: E402
from tests.live_server import free_port  # noqa: E402


def downgrade(db: Database, revision: str) -> None:
    from alembic import command

    with db.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        raw.execute("PRAGMA foreign_keys=OFF")
        with connection.begin():
            cfg = alembic_config(db)
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, revision)
        raw.execute("PRAGMA foreign_keys=ON")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--from", dest="start", default="5c1e0a7d9b21")
    parser.add_argument("--keep", default="", help="instance folder to make (and keep)")
    args = parser.parse_args()
    instance = Path(args.keep or tempfile.mkdtemp(prefix="luot-upgrade-"))
    instance.mkdir(parents=True, exist_ok=True)
    os.chmod(instance, 0o755)  # as an older version left it
    url = f"sqlite:///{instance / 'luot.db'}"
    db = Database(url)
    if current_revision(db) is None:
        upgrade(db)
        began = time.perf_counter()
        counts = generate(db, args.tickets)
        print(
            f"generated {counts['tickets']:,} tickets and {counts['events']:,} events "
            f"in {time.perf_counter() - began:.0f} s"
        )
    if current_revision(db) != args.start:
        began = time.perf_counter()
        downgrade(db, args.start)
        print(f"taken down to {args.start} in {time.perf_counter() - began:.0f} s")
    db.dispose()
    size = (instance / "luot.db").stat().st_size
    print(f"database: {size / 1e6:,.0f} MB at schema {args.start}")

    env = {**os.environ, "LUOT_INSTANCE_PATH": str(instance), "DATABASE_URL": ""}
    began = time.perf_counter()
    done = subprocess.run(
        ["make", "--no-print-directory", "upgrade"], cwd=ROOT, env=env, capture_output=True
    )
    took = time.perf_counter() - began
    output = done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")
    lines = [line for line in output.splitlines() if not line.startswith(("\t", " "))]
    print("\n".join(lines[-8:]))
    if done.returncode != 0:
        raise SystemExit(f"make upgrade failed ({done.returncode})")
    print(f"make upgrade: {took:.1f} s (exit 0)")
    db = Database(url)
    assert current_revision(db) == head(), current_revision(db)
    db.dispose()

    port = free_port()
    began = time.perf_counter()
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/luot"), "serve", "--port", str(port), "--quiet"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(600):
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                if answer.status_code == 200:
                    break
            except requests.RequestException:
                pass
            if server.poll() is not None:
                raise SystemExit(f"luot serve stopped: {server.stderr.read().decode()[-500:]}")
            time.sleep(0.1)
        print(f"luot serve answered /healthz 200 after {time.perf_counter() - began:.1f} s")
        summary = requests.get(f"http://127.0.0.1:{port}/api/v1/offices", timeout=10)
        print(f"GET /api/v1/offices: {summary.status_code}, {len(summary.json())} offices")
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"instance folder: {instance}")


if __name__ == "__main__":
    main()
