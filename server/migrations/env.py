"""Alembic environment: the URL comes from `server.ops.migrate`, the metadata from the models."""

from alembic import context

from server.db import Database
from server.models import Base

config = context.config


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    db = Database(config.get_main_option("sqlalchemy.url"))
    try:
        with db.engine.begin() as conn:
            _run(conn)
    finally:
        db.dispose()


def _run(connection) -> None:
    applied = config.attributes.get("applied")

    def record(ctx, step, heads, run_args) -> None:
        # Which migrations ran, so a failure can name the one that did not.
        if applied is not None:
            applied.append(step.up_revision_id)

    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        on_version_apply=record,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
