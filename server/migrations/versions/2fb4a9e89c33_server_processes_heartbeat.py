"""server processes heartbeat

Revision ID: 2fb4a9e89c33
Revises: 394880c79c54
Create Date: 2026-12-01 10:34:45.021498
"""

import sqlalchemy as sa
from alembic import op

import server.models

revision = "2fb4a9e89c33"
down_revision = "394880c79c54"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "server_processes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("host_key", sa.String(length=64), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("pid_start", sa.String(length=32), nullable=False),
        sa.Column("serving", sa.Boolean(), nullable=False),
        sa.Column("queue", sa.String(length=200), nullable=False),
        sa.Column("started_at", server.models.UTCDateTime(), nullable=False),
        sa.Column("seen_at", server.models.UTCDateTime(), nullable=False),
        sa.Column("faults", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_processes")),
    )


def downgrade() -> None:
    op.drop_table("server_processes")
