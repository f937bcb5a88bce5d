"""Migrations: the schema they build is the models', and upgrades keep data."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from server.db import Database
from server.migrate import SCRIPTS, alembic_config, upgrade
from server.models import Base
from tests.conftest import PG_URL


def test_migrated_schema_matches_the_models(db: Database):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrading_keeps_data(tmp_path):
    if PG_URL:
        pytest.skip("runs on SQLite: the PostgreSQL test database is shared by the whole suite")
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    revisions = list(ScriptDirectory(str(SCRIPTS)).walk_revisions())
    first = revisions[-1].revision
    upgrade(db, first)
    now = dt.datetime(2026, 11, 23, 1, 0)
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO offices (code, name, address, timezone, priority_streak_limit,"
                " transfer_keeps_place, recalls_before_no_show, elderly_age, settings, created_at)"
                " VALUES ('OLD', 'Xã Cũ', '', 'Asia/Ho_Chi_Minh', 3, 1, 1, 60, '{}', :now)"
            ),
            {"now": now},
        )
    upgrade(db)
    with db.engine.connect() as conn:
        row = conn.execute(text("SELECT code, name, district FROM offices")).one()
        head = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert tuple(row) == ("OLD", "Xã Cũ", "")
    assert head == ScriptDirectory.from_config(alembic_config(db)).get_current_head()
    db.dispose()
