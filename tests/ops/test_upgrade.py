"""`luot upgrade` (what `make upgrade` runs after installing the code) on a box installed
at an earlier version, with rows in every table: a backup first, every row kept, the modes
a new installation has, and a refusal that changes nothing while a server runs."""

from __future__ import annotations

import json
import os
import stat
import tarfile
from pathlib import Path

import pytest
import requests
from sqlalchemy import text

from server.db import Database
from server.ops.migrate import current_revision, head, scripts, upgrade
from tests.live_server import LiveServer, free_port
from tests.migration_rows import contents, fill
from tests.ops.conftest import installation, luot

pytestmark = pytest.mark.dialect  # the migrations and the backup before them

# The schema of the box the issue upgraded (the commit of 2026-11-23 and the days after).
OLD = "5c1e0a7d9b21"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def old_box(instance: Path, url: str) -> dict:
    """An installation at schema OLD with rows in every table, as an old version left it
    (folder 0755, database 0644); returns every row."""
    instance.mkdir(mode=0o755)
    os.chmod(instance, 0o755)
    db = Database(url)
    try:
        upgrade(db, OLD)
        with db.engine.begin() as conn:
            fill(conn)
        with db.engine.connect() as conn:
            rows = contents(conn)
    finally:
        db.dispose()
    (instance / "secret_key").write_text("old-box-key")
    if url.startswith("sqlite"):
        os.chmod(instance / "luot.db", 0o644)
    os.chmod(instance / "secret_key", 0o644)
    return rows


def test_upgrade_backs_up_migrates_keeps_every_row_and_tightens_modes(scratch, tmp_path):
    instance = tmp_path / "instance"
    url = scratch("upgrade") if os.environ.get("LUOT_TEST_DATABASE_URL") else ""
    rows = old_box(instance, url or f"sqlite:///{instance / 'luot.db'}")
    env = installation(instance, url)

    done = luot(env, "upgrade")

    assert done.returncode == 0, done.stderr
    steps = [step.revision for step in scripts().iterate_revisions("heads", OLD)]
    assert f"Schema {OLD} → {head()} ({len(steps)} migrations," in done.stdout
    assert "restart" in done.stdout
    assert "Note:" not in done.stdout  # issuing was already closed at OLD: nothing to say
    [archive] = (instance / "backups" / "before-upgrade").glob("luot-backup-*.tar.gz")
    assert f"Backup taken first: {archive} (" in done.stdout
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["alembic_revision"] == OLD
    db = Database(url or f"sqlite:///{instance / 'luot.db'}")
    try:
        assert current_revision(db) == head()
        with db.engine.connect() as conn:
            after = contents(conn)
    finally:
        db.dispose()
    for table, kept in rows.items():
        assert after[table].keys() == kept.keys(), table
        for key, row in kept.items():
            assert {c: after[table][key][c] for c in row} == row, (table, key)
    assert mode(instance) == 0o700
    assert mode(instance / "secret_key") == 0o600
    assert mode(archive) == 0o600
    if not url:
        assert mode(instance / "luot.db") == 0o600

    again = luot(env, "upgrade")
    assert again.returncode == 0, again.stderr
    assert "already current" in again.stdout and "Mode tightened" not in again.stdout
    assert "Backup" not in again.stdout  # nothing to migrate, nothing to keep
    assert len(list((instance / "backups" / "before-upgrade").iterdir())) == 1

    server = LiveServer(url or f"sqlite:///{instance / 'luot.db'}", instance, free_port())
    server.start()
    try:
        assert requests.get(f"{server.url}/healthz", timeout=10).status_code == 200
    finally:
        server.stop()


def test_the_server_refuses_an_old_schema_naming_the_command(tmp_path):
    instance = tmp_path / "instance"
    old_box(instance, f"sqlite:///{instance / 'luot.db'}")
    env = installation(instance)
    refused = luot(env, "serve", "--port", str(free_port()))
    assert refused.returncode == 1
    [error] = [line for line in refused.stderr.splitlines() if line.startswith("Error:")]
    assert "make upgrade" in error and OLD in error
    assert "Traceback" not in refused.stderr and "alembic" not in refused.stderr


def test_upgrade_refuses_while_a_server_has_the_database_open(tmp_path):
    instance = tmp_path / "instance"
    url = f"sqlite:///{instance / 'luot.db'}"
    old_box(instance, url)
    serving = Database(url)
    with serving.engine.connect() as conn:  # a server's pooled connection
        conn.execute(text("SELECT 1"))
        refused = luot(installation(instance), "upgrade")
    serving.dispose()
    assert refused.returncode == 1
    assert "Stop the server first" in refused.stderr and "nothing was changed" in refused.stderr
    assert not (instance / "backups").exists()
    db = Database(url)
    assert current_revision(db) == OLD
    db.dispose()


def test_a_failed_migration_leaves_the_database_as_it_was_in_one_line(tmp_path):
    instance = tmp_path / "instance"
    url = f"sqlite:///{instance / 'luot.db'}"
    rows = old_box(instance, url)
    db = Database(url)
    with db.engine.begin() as conn:  # in the way of the province's migration
        conn.execute(text("CREATE TABLE centres (id INTEGER PRIMARY KEY)"))
    db.dispose()

    failed = luot(installation(instance), "upgrade")

    assert failed.returncode == 1
    [line] = [line for line in failed.stderr.splitlines() if line.startswith("Error:")]
    assert "Traceback" not in failed.stderr
    assert "Upgrade failed at migration 301c646391f4" in line
    assert f"Nothing was changed: the database is still schema {OLD}" in line
    assert "The backup taken before it:" in line
    assert current_revision(db) == OLD
    with db.engine.connect() as conn:
        after = contents(conn)
    db.dispose()
    assert {table: after[table] for table in rows} == rows


def test_an_office_from_before_closed_issuing_is_told_it_keeps_issuing(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    db = Database(f"sqlite:///{instance / 'luot.db'}")
    upgrade(db, "706e5ab89157")
    with db.engine.begin() as conn:
        fill(conn, rows=2)
    db.dispose()
    done = luot(installation(instance), "upgrade")
    assert done.returncode == 0, done.stderr
    assert "Note: Offices now issue tickets only to their registered kiosks" in done.stdout
