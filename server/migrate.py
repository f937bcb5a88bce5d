"""Schema migrations with Alembic, driven from code (`luot init-db`, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig

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


def revision(db: Database, message: str) -> None:
    """Autogenerate a migration from the models (developers only)."""
    cfg = alembic_config(db)
    command.revision(cfg, message=message, autogenerate=True)
