"""Engine and session construction; SQLite gets WAL and foreign keys.

The ORM is imported only when a session factory is made: a collection pass
with nothing new runs on Core connections (``connection_scope``) alone.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from db.errors import DatabaseBusy, DbError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

DEFAULT_DATABASE_URL = "sqlite:///veille.db"
URL_EXAMPLES = "sqlite:///veille.db ou postgresql+psycopg://utilisateur:motdepasse@hôte/base"
# Written as most tools (and hosting providers) write PostgreSQL addresses.
_POSTGRES_SCHEMES = ("postgres://", "postgresql://")
# SQLite's primary result codes for a lock held by another connection.
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6


def database_url(text: str) -> URL:
    """The parsed database address; ``postgres://`` reads as PostgreSQL with psycopg."""
    text = text.strip()
    for scheme in _POSTGRES_SCHEMES:
        if text.startswith(scheme):
            text = "postgresql+psycopg://" + text[len(scheme) :]
    try:
        url = make_url(text)
        url.get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError) as error:
        raise DbError(
            f"VEILLE_DATABASE_URL : adresse de base de données invalide {text!r} "
            f"(exemples : {URL_EXAMPLES})"
        ) from error
    return url


def make_engine(url: str = DEFAULT_DATABASE_URL, **kwargs: Any) -> Engine:
    """Create an engine; for SQLite, turn on WAL, foreign keys and a busy timeout."""
    parsed = database_url(url)
    url_text = parsed.render_as_string(hide_password=False)
    if parsed.get_backend_name() == "sqlite":
        kwargs.setdefault("connect_args", {"timeout": 30})
        engine = create_engine(url_text, **kwargs)
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url_text, **kwargs)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_session_factory(engine: Engine) -> "sessionmaker[Session]":
    from sqlalchemy.orm import sessionmaker

    return sessionmaker(engine, expire_on_commit=False)


def engine_of(factory: "sessionmaker[Session]") -> Engine:
    """The engine a session factory was made with (``make_session_factory``)."""
    engine = factory.kw["bind"]
    if not isinstance(engine, Engine):
        raise TypeError(f"session factory bound to {engine!r}, not an engine")
    return engine


@contextmanager
def session_scope(factory: "sessionmaker[Session]") -> Iterator["Session"]:
    """One unit of work: commit on success, roll back on any error.

    A SQLite lock held by another connection past the busy timeout becomes
    ``DatabaseBusy``, which says so in French.
    """
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException as error:
        session.rollback()
        _raise_busy_if_locked(error)
        raise
    finally:
        session.close()


@contextmanager
def connection_scope(engine: Engine) -> Iterator[Connection]:
    """``session_scope`` for Core statements: one transaction, committed on success."""
    try:
        with engine.begin() as connection:
            yield connection
    except BaseException as error:
        _raise_busy_if_locked(error)
        raise


def _raise_busy_if_locked(error: BaseException) -> None:
    if is_locked(error):
        raise DatabaseBusy() from error


def is_locked(error: BaseException) -> bool:
    """True for SQLite's "database is locked" (busy timeout spent) or "table is locked"."""
    if not isinstance(error, OperationalError):
        return False
    code = getattr(error.orig, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)
