"""`/healthz` tells a load balancer the truth: a real database write, free disk, Redis."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import namedtuple
from contextlib import contextmanager

import pytest
from sqlalchemy import event, insert

from server import create_app
from server.db import WRITE_OPTION, Database
from server.models import ServerProcess
from tests.conftest import missing_service
from tests.redis_server import REDIS_SERVER, RedisServer


@pytest.fixture
def make_app(database_url, tmp_path):
    made = []

    def make(**config):
        app = create_app({
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test",
            "REDIS_URL": "",
            "SNAPSHOT_DELAY": 0,
            **config,
        })
        health = app.extensions["luot.health"]
        health.cache_seconds = 0  # every request checks afresh, unless a test says otherwise
        health.write_timeout = 0.2
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["luot.db"].dispose()


def healthz(app) -> tuple[int, dict]:
    answer = app.test_client().get("/healthz")
    return answer.status_code, answer.get_json()


def test_a_healthy_server_says_what_it_checked(make_app):
    status, body = healthz(make_app())
    assert status == 200
    assert body["ok"] is True
    assert list(body["checks"]) == ["database", "disk", "processes"]  # no Redis configured
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["disk"]["free_mb"] > 0


def test_disk_below_the_configured_minimum_is_a_fault(make_app):
    free = shutil.disk_usage("/").free // (1024 * 1024)
    status, body = healthz(make_app(MIN_FREE_DISK_MB=free * 1000))
    assert status == 503
    assert body["ok"] is False
    assert body["checks"]["disk"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_a_full_disk_is_a_fault(make_app, monkeypatch):
    app = make_app()
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**10, 10**10 - 10**6, 10**6))
    status, body = healthz(app)
    assert status == 503
    assert body["checks"]["disk"] == {"ok": False, "free_mb": 0, "min_free_mb": 200,
                                      "path": body["checks"]["disk"]["path"]}


@contextmanager
def database_locked(url: str):
    """Another connection holding the write lock (SQLite) or the heartbeat table (PostgreSQL)."""
    db = Database(url)
    try:
        with db.engine.connect() as conn, conn.execution_options(**{WRITE_OPTION: True}).begin():
            if not db.is_sqlite:
                conn.exec_driver_sql("LOCK TABLE server_processes IN ACCESS EXCLUSIVE MODE")
            yield
    finally:
        db.dispose()


def test_a_database_that_cannot_be_written_is_a_fault(make_app, database_url):
    app = make_app()
    assert healthz(app)[0] == 200
    with database_locked(database_url):
        status, body = healthz(app)
    assert status == 503
    assert body["checks"]["database"]["ok"] is False
    assert "lock" in body["checks"]["database"]["error"].lower()
    assert healthz(app)[0] == 200


def test_polling_costs_one_write_per_cache_period(make_app):
    app = make_app()
    health = app.extensions["luot.health"]
    health.cache_seconds = 3600
    writes = []

    @event.listens_for(app.extensions["luot.db"].engine, "before_cursor_execute")
    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(("UPDATE SERVER_PROCESSES",
                                                  "INSERT INTO SERVER_PROCESSES")):
            writes.append(statement)

    for _ in range(20):
        assert healthz(app)[0] == 200
    assert len(writes) == 1


@pytest.fixture
def private_redis(tmp_path):
    if REDIS_SERVER is None:
        missing_service("redis-server is not installed")
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.kill()


@pytest.mark.redis
def test_redis_down_is_a_fault(make_app, private_redis):
    app = make_app(REDIS_URL=private_redis.url, SOCKETIO_CHANNEL="health-test")
    status, body = healthz(app)
    assert status == 200 and body["checks"]["redis"]["ok"] is True
    private_redis.kill()
    status, body = healthz(app)
    assert status == 503
    assert body["checks"]["redis"]["ok"] is False
    assert "Connection refused" in body["checks"]["redis"]["error"]
    private_redis.start()
    assert healthz(app)[0] == 200


def test_staff_see_the_faults_other_processes_reported(make_app, database_url):
    app = make_app()
    now = dt.datetime.now(dt.UTC)
    db = Database(database_url)
    with db.write() as session:
        session.execute(insert(ServerProcess).values(
            host="may-chu-2", host_key="another-host", pid=77, pid_start="", serving=True,
            queue="luot", started_at=now, seen_at=now,
            faults=[{"check": "disk", "message": "Ổ đĩa sắp đầy: chỉ còn 12 MB trống."}],
        ))
    db.dispose()
    report = app.extensions["luot.health"].report()
    assert report == {"ok": False, "faults": [
        {"check": "disk",
         "message": "Máy chủ may-chu-2 (tiến trình 77): Ổ đĩa sắp đầy: chỉ còn 12 MB trống."},
    ]}
    # Not a serving process itself (a CLI command, this test): no conflict of its own.
    assert healthz(app)[0] == 200
