"""Migrations: the schema they build is the models', and upgrades keep every row.

Every earlier revision is built, filled with rows in every table (`tests/migration_rows`
reads the schema of that revision, so a future migration is tested against data the day
it is written), upgraded to head, and compared column by column, on SQLite and on
PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import make_url

from server.db import Database
from server.engine import Engine
from server.models import Base
from server.ops.migrate import (
    MigrationError,
    current_revision,
    head,
    not_current,
    pending,
    scripts,
    upgrade,
)
from tests.conftest import PG_URL, worker_database
from tests.factories import make_office
from tests.migration_rows import contents, fill

REVISIONS = [step.revision for step in reversed(list(scripts().walk_revisions()))]

# Changes a migration makes to existing values on purpose: (table, column) -> revision;
# each with a test of its own below.
REWRITTEN: dict[tuple[str, str], str] = {("offices", "settings"): "42a921e72a89"}


def test_migrated_schema_matches_the_models(db: Database):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


@pytest.fixture
def scratch(database_url: str, tmp_path) -> Iterator[Database]:
    """An empty database of its own: a SQLite file, or a PostgreSQL database beside the
    worker's (whose schema the rest of the suite shares)."""
    if not PG_URL:
        db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    else:
        base = make_url(worker_database(PG_URL))
        name = f"{base.database}_migrations"
        admin = Database(base.render_as_string(hide_password=False))
        with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if not conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).scalar():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        db = Database(base.set(database=name).render_as_string(hide_password=False))
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    yield db
    db.dispose()


@pytest.mark.parametrize("revision", REVISIONS[:-1])
def test_upgrade_from_every_revision_keeps_every_row(scratch: Database, revision: str):
    upgrade(scratch, revision)
    with scratch.engine.begin() as conn:
        counts = fill(conn)
    with scratch.engine.connect() as conn:
        before = contents(conn)
    assert all(n > 0 for n in counts.values()) and "tickets" in counts

    upgrade(scratch)

    assert current_revision(scratch) == head()
    with scratch.engine.connect() as conn:
        after = contents(conn)
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        if scratch.is_sqlite:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    for table, rows in before.items():
        assert table in after, f"{table} was dropped"
        assert after[table].keys() == rows.keys(), f"rows of {table} lost or added"
        for key, row in rows.items():
            kept = after[table][key]
            for column, value in row.items():
                if column not in kept:
                    continue
                rewriter = REWRITTEN.get((table, column))
                if rewriter and REVISIONS.index(revision) < REVISIONS.index(rewriter):
                    continue
                assert kept[column] == value, f"{table}.{column} of {key} changed"


def test_the_engine_works_on_an_upgraded_database(scratch: Database, clock):
    """Rows written at an old revision, then the engine issues and calls at head: the ids it
    takes do not collide with the old rows (PostgreSQL's sequences moved past them)."""
    upgrade(scratch, "301c646391f4")
    with scratch.engine.begin() as conn:
        filled = fill(conn)
    upgrade(scratch)
    office = make_office(scratch, code="NEW")
    engine = Engine(scratch, publish=lambda _event: None, clock=clock)
    counter = office["counters"][1]
    engine.set_counter_state(counter, "open")
    ticket = engine.issue("NEW", "B")
    assert office["id"] > filled["offices"] and ticket["id"] > filled["tickets"]
    assert engine.call_next(counter)["id"] == ticket["id"]


def test_a_failed_upgrade_changes_nothing_and_says_so_in_one_line(scratch: Database):
    start, passing, failing = "e55437534529", "dee4f6327e78", "301c646391f4"
    upgrade(scratch, start)
    with scratch.engine.begin() as conn:
        fill(conn)
    with scratch.engine.connect() as conn:
        before = contents(conn)
    # The next but one migration creates `centres` (the province): a table of that name
    # already there makes it fail after the one before it has run.
    with scratch.engine.begin() as conn:
        conn.execute(text("CREATE TABLE centres (id INTEGER PRIMARY KEY)"))
    assert pending(scratch)[:2] == [passing, failing]

    with pytest.raises(MigrationError) as failed:
        upgrade(scratch)

    message = str(failed.value)
    assert "\n" not in message
    assert failing in message and "Nothing was changed" in message and start in message
    assert current_revision(scratch) == start
    with scratch.engine.connect() as conn:
        assert contents(conn) == {**before, "centres": {}}


def test_refusal_names_the_command(scratch: Database):
    assert "luot init-db" in not_current(scratch)
    upgrade(scratch, REVISIONS[0])
    assert "make upgrade" in not_current(scratch) and REVISIONS[0] in not_current(scratch)
    with scratch.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffffffffffff'"))
    assert "newer version" in not_current(scratch)


def test_offices_from_before_closed_issuing_keep_issuing_to_anyone(scratch: Database):
    """Before 42a921e72a89 any client could issue; after it an office issues only to its
    kiosks and staff unless it says "issuing": "open". An upgraded office keeps issuing as
    it did (its kiosks opened without a key go on working); an explicit setting stays."""
    upgrade(scratch, "706e5ab89157")
    with scratch.engine.begin() as conn:
        fill(conn)
        conn.execute(text('UPDATE offices SET settings = \'{"issuing": "kiosks"}\' WHERE id = 2'))
    upgrade(scratch)
    with scratch.engine.connect() as conn:
        settings = {row["id"]: row["settings"] for row in contents(conn)["offices"].values()}
    assert settings[2] == {"issuing": "kiosks"}
    assert all(s["issuing"] == "open" for office, s in settings.items() if office != 2)
    assert settings[1] == {"issuing": "open"} and settings[3]["start_on_call"] is True
