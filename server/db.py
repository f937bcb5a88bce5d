"""Database access: one SQLAlchemy engine per app, sessions for reads and for writes.

Writes are serialised per office by the engine (it locks the office row). SQLite has no
row locks, so a write transaction there starts with `BEGIN IMMEDIATE`: it takes the
database write lock up front instead of failing to upgrade a read lock half-way.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

WRITE_OPTION = "luot_write"


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
        immediate = conn.get_execution_options().get(WRITE_OPTION)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


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
