"""office version; indexes for the waiting line and for counters' tickets

Revision ID: 5c1e0a7d9b21
Revises: 2fb4a9e89c33
Create Date: 2026-12-01 16:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "5c1e0a7d9b21"
down_revision = "2fb4a9e89c33"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("offices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("figures_version", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tickets_line",
            [
                "office_id",
                "service_day",
                "status",
                "service_id",
                "priority_class_id",
                "queued_at",
                "id",
                "target_counter_id",
            ],
            unique=False,
        )
        batch_op.create_index("ix_tickets_counter", ["counter_id", "status"], unique=False)
        batch_op.create_index("ix_tickets_target", ["target_counter_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_target")
        batch_op.drop_index("ix_tickets_counter")
        batch_op.drop_index("ix_tickets_line")
    with op.batch_alter_table("offices", schema=None) as batch_op:
        batch_op.drop_column("figures_version")
        batch_op.drop_column("version")
