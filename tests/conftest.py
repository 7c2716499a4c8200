"""Shared fixtures: settings, a migrated database on SQLite and PostgreSQL.

The ``engine`` fixture is parametrised: every test using it runs on SQLite,
and again on PostgreSQL when one answers at 127.0.0.1:5432 (database
``test``, user ``postgres``; override with ``VEILLE_TEST_POSTGRES_URL``).
Each PostgreSQL test gets a schema of its own, dropped afterwards.
"""

import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

from db.engine import make_engine, make_session_factory
from db.migrate import upgrade
from tests.newsletter.smtp_server import RecordingHandler, smtp_server
from veille.settings import Settings

# Test servers listen on loopback, which the collector refuses by default.
LOOPBACK = "127.0.0.0/8,::1/128"
POSTGRES_URL = os.environ.get(
    "VEILLE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def postgres_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not postgres_answers(), reason="PostgreSQL ne répond pas"),
        ],
    ),
]


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'veille.db'}"
        return
    with postgres_schema() as url:
        yield url


def _unaccent_in_public(connection: Connection) -> None:
    """Keep the database-wide ``unaccent`` extension out of the test schemas.

    Migration 0007 creates it where the search path points; in a test schema, dropping
    that schema would take the extension away from every other test running at once.
    """
    connection.execute(text("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public"))
    where = connection.execute(
        text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
            "ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
        )
    ).scalar_one()
    if where != "public":
        connection.execute(text("ALTER EXTENSION unaccent SET SCHEMA public"))


@contextmanager
def postgres_schema() -> Iterator[str]:
    """The URL of a fresh PostgreSQL schema of its own, dropped afterwards."""
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        _unaccent_in_public(connection)
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated database, SQLite then PostgreSQL."""
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture(scope="session")
def corpus_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped corpus's model, trained once for the whole session."""
    from classement import train_from_corpus

    directory = tmp_path_factory.mktemp("modele-corpus")
    train_from_corpus(directory)
    return directory


@pytest.fixture
def trained_model(corpus_model: Path, tmp_path: Path) -> Path:
    """That model in this test's model folder (the one of ``settings`` and ``cli_env``):
    a test of what happens around classification does not train it again."""
    models = tmp_path / "modeles"
    shutil.copytree(corpus_model, models)
    return models


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        sources=str(tmp_path / "sources.toml"),
        secret_key="clé de test, jamais utilisée en production",
        model_dir=str(tmp_path / "modeles"),
        allow_private_networks=LOOPBACK,
    )


@pytest.fixture
def cli_env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Environment for running the CLI against the test database."""
    env = {
        "VEILLE_DATABASE_URL": database_url,
        "VEILLE_SOURCES": str(tmp_path / "sources.toml"),
        "VEILLE_SECRET_KEY": "clé de test, jamais utilisée en production",
        "VEILLE_MODEL_DIR": str(tmp_path / "modeles"),
        "VEILLE_CONFIG": str(tmp_path / "veille.toml"),
        "VEILLE_ALLOW_PRIVATE_NETWORKS": LOOPBACK,
    }
    for key in [key for key in os.environ if key.startswith("VEILLE_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def smtp() -> Iterator[tuple[RecordingHandler, int]]:
    """A real SMTP server on 127.0.0.1: (handler recording messages, port)."""
    with smtp_server() as server:
        yield server
