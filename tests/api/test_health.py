"""`/healthz` tells a load balancer the truth: a real database write, free disk, Redis."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import namedtuple
from contextlib import contextmanager

import pytest
from sqlalchemy import event, insert

from server import current
from server.db import WRITE_OPTION, Database
from server.models import ServerProcess
from tests.factories import make_office


@pytest.fixture
def health_app(make_app):
    """Apps whose health is checked afresh on every request (unless a test says so)."""

    def make(**config):
        app = make_app(**config)
        health = current.health(app)
        health.cache_seconds = 0
        health.write_timeout = 0.2
        return app

    return make


def healthz(app) -> tuple[int, dict]:
    answer = app.test_client().get("/healthz")
    return answer.status_code, answer.get_json()


def test_a_healthy_server_says_what_it_checked(health_app):
    status, body = healthz(health_app())
    assert status == 200
    assert body["ok"] is True
    # No Redis configured; no office sends messages.
    assert list(body["checks"]) == ["database", "disk", "processes", "messages"]
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["disk"]["free_mb"] > 0


def test_a_messages_channel_without_a_gateway_is_a_fault_in_words(health_app, database_url):
    app = health_app(SMS_API_KEY="", ZNS_ACCESS_TOKEN="key")
    engine = current.engine(app)
    make_office(current.database(app))
    engine.update_office("T1", {"settings": {"messages": {"channel": "zns"}}})
    assert healthz(app)[0] == 200  # ZNS has its gateway
    engine.update_office("T1", {"settings": {"messages": {"channel": "sms"}}})
    status, body = healthz(app)
    # A fault to see and fix, not a server to take out of service.
    assert status == 200 and body["ok"] is False and body["serving"] is True
    assert body["checks"]["messages"]["ok"] is False
    [fault] = [f for f in current.health(app).report()["faults"] if f["check"] == "messages"]
    assert "T1 gửi tin nhắn qua SMS nhưng máy chủ chưa cấu hình cổng gửi" in fault["message"]
    assert "LUOT_SMS_API_KEY" in fault["message"]


def test_disk_below_the_configured_minimum_is_a_fault(health_app):
    free = shutil.disk_usage("/").free // (1024 * 1024)
    status, body = healthz(health_app(MIN_FREE_DISK_MB=free * 1000))
    assert status == 503
    assert body["ok"] is False
    assert body["checks"]["disk"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_a_full_disk_is_a_fault(health_app, monkeypatch):
    app = health_app()
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**10, 10**10 - 10**6, 10**6))
    status, body = healthz(app)
    assert status == 503
    assert body["checks"]["disk"] == {
        "ok": False,
        "free_mb": 0,
        "min_free_mb": 200,
        "path": body["checks"]["disk"]["path"],
    }


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


def test_a_database_that_cannot_be_written_is_a_fault(health_app, database_url):
    app = health_app()
    assert healthz(app)[0] == 200
    with database_locked(database_url):
        status, body = healthz(app)
    assert status == 503
    assert body["checks"]["database"]["ok"] is False
    assert "lock" in body["checks"]["database"]["error"].lower()
    assert healthz(app)[0] == 200


def test_polling_costs_one_write_per_cache_period(health_app):
    app = health_app()
    health = current.health(app)
    health.cache_seconds = 3600
    writes = []

    @event.listens_for(current.database(app).engine, "before_cursor_execute")
    def count(conn, cursor, statement, *args):
        if (
            statement.lstrip()
            .upper()
            .startswith(("UPDATE SERVER_PROCESSES", "INSERT INTO SERVER_PROCESSES"))
        ):
            writes.append(statement)

    for _ in range(20):
        assert healthz(app)[0] == 200
    assert len(writes) == 1


@pytest.mark.redis
def test_redis_down_is_a_fault(health_app, private_redis):
    app = health_app(REDIS_URL=private_redis.url, SOCKETIO_CHANNEL="health-test")
    status, body = healthz(app)
    assert status == 200 and body["checks"]["redis"]["ok"] is True
    private_redis.kill()
    status, body = healthz(app)
    assert status == 503
    assert body["checks"]["redis"]["ok"] is False
    assert "Connection refused" in body["checks"]["redis"]["error"]
    private_redis.start()
    assert healthz(app)[0] == 200


def test_staff_see_the_faults_other_processes_reported(health_app, database_url):
    app = health_app()
    now = dt.datetime.now(dt.UTC)
    db = Database(database_url)
    with db.write() as session:
        session.execute(
            insert(ServerProcess).values(
                host="may-chu-2",
                host_key="another-host",
                pid=77,
                pid_start="",
                serving=True,
                queue="luot",
                started_at=now,
                seen_at=now,
                faults=[{"check": "disk", "message": "Ổ đĩa sắp đầy: chỉ còn 12 MB trống."}],
            )
        )
    db.dispose()
    report = current.health(app).report()
    assert report == {
        "ok": False,
        "faults": [
            {
                "check": "disk",
                "message": "Máy chủ may-chu-2 (tiến trình 77): Ổ đĩa sắp đầy: chỉ còn 12 MB trống.",
            },
        ],
    }
    # Not a serving process itself (a CLI command, this test): no conflict of its own.
    assert healthz(app)[0] == 200
