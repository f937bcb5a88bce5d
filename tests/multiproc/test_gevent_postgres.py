"""Under `luot serve` (gevent), a PostgreSQL query that waits must let the process's other
requests run: psycopg 3 waits through gevent's patched `select` when it is patched (since
3.1.14). A query that blocked the loop would hold every screen and kiosk of the process
while one office waited for its lock."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.conftest import PG_URL

pytestmark = pytest.mark.dialect

PROBE = textwrap.dedent(
    """
    from gevent import monkey
    monkey.patch_all()
    import sys, time, gevent
    from sqlalchemy import text
    from server.db import Database

    db = Database(sys.argv[1])
    ticks = []

    def ticker():
        while True:
            ticks.append(time.monotonic())
            gevent.sleep(0.01)

    beat = gevent.spawn(ticker)
    gevent.sleep(0.05)
    with db.engine.connect() as conn:
        started = time.monotonic()
        conn.execute(text("SELECT pg_sleep(1)"))
        ended = time.monotonic()
    beat.kill()
    db.dispose()
    print(sum(1 for t in ticks if started < t < ended))
    """
)


def test_a_waiting_postgresql_query_lets_other_greenlets_run(database_url):
    if not PG_URL:
        pytest.skip("PostgreSQL only (SQLite's waits are its own: server/db.py)")
    done = subprocess.run(
        [sys.executable, "-c", PROBE, database_url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    ticks = int(done.stdout.strip())
    assert ticks >= 20, f"the loop ran {ticks} times in a 1 s query: the query blocked it"
