"""Schema migrations with Alembic, driven from code (`luot init-db`, `luot upgrade`, tests).

Every pending migration runs in one transaction, on SQLite and on PostgreSQL alike (both
change their schema transactionally): an upgrade that fails part-way leaves the database
exactly as it was, at the revision it started from.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from ..db import WRITE_OPTION, Database

SCRIPTS = Path(__file__).parents[1] / "migrations"


class MigrationError(Exception):
    """A migration failed; the message is one line and says the database is unchanged."""


def alembic_config(db: Database) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(SCRIPTS))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return cfg


def scripts() -> ScriptDirectory:
    return ScriptDirectory(str(SCRIPTS))


def head() -> str:
    return scripts().get_current_head() or ""


def current_revision(db: Database) -> str | None:
    """The schema revision the database is at (None for an empty database)."""
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def pending(db: Database) -> list[str]:
    """The migrations `upgrade` would run, oldest first."""
    at = current_revision(db)
    return [step.revision for step in reversed(list(scripts().iterate_revisions("heads", at)))]


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the database to `revision`; safe to run on every start and every upgrade.

    SQLite alters a table by copying it into a new one and dropping the old (Alembic's
    batch mode); with foreign keys enforced, dropping a table other rows point at fails.
    So, as Alembic documents, enforcement is off for the upgrade (a pragma that only takes
    effect outside a transaction), and `PRAGMA foreign_key_check` must find no dangling
    reference the upgrade made before it commits."""
    start = current_revision(db)
    applied: list[str] = []
    with db.engine.connect() as connection:
        connection.execution_options(**{WRITE_OPTION: True})
        raw = connection.connection.dbapi_connection if db.is_sqlite else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                before = _dangling(connection)
                cfg = alembic_config(db)
                cfg.attributes["connection"] = connection
                cfg.attributes["applied"] = applied
                command.upgrade(cfg, revision)
                made = _dangling(connection) - before
                if made:
                    table, _row, parent, _key = sorted(made)[0]
                    raise MigrationError(
                        f"the upgrade left {len(made)} row(s) of {table} pointing at missing "
                        f"rows of {parent}"
                    )
        except Exception as exc:
            raise MigrationError(_failure(exc, start, applied)) from exc
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def _dangling(connection: Connection) -> set[tuple]:
    if connection.dialect.name != "sqlite":
        return set()
    return {tuple(row) for row in connection.exec_driver_sql("PRAGMA foreign_key_check")}


def _failure(exc: Exception, start: str | None, applied: list[str]) -> str:
    steps = scripts()
    failed = next(
        (
            step
            for step in reversed(list(steps.iterate_revisions("heads", start)))
            if step.revision not in applied
        ),
        None,
    )
    where = f"migration {failed.revision} ({failed.doc})" if failed else "the upgrade"
    why = " ".join(str(getattr(exc, "orig", None) or exc).split())
    state = f"schema {start}" if start else "empty"
    return (
        f"Upgrade failed at {where}: {why[:300]}. "
        f"Nothing was changed: the database is still {state}."
    )


def is_current(db: Database) -> bool:
    """Whether the schema is at the newest revision (a server must not start on an old one)."""
    heads = set(scripts().get_heads())
    with db.engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads()) == heads


def not_current(db: Database) -> str:
    """Why a server or command must not run on this database, and the command that fixes it."""
    at = current_revision(db)
    if at is None:
        return "The database is not set up: run `luot init-db` first."
    known = {step.revision for step in scripts().walk_revisions()}
    if at not in known:
        return (
            f"The database is at schema {at}, made by a newer version of Lượt than this one: "
            "run the newer version, or restore the backup `make upgrade` took before it."
        )
    return (
        f"The database is at schema {at}, older than this version of Lượt ({head()}): "
        "run `make upgrade` in the checkout (or `luot upgrade`)."
    )


def revision(db: Database, message: str) -> None:
    """Autogenerate a migration from the models (developers only)."""
    cfg = alembic_config(db)
    command.revision(cfg, message=message, autogenerate=True)
