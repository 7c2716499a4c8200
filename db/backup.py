"""``veille db backup FILE``: an online copy of a SQLite database (sqlite3's backup API).

Writers may keep working during the copy: SQLite copies a consistent
snapshot. PostgreSQL has its own tools (pg_dump) and ``veille export``.
"""

import sqlite3
from pathlib import Path

from sqlalchemy import Engine

from db.errors import DbError


def sqlite_backup(engine: Engine, target: Path) -> int:
    """Copy the database to ``target`` (which must not exist); returns its size in bytes."""
    if engine.dialect.name != "sqlite":
        raise DbError(
            "veille db backup ne copie qu'une base SQLite ; pour PostgreSQL, utilisez pg_dump "
            "ou veille export DOSSIER"
        )
    if target.exists():
        raise DbError(f"{target} existe déjà : choisissez un autre nom de fichier")
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        with sqlite3.connect(target) as copy:
            source.backup(copy)
        copy.close()
    finally:
        raw.close()
    return target.stat().st_size
