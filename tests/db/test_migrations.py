"""The schema is created, upgraded idempotently, and a newer one is refused."""

import pytest
from sqlalchemy import Engine, inspect, text

from db.engine import make_engine
from db.errors import SchemaError
from db.migrate import current_revision, ensure_schema, head_revision, upgrade
from db.models import Base
from db.search import is_search_object


def test_migrations_create_every_model_table(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert current_revision(engine) == head_revision(engine)


def test_upgrade_twice_changes_nothing(engine: Engine) -> None:
    before, after = upgrade(engine)
    assert before == after == head_revision(engine)


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    """Autogenerate finds nothing to do: models and migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        opts = {"compare_type": False, "include_name": _described_by_models}
        context = MigrationContext.configure(connection, opts=opts)
        assert compare_metadata(context, Base.metadata) == []


def _described_by_models(name: str | None, _type: str, _parents: object) -> bool:
    return not is_search_object(name)


def test_database_newer_than_code_is_refused(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffff_future'"))
    with pytest.raises(SchemaError, match="plus récente"):
        ensure_schema(engine)


def test_first_use_creates_the_database(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        ensure_schema(engine)
        assert "sources" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()
