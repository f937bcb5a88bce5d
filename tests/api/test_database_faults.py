"""A database that cannot take a request now (full, read-only, locked too long, its
connection gone) is a 503 with Retry-After in the one error shape, nothing is saved, and
`/healthz` says so; once it can again, requests work (server/db.py `unavailable`)."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from server import current, db
from server.models import Ticket
from tests.conftest import PG_URL

sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="a SQLite file's own limits")
postgres_only = pytest.mark.skipif(not PG_URL, reason="PostgreSQL's own states")


@pytest.fixture
def faulty(app, office):
    health = current.health(app)
    health.cache_seconds = 0
    health.write_timeout = 0.3
    health.heartbeat = 0.25  # a failure met by requests counts for two heartbeats
    return app


def tickets(app) -> int:
    with current.database(app).read() as session:
        return session.scalar(select(func.count()).select_from(Ticket))


def issue(client):
    return client.post("/api/v1/offices/T1/tickets", json={"service": "A"})


def assert_unavailable(answer, kind: str, retry_after: int) -> None:
    body = answer.get_json()
    assert answer.status_code == 503, body
    assert body["error"] == "database_unavailable", body
    assert answer.headers["Retry-After"] == str(retry_after)
    assert body["message"] == db_message(kind) and body["vi"]["message"] != body["message"]


def db_message(kind: str) -> str:
    from server.i18n.refusals import english

    return english("database_" + kind)


@sqlite_only
def test_a_full_sqlite_database_is_a_503_and_health_says_so(faulty):
    """PRAGMA max_page_count at the file's size: SQLite's own "database or disk is full".
    The heartbeat's in-place update may still pass; the requests' failure counts."""
    database = current.database(faulty)
    client = faulty.test_client()

    def full(dbapi_connection, _record) -> None:
        size = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={size}")

    event.listen(database.engine, "connect", full)
    database.engine.dispose()
    try:
        # What still fits in the file's free space is saved; then it is full.
        saved = 0
        while (first := issue(client)).status_code == 201:
            saved += 1
            assert saved < 500, "the file never filled"
        for answer in [first, *(issue(client) for _ in range(20))]:
            assert_unavailable(answer, "full", 60)
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.get_json()["checks"]["database"]["kind"] == "full"
        assert "full" in health.get_json()["checks"]["database"]["error"]
        report = current.health(faulty).report(max_age=0)
        assert [f["check"] for f in report["faults"]] == ["database"]
    finally:
        event.remove(database.engine, "connect", full)
        database.engine.dispose()
    assert tickets(faulty) == saved
    threading.Event().wait(current.health(faulty).failure_window + 0.1)
    assert issue(client).status_code == 201
    assert client.get("/healthz").status_code == 200


@sqlite_only
def test_a_write_lock_held_too_long_is_a_503(faulty, monkeypatch, database_url):
    monkeypatch.setattr(db, "LOCK_WAIT", 0.3)
    holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    client = faulty.test_client()
    try:
        assert_unavailable(issue(client), "locked", 5)
        # Reads go on meanwhile.
        assert client.get("/api/v1/offices/T1/queue").status_code == 200
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert issue(client).status_code == 201
    assert tickets(faulty) == 1


@sqlite_only
def test_a_read_only_sqlite_file_is_a_503(make_app, office, database_url):
    app = make_app(DATABASE_URL=f"sqlite:///file:{database_url[10:]}?mode=ro&uri=true")
    assert_unavailable(issue(app.test_client()), "read_only", 60)
    assert tickets(app) == 0


@postgres_only
def test_a_read_only_postgresql_is_a_503_and_health_says_so(faulty):
    database = current.database(faulty)
    name = database.engine.url.database
    client = faulty.test_client()

    def admin(statement: str) -> None:
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(statement))

    admin(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    database.engine.dispose()
    try:
        assert_unavailable(issue(client), "read_only", 60)
        health = client.get("/healthz").get_json()
        assert health["checks"]["database"]["ok"] is False
        assert health["checks"]["database"]["kind"] == "read_only"
    finally:
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("SET default_transaction_read_only = off"))
            conn.execute(text(f'ALTER DATABASE "{name}" RESET default_transaction_read_only'))
        database.engine.dispose()
    assert tickets(faulty) == 0
    assert issue(client).status_code == 201


@postgres_only
def test_a_connection_killed_under_a_request_is_a_503_and_the_next_one_works(faulty):
    """The request's own connection ends (pg_terminate_backend) in the middle of its
    transaction, just before the ticket's INSERT."""
    database = current.database(faulty)
    admin = db.Database(database.url)
    killed = []

    def kill_first_insert(conn, _cursor, statement, *_args) -> None:
        if killed or not statement.lstrip().upper().startswith("INSERT INTO TICKETS"):
            return
        pid = conn.connection.driver_connection.info.backend_pid
        with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        killed.append(pid)

    event.listen(database.engine, "before_cursor_execute", kill_first_insert)
    client = faulty.test_client()
    try:
        answer = issue(client)
    finally:
        event.remove(database.engine, "before_cursor_execute", kill_first_insert)
        admin.dispose()
    assert killed
    assert_unavailable(answer, "connection", 2)
    assert tickets(faulty) == 0
    assert [issue(client).status_code for _ in range(3)] == [201] * 3
    # A lost connection is not held against the database: the pool made a new one.
    assert client.get("/healthz").status_code == 200


def test_a_socket_message_gets_the_same_answer(app, client, office, monkeypatch):
    from flask_socketio import SocketIOTestClient

    from server.extensions import socketio

    def locked(*_args, **_kwargs):
        error = sqlite3.OperationalError("database is locked")
        error.sqlite_errorname, error.sqlite_errorcode = "SQLITE_BUSY", 5
        raise OperationalError("SELECT 1", {}, error)

    sio = SocketIOTestClient(app, socketio, flask_test_client=client)
    try:
        monkeypatch.setattr(current.engine(app), "snapshot", locked)
        ack = sio.emit("join", {"office": "T1"}, callback=True)
    finally:
        sio.disconnect()
    assert ack["ok"] is False and ack["error"] == "database_unavailable", ack
    assert ack["retry_after"] == 5 and ack["vi"]["message"].startswith("Cơ sở dữ liệu đang bận")


def test_a_fault_in_the_code_is_still_a_500(faulty, monkeypatch):
    def broken(*_args, **_kwargs):
        raise OperationalError("SELECT nope", {}, sqlite3.OperationalError("no such table"))

    monkeypatch.setattr(current.engine(faulty), "issue", broken)
    answer = issue(faulty.test_client())
    assert answer.status_code == 500 and "Retry-After" not in answer.headers


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (sqlite3.OperationalError("database or disk is full"), "full"),
        (sqlite3.OperationalError("database is locked"), "locked"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "read_only"),
        (sqlite3.OperationalError("disk I/O error"), "io"),
        (sqlite3.OperationalError("no such table: x"), None),
    ],
)
def test_sqlite_errors_are_told_apart(error, kind):
    codes = {
        "full": ("SQLITE_FULL", 13),
        "locked": ("SQLITE_BUSY", 5),
        "read_only": ("SQLITE_READONLY", 8),
        "io": ("SQLITE_IOERR_WRITE", 778),
    }
    error.sqlite_errorname, error.sqlite_errorcode = codes.get(kind, ("SQLITE_ERROR", 1))
    found = db.unavailable(OperationalError("INSERT", {}, error))
    assert (found.kind if found else None) == kind


def test_postgresql_errors_are_told_apart():
    psycopg = pytest.importorskip("psycopg")
    errors = psycopg.errors
    cases = [
        (errors.AdminShutdown("terminating connection due to administrator command"), "connection"),
        (errors.ReadOnlySqlTransaction("cannot execute INSERT"), "read_only"),
        (errors.DiskFull("could not extend file"), "full"),
        (errors.LockNotAvailable("canceling statement due to lock timeout"), "locked"),
        (errors.QueryCanceled("canceling statement due to statement timeout"), "busy"),
        (errors.TooManyConnections("too many clients"), "busy"),
        (psycopg.OperationalError("server closed the connection unexpectedly"), "connection"),
        (errors.UniqueViolation("duplicate key"), None),
        (errors.UndefinedTable("no such table"), None),
    ]
    for error, kind in cases:
        wrapped = OperationalError("INSERT", {}, error)
        found = db.unavailable(wrapped)
        assert (found.kind if found else None) == kind, error
    assert db.unavailable(PoolTimeout("QueuePool limit reached")).kind == "busy"
    assert db.unavailable(ValueError("x")) is None
