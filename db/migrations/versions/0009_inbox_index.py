"""articles: one index for the inbox's week

The inbox asks for the non-duplicate articles published in a week
(``duplicate_of_id IS NULL AND published_at`` in a range). Without
statistics SQLite took ``IS NULL`` for a selective equality and walked
every article through ``ix_articles_duplicate_of_id``; this index answers
both conditions at once.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 01:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_articles_inbox", "articles", ["duplicate_of_id", "published_at"])


def downgrade() -> None:
    op.drop_index("ix_articles_inbox", table_name="articles")
