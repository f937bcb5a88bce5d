"""Database access: one SQLAlchemy engine per app, sessions for reads and for writes.

Writes are serialised per office by the engine (it locks the office row). SQLite has no
row locks, so a write transaction there starts with `BEGIN IMMEDIATE`: it takes the
database write lock up front instead of failing to upgrade a read lock half-way. While
another connection holds that lock, the wait is a loop of short sleeps (up to
`LOCK_WAIT` seconds, or the `LOCK_WAIT_OPTION` of the connection) rather than SQLite's
own busy wait: under gevent that one sleeps in C and stops every request of the process.

`unavailable(exc)` tells a database that cannot take a write now (full, read-only, locked
too long, connection lost, shut down) from a fault in the code: the first is a 503 with
`Retry-After` for the caller (server/web/errors.py), the second a 500.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

WRITE_OPTION = "luot_write"
# Seconds a SQLite write waits for another connection's write lock (SQLite's busy timeout
# was 30 s), and the execution option that gives one connection its own wait.
LOCK_WAIT = 30.0
LOCK_WAIT_OPTION = "luot_lock_wait"


def sqlite_url(instance_path: str | Path) -> str:
    return f"sqlite:///{Path(instance_path) / 'luot.db'}"


def normalise_url(url: str) -> str:
    """Accept the usual `postgres://` spelling and pick the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is lazy).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed ticket survives a power cut, which offices do have.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn) -> None:
        options = conn.get_execution_options()
        if options.get(WRITE_OPTION):
            _begin_immediate(conn, float(options.get(LOCK_WAIT_OPTION, LOCK_WAIT)))
        else:
            conn.exec_driver_sql("BEGIN")


def _begin_immediate(conn: Connection, wait: float) -> None:
    """`BEGIN IMMEDIATE`, tried again after short sleeps while another connection holds the
    write lock (time.sleep yields to other greenlets under gevent), for `wait` seconds."""
    driver = conn.connection.driver_connection
    deadline = time.monotonic() + wait
    pause = 0.002
    driver.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except sa_exc.OperationalError as exc:
                left = deadline - time.monotonic()
                if _sqlite_name(exc).startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) and left > 0:
                    time.sleep(min(pause, left))
                    pause = min(pause * 2, 0.05)
                    continue
                raise
    finally:
        driver.execute(f"PRAGMA busy_timeout={int(LOCK_WAIT * 1000)}")


def _sqlite_name(exc: BaseException) -> str:
    return getattr(getattr(exc, "orig", None), "sqlite_errorname", "") or ""


@dataclass(frozen=True)
class Unavailable:
    """Why the database cannot take a request now: `kind` (full, read_only, locked, busy,
    io, connection), how long a caller should wait before trying again, and the driver's
    own words for the log and `/healthz`."""

    kind: str
    retry_after: int
    detail: str


RETRY_AFTER = {"connection": 2, "busy": 5, "locked": 5, "io": 30, "full": 60, "read_only": 60}
# SQLite's error names (Python 3.11's `sqlite_errorname`), extended ones by their prefix.
SQLITE_KINDS = (
    ("SQLITE_FULL", "full"),
    ("SQLITE_READONLY", "read_only"),
    ("SQLITE_BUSY", "locked"),
    ("SQLITE_LOCKED", "locked"),
    ("SQLITE_IOERR", "io"),
    ("SQLITE_CANTOPEN", "io"),
    ("SQLITE_PROTOCOL", "locked"),
)
# PostgreSQL's SQLSTATEs (exact, then by class).
POSTGRES_KINDS = {
    "53100": "full",  # disk_full
    "25006": "read_only",  # read_only_sql_transaction
    "55P03": "locked",  # lock_not_available (lock_timeout)
    "57014": "busy",  # query_canceled (statement_timeout)
    "40001": "busy",  # serialization_failure
    "40P01": "busy",  # deadlock_detected
    "57P01": "connection",  # admin_shutdown
    "57P02": "connection",  # crash_shutdown
    "57P03": "connection",  # cannot_connect_now
}
POSTGRES_CLASSES = {"08": "connection", "53": "busy", "58": "io"}


def unavailable(exc: BaseException) -> Unavailable | None:
    """What makes the database unavailable in `exc`, or None for any other error."""
    if isinstance(exc, sa_exc.TimeoutError):  # no pooled connection free in time
        return Unavailable("busy", RETRY_AFTER["busy"], _first_line(exc))
    if not isinstance(exc, sa_exc.DBAPIError):
        return None
    kind = None
    name = _sqlite_name(exc)
    if name:
        kind = next((k for prefix, k in SQLITE_KINDS if name.startswith(prefix)), None)
    else:
        state = getattr(exc.orig, "sqlstate", None) or ""
        kind = POSTGRES_KINDS.get(state) or POSTGRES_CLASSES.get(state[:2])
        if kind is None and (exc.connection_invalidated or _is_operational(exc.orig)):
            kind = "connection"
    if kind is None:
        return None
    return Unavailable(kind, RETRY_AFTER[kind], _first_line(exc.orig or exc))


def _is_operational(error: BaseException | None) -> bool:
    """psycopg's OperationalError without a SQLSTATE: the connection went away."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - a SQLite-only installation
        return False
    return isinstance(error, psycopg.OperationalError) and not getattr(error, "sqlstate", None)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"[:300]


def _create_private(engine: Engine) -> None:
    """SQLite creates a missing database file with mode 0644, and its -wal and -shm with the
    file's mode; made first with 0600, none of them is ever readable by other users. An
    existing file keeps the mode its owner gave it."""
    path = engine.url.database
    if not path or path == ":memory:" or engine.url.query.get("uri"):
        return

    @event.listens_for(engine, "do_connect")
    def create_private(_dialect, _record, _cargs, _cparams) -> None:
        with contextlib.suppress(OSError):  # exists already, or SQLite will say why not
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


class Database:
    """The engine plus two ways in: `read()` and `write()` sessions."""

    def __init__(self, url: str, echo: bool = False) -> None:
        self.url = normalise_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            self.engine = create_engine(
                self.url,
                echo=echo,
                pool_size=10,
                max_overflow=30,
                connect_args={"check_same_thread": False, "timeout": 30},
            )
            _create_private(self.engine)
            _tune_sqlite(self.engine)
        else:
            self.engine = create_engine(
                self.url, echo=echo, pool_size=10, max_overflow=30, pool_pre_ping=True
            )
        self.sessions = sessionmaker(self.engine, expire_on_commit=False, autoflush=True)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on any error."""
        with self.sessions() as session:
            session.connection(execution_options={WRITE_OPTION: True})
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()
