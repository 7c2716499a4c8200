"""articles: search insensitive to accents and case over title, summary and full text

SQLite: an FTS5 index (``unicode61 remove_diacritics 2``) over the articles
table, kept in step by triggers on every insert, update and delete.
PostgreSQL: the ``unaccent`` extension, an immutable ``veille_unaccent()``
and a GIN index on the unaccented ``tsvector`` of the same columns, which
PostgreSQL keeps in step itself.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 23:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = "title, summary_html, full_text"
# The same expression as ``db.search.POSTGRES_DOCUMENT``, so that searches use the index.
POSTGRES_DOCUMENT = (
    "to_tsvector('simple'::regconfig, veille_unaccent(coalesce(title, '') || ' ' || "
    "coalesce(summary_html, '') || ' ' || coalesce(full_text, '')))"
)
SQLITE_UP = [
    f"""CREATE VIRTUAL TABLE articles_search USING fts5(
        {COLUMNS}, content='articles', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_search(rowid, {COLUMNS})
        VALUES (new.id, new.title, new.summary_html, new.full_text);
    END""",
    f"""CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_search(articles_search, rowid, {COLUMNS})
        VALUES ('delete', old.id, old.title, old.summary_html, old.full_text);
    END""",
    f"""CREATE TRIGGER articles_search_update AFTER UPDATE OF {COLUMNS} ON articles BEGIN
        INSERT INTO articles_search(articles_search, rowid, {COLUMNS})
        VALUES ('delete', old.id, old.title, old.summary_html, old.full_text);
        INSERT INTO articles_search(rowid, {COLUMNS})
        VALUES (new.id, new.title, new.summary_html, new.full_text);
    END""",
    "INSERT INTO articles_search(articles_search) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS articles_search_update",
    "DROP TRIGGER IF EXISTS articles_search_delete",
    "DROP TRIGGER IF EXISTS articles_search_insert",
    "DROP TABLE IF EXISTS articles_search",
]
# unaccent() is only STABLE: an IMMUTABLE wrapper naming its dictionary (in the schema
# of the extension) may be indexed.
POSTGRES_FUNCTION = """CREATE OR REPLACE FUNCTION veille_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$"""
EXTENSION_SCHEMA = """SELECT n.nspname FROM pg_extension e
    JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"""
POSTGRES_INDEX = f"CREATE INDEX articles_search_document ON articles USING gin ({POSTGRES_DOCUMENT})"
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS articles_search_document",
    "DROP FUNCTION IF EXISTS veille_unaccent(text)",
]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def _postgres_up() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    bind = op.get_bind()
    schema = bind.execute(sa.text(EXTENSION_SCHEMA)).scalar_one()
    quoted = bind.dialect.identifier_preparer.quote_identifier(schema)
    op.execute(POSTGRES_FUNCTION.format(schema=quoted))
    op.execute(POSTGRES_INDEX)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_UP)
    elif dialect == "postgresql":
        _postgres_up()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_DOWN)
    elif dialect == "postgresql":
        _run(POSTGRES_DOWN)
