"""Schema migrations with Alembic, driven from code (`luot init-db`, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from .db import Database

SCRIPTS = Path(__file__).parent / "migrations"


def alembic_config(db: Database) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(SCRIPTS))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return cfg


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the database to `revision`; safe to run on every start and every upgrade."""
    with db.engine.begin() as connection:
        cfg = alembic_config(db)
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def is_current(db: Database) -> bool:
    """Whether the schema is at the newest revision (a server must not start on an old one)."""
    heads = set(ScriptDirectory.from_config(alembic_config(db)).get_heads())
    with db.engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads()) == heads


def revision(db: Database, message: str) -> None:
    """Autogenerate a migration from the models (developers only)."""
    cfg = alembic_config(db)
    command.revision(cfg, message=message, autogenerate=True)
