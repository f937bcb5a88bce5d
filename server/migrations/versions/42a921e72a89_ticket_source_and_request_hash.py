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


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_source")
        batch_op.drop_column("source")
        batch_op.drop_column("request_hash")
