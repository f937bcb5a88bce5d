"""Several `luot serve` processes on one database must share events through Redis: a second
one without it is refused, one that appears anyway is reported, and a process that died
(`kill -9`) or stopped never blocks the next start."""

from __future__ import annotations

import datetime as dt
import subprocess
import uuid

import pytest
import requests
from sqlalchemy import delete, insert, select

from server.db import Database
from server.models import ServerProcess
from tests.factories import bearer, make_office, make_token
from tests.live_server import LUOT, LiveServer, free_port
from tests.waiting import wait_until

pytestmark = pytest.mark.multiproc


def serve(server: LiveServer) -> subprocess.CompletedProcess:
    """`luot serve` in the foreground: returns when it exits (refused), or times out."""
    return subprocess.run(
        [LUOT, "serve", "--port", str(server.port)],
        env=server.env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def rows(database_url: str) -> list:
    db = Database(database_url)
    try:
        with db.read() as session:
            return list(session.scalars(select(ServerProcess)))
    finally:
        db.dispose()


@pytest.fixture
def first(database_url, tmp_path):
    server = LiveServer(database_url, tmp_path / "a", free_port(), LUOT_HEARTBEAT_SECONDS="0.5")
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize("second_has_redis", [False, True], ids=["without", "with-redis"])
def test_a_second_process_is_refused_when_one_of_them_has_no_redis(
    first, database_url, tmp_path, redis_url, second_has_redis
):
    env = (
        {"REDIS_URL": redis_url, "LUOT_SOCKETIO_CHANNEL": uuid.uuid4().hex}
        if second_has_redis
        else {}
    )
    second = LiveServer(database_url, tmp_path / "b", free_port(), **env)
    refused = serve(second)
    assert refused.returncode == 1
    assert "REDIS_URL" in refused.stderr and f"pid {first.process.pid}" in refused.stderr
    assert "Serving on" not in refused.stdout
    # Refused before anything was written: only the first process is on record.
    assert [row.pid for row in rows(database_url)] == [first.process.pid]
    assert requests.get(first.url + "/healthz", timeout=5).status_code == 200


def test_a_restart_after_kill_9_is_not_refused(database_url, tmp_path):
    killed = LiveServer(database_url, tmp_path / "a", free_port())
    killed.start()
    pid = killed.process.pid
    killed.process.kill()
    killed.process.wait()
    assert [row.pid for row in rows(database_url)] == [pid]  # its row is still there
    again = LiveServer(database_url, tmp_path / "b", free_port())
    again.start()
    try:
        body = requests.get(again.url + "/healthz", timeout=5).json()
        assert body["ok"] and body["checks"]["processes"] == {
            "ok": True,
            "count": 1,
            "without_redis": 1,
        }
        assert [row.pid for row in rows(database_url)] == [again.process.pid]
    finally:
        again.stop()


def test_a_clean_stop_removes_its_heartbeat(first, database_url):
    assert [row.pid for row in rows(database_url)] == [first.process.pid]
    first.stop()
    assert rows(database_url) == []
    assert "Traceback" not in first.log.read_text()


def test_a_second_process_that_appears_anyway_is_logged_and_reported(first, database_url):
    """Two processes that started at the same moment, or one on another host whose
    heartbeats were late: the running one finds the other at its next heartbeat."""
    db = Database(database_url)
    office = make_office(db)
    token = make_token(db, "manager1", role="manager")
    now = dt.datetime.now(dt.UTC)
    with db.write() as session:
        other = session.execute(
            insert(ServerProcess).values(
                host="may-chu-2",
                host_key="another-host",
                pid=4242,
                pid_start="",
                serving=True,
                queue="",
                started_at=now,
                seen_at=now + dt.timedelta(minutes=5),
                faults=[],
            )
        ).inserted_primary_key[0]
    try:
        wait_until(
            lambda: requests.get(first.url + "/healthz", timeout=5).status_code == 503,
            what="the other process reported",
        )
        answer = requests.get(first.url + "/healthz", timeout=5)
        assert answer.json()["checks"]["processes"] == {"ok": False, "count": 2, "without_redis": 2}
        overview = requests.get(
            f"{first.url}/api/v1/offices/{office['code']}/overview",
            headers=bearer(token),
            timeout=5,
        ).json()
        assert [f["check"] for f in overview["health"]["faults"]] == ["processes"]
        assert "REDIS_URL" in overview["health"]["faults"][0]["message"]
        log = first.log.read_text()
        assert "Another Lượt process serves this database" in log and "pid 4242 on may-chu-2" in log
    finally:
        with db.write() as session:
            session.execute(delete(ServerProcess).where(ServerProcess.id == other))
        db.dispose()
    wait_until(
        lambda: requests.get(first.url + "/healthz", timeout=5).status_code == 200,
        what="healthy once the other process is gone",
    )
