"""Alembic migrations run from code: on first use and by ``veille db upgrade``."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from db.errors import SchemaError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str:
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert head is not None, "no migration shipped"
    return head


def check_not_newer(engine: Engine) -> None:
    """Refuse a database migrated by a newer version of the code."""
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
    check_not_newer(engine)
    before = current_revision(engine)
    command.upgrade(alembic_config(engine), "head")
    return before, head_revision(engine)


def ensure_schema(engine: Engine) -> None:
    """Create or upgrade the schema when it is not at the latest revision."""
    check_not_newer(engine)
    if current_revision(engine) != head_revision(engine):
        upgrade(engine)
