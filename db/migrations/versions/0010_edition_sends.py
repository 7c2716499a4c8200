"""edition sends: the one send of an edition, asked for now or at a time, claimed once

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "edition_sends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("due_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("requested_by", sa.String(length=320), nullable=False),
        sa.Column("runner", sa.String(length=100), nullable=True),
        sa.Column("started_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("finished_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('scheduled', 'running', 'done', 'failed')",
            name=op.f("ck_edition_sends_status_allowed"),
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["editions.id"],
            name=op.f("fk_edition_sends_edition_id_editions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edition_sends")),
        sa.UniqueConstraint("edition_id", name="uq_edition_sends_edition"),
    )
    with op.batch_alter_table("edition_sends", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_edition_sends_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("edition_sends", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_edition_sends_status"))
    op.drop_table("edition_sends")
