"""Alembic environment: the engine is handed over by ``db.migrate``."""

from alembic import context
from sqlalchemy import create_engine

from db.models import Base
from db.search import is_search_object

config = context.config
target_metadata = Base.metadata


def _described_by_models(name: str | None, type_: str, _parents: object) -> bool:
    """Autogenerate leaves alone the search objects made by hand in migration 0008."""
    return not is_search_object(name)


def run_migrations() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        url = config.get_main_option("sqlalchemy.url") or "sqlite:///veille.db"
        engine = create_engine(url)
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
            include_name=_described_by_models,
        )
        context.run_migrations()


run_migrations()
