"""ticket source and request hash

Revision ID: 42a921e72a89
Revises: 706e5ab89157
Create Date: 2026-12-01 10:35:35.303441
"""

import sqlalchemy as sa
from alembic import op

revision = "42a921e72a89"
down_revision = "706e5ab89157"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("request_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("source", sa.String(length=80), nullable=True))
        batch_op.create_index(
            "ix_tickets_source", ["office_id", "service_day", "source"], unique=False
        )
    keep_open_issuing()


def keep_open_issuing() -> None:
    """From this version an office issues only to its registered kiosks and staff unless
    its settings say `"issuing": "open"`. Offices that existed before issued to anyone (a
    kiosk page opened without a key): they keep doing so, or an upgrade would stop their
    kiosks; `luot upgrade` says so, and a manager closes it in /admin."""
    offices = sa.table("offices", sa.column("id", sa.Integer), sa.column("settings", sa.JSON))
    connection = op.get_bind()
    for office_id, settings in connection.execute(sa.select(offices.c.id, offices.c.settings)):
        settings = dict(settings) if isinstance(settings, dict) else {}
        if "issuing" not in settings:
            settings["issuing"] = "open"
            connection.execute(
                offices.update().where(offices.c.id == office_id).values(settings=settings)
            )


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_source")
        batch_op.drop_column("source")
        batch_op.drop_column("request_hash")
