"""Alembic migrations run from code: on first use and by ``veille db upgrade``.

Alembic is imported only when there is something to check or do: a database
already at the latest revision is recognised by reading ``alembic_version``
and the revision ids of the migration files, which keeps a short command
(a collection pass where every feed answers 304) from paying for the import.
"""

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from db.errors import SchemaError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"^revision\b[^=]*=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\b[^=]*=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"[\"']([^\"']+)[\"']")


def alembic_config(engine: Engine) -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert head is not None, "no migration shipped"
    return head


def check_not_newer(engine: Engine) -> None:
    """Refuse a database migrated by a newer version of the code."""
    from alembic.script import ScriptDirectory

    revision = current_revision(engine)
    if revision is None:
        return
    script = ScriptDirectory.from_config(alembic_config(engine))
    known = {rev.revision for rev in script.walk_revisions()}
    if revision not in known:
        raise SchemaError(
            f"la base de données est à la révision {revision!r}, inconnue de cette version "
            "de Veille IA : elle a été créée par une version plus récente. "
            "Mettez Veille IA à jour."
        )


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the schema to the latest revision; returns (before, after)."""
    from alembic import command

    check_not_newer(engine)
    before = current_revision(engine)
    command.upgrade(alembic_config(engine), "head")
    return before, head_revision(engine)


def ensure_schema(engine: Engine) -> None:
    """Create or upgrade the schema when it is not at the latest revision."""
    if _at_head(engine):
        return
    check_not_newer(engine)
    if current_revision(engine) != head_revision(engine):
        upgrade(engine)


def _at_head(engine: Engine) -> bool:
    """True when the database is at the one head of the migration files (without Alembic).

    False whenever in doubt (no table yet, several heads, a file not read):
    Alembic then decides.
    """
    head = _file_head()
    if head is None:
        return False
    try:
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:
        return False
    return [row[0] for row in stored] == [head]


def _file_head() -> str | None:
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        if revision is None or down is None:
            return None
        revisions.add(revision.group(1))
        parents.update(_QUOTED.findall(down.group(1)))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None
