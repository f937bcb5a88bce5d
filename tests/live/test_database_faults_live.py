"""A running `luot serve` whose database cannot write: a full disk (SQLite on a small tmpfs),
another connection holding SQLite's write lock, PostgreSQL connections killed under load.
Callers get 503 with Retry-After (never 500), /healthz tells, nothing acknowledged is lost,
and once the database can write again requests work."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import select, text

from server.db import Database
from server.models import Ticket
from server.ops.migrate import upgrade
from tests.factories import make_office
from tests.live_server import LiveServer, free_port

pytestmark = pytest.mark.multiproc


def issue(url: str) -> tuple[int | str, str | None, dict]:
    try:
        answer = requests.post(
            f"{url}/api/v1/offices/T1/tickets", json={"service": "A"}, timeout=60
        )
    except requests.RequestException as exc:
        return type(exc).__name__, None, {}
    return answer.status_code, answer.headers.get("Retry-After"), answer.json()


def ticket_ids(url: str) -> set[int]:
    db = Database(url)
    try:
        with db.read() as session:
            return set(session.scalars(select(Ticket.id)))
    finally:
        db.dispose()


def new_sqlite(folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'luot.db'}"
    db = Database(url)
    upgrade(db)
    make_office(db)
    db.dispose()
    return url


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB tmpfs (root only)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {made.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    handle = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(handle, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(handle)
    return filler


def test_a_full_disk_answers_503_and_health_says_so(small_disk, tmp_path):
    url = new_sqlite(small_disk)
    server = LiveServer(
        url,
        tmp_path / "instance",
        free_port(),
        LUOT_MIN_FREE_DISK_MB="0",  # the database check, not the disk check, must see it
        LUOT_HEARTBEAT_SECONDS="1",
    )
    server.start()
    try:
        filler = fill(small_disk)
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda _: issue(server.url), range(60)))
        statuses = Counter(status for status, _, _ in answers)
        assert set(statuses) <= {201, 503} and statuses[503] > 0, statuses
        refused = [(after, body) for status, after, body in answers if status == 503]
        assert all(after == "60" for after, _ in refused)
        assert all(body["error"] == "database_unavailable" for _, body in refused)
        health = requests.get(server.url + "/healthz", timeout=10)
        assert health.status_code == 503
        assert health.json()["checks"]["database"]["ok"] is False
        created = [body["id"] for status, _, body in answers if status == 201]
        filler.unlink()
        time.sleep(2.5)  # the failure seen by requests counts for two heartbeats
        assert [issue(server.url)[0] for _ in range(5)] == [201] * 5
        deadline = time.monotonic() + 5
        while (health := requests.get(server.url + "/healthz", timeout=10)).status_code != 200:
            assert time.monotonic() < deadline, health.json()
            time.sleep(0.2)
    finally:
        server.stop()
    assert set(created) <= ticket_ids(url)
    assert len(ticket_ids(url)) == len(created) + 5


def test_a_write_lock_held_elsewhere_stops_no_other_request(tmp_path):
    """SQLite's own busy wait sleeps in C and, under gevent, stopped every request of the
    process: now the wait yields, and reads and /healthz answer meanwhile."""
    url = new_sqlite(tmp_path / "db")
    server = LiveServer(url, tmp_path / "instance", free_port())
    server.start()
    holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        waiting = []
        writer = threading.Thread(target=lambda: waiting.append(issue(server.url)))
        writer.start()
        time.sleep(0.5)
        started = time.monotonic()
        queue = requests.get(server.url + "/api/v1/offices/T1/queue", timeout=10)
        assert queue.status_code == 200
        assert time.monotonic() - started < 1.0
        # /healthz answers at once (the last result while a check runs), and its own write
        # waits 2 s for the lock at most, then reports it.
        while (health := requests.get(server.url + "/healthz", timeout=10)).ok:
            assert time.monotonic() - started < 8.0, health.json()
            time.sleep(0.2)
        assert health.json()["checks"]["database"]["kind"] == "locked"
        assert writer.is_alive()  # still waiting for the lock, not refused
        holder.execute("ROLLBACK")
        writer.join(10)
        assert waiting and waiting[0][0] == 201
    finally:
        holder.close()
        server.stop()


@pytest.mark.dialect
def test_killed_postgresql_connections_are_503_never_500(database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's connections")
    db = Database(database_url)
    make_office(db)
    db.dispose()
    server = LiveServer(database_url, tmp_path / "instance", free_port())
    server.start()
    admin = Database(database_url)
    stop = threading.Event()
    rounds = Counter()

    def killer() -> None:
        while not stop.is_set():
            with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                killed = c.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).scalar()
            rounds["rounds"] += 1
            rounds["killed"] += killed
            time.sleep(0.15)

    thread = threading.Thread(target=killer)
    thread.start()
    try:
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda _: issue(server.url), range(120)))
        stop.set()
        thread.join()
        statuses = Counter(status for status, _, _ in answers)
        assert rounds["killed"] > 0
        assert set(statuses) <= {201, 503}, statuses
        assert all(after for status, after, _ in answers if status == 503)
        assert [issue(server.url)[0] for _ in range(10)] == [201] * 10
        assert requests.get(server.url + "/healthz", timeout=10).status_code == 200
    finally:
        stop.set()
        thread.join()
        server.stop()
        admin.dispose()
    created = {body["id"] for status, _, body in answers if status == 201}
    assert created <= ticket_ids(database_url)
