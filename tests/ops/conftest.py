"""Installations for backup tests: `luot` run as an admin would, and databases to restore into.

A restore never goes into the suite's shared PostgreSQL database: `scratch` (in
tests/conftest.py) makes databases of its own (`<worker database>_<name>`, dropped
afterwards), or SQLite files on SQLite.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from sqlalchemy import inspect, select, text

from server.db import Database
from server.engine import Engine
from server.models import Base
from server.ops.demo import seed_demo
from server.ops.migrate import upgrade
from tests import server_zygote as zygote
from tests.live_server import LUOT


def luot(env: dict[str, str], *args: str, **kwargs) -> subprocess.CompletedProcess:
    """The `luot` console script; its standard input is empty unless `input` is given.
    With a `preexec_fn` (limits, a umask) it runs as a process of its own, else forked."""
    if "preexec_fn" not in kwargs:
        return zygote.run([LUOT, *args], env=env, timeout=120, **kwargs)
    if "input" not in kwargs:
        kwargs["stdin"] = subprocess.DEVNULL
    return subprocess.run(
        [LUOT, *args], env=env, capture_output=True, text=True, timeout=120, **kwargs
    )


def installation(instance: Path, database_url: str = "", **extra: str) -> dict[str, str]:
    """The environment of one installation: its instance folder and database, and the secret
    key from the instance folder (no LUOT_SECRET_KEY)."""
    env = {
        **os.environ,
        "LUOT_INSTANCE_PATH": str(instance),
        "DATABASE_URL": database_url,
        "REDIS_URL": "",
        **extra,
    }
    env.pop("LUOT_SECRET_KEY", None)
    return env


def seeded(url: str) -> str:
    """A database set up as `luot init-db` and `luot seed-demo` leave it (done in-process)."""
    db = Database(url)
    try:
        upgrade(db)
        seed_demo(Engine(db))
    finally:
        db.dispose()
    return url


def contents(url: str) -> dict[str, list[tuple]]:
    """Every row of every table (and the schema revision), in primary-key order; not the
    running servers' heartbeats, which move while a test looks."""
    db = Database(url)
    try:
        with db.engine.connect() as conn:
            rows = {
                "alembic_version": sorted(
                    conn.execute(text("SELECT version_num FROM alembic_version")).all()
                )
            }
            for table in Base.metadata.sorted_tables:
                if table.name == "server_processes":
                    continue
                query = select(table).order_by(*table.primary_key.columns)
                rows[table.name] = [tuple(row) for row in conn.execute(query)]
            rows["tables"] = sorted(inspect(conn).get_table_names())
        return rows
    finally:
        db.dispose()
