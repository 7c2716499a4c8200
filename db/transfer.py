"""Export every table as JSON Lines with a manifest; import into an empty database.

    export: for each table, in foreign-key order: one JSON object per row,
            ``{column: value}``, datetimes in ISO 8601 UTC; users' password
            hashes blanked unless asked for; manifest.json lists the files,
            their row counts and SHA-256, and the schema revision
    import: check the manifest (format, schema revision, checksums), refuse a
            database that is not empty, insert in foreign-key order in one
            transaction (self-references set once every row is in), then move
            PostgreSQL's id sequences past the imported ids

The format does not depend on the database: SQLite → PostgreSQL → SQLite
gives back the same rows.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, select, text, update

from db.errors import DbError
from db.models import Base
from db.types import UTCDateTime

FORMAT = "veille-export"
VERSION = 1
MANIFEST = "manifest.json"
SECRET_COLUMNS = {("users", "password_hash")}
BATCH = 1000


@dataclass(frozen=True, slots=True)
class TableFile:
    table: str
    rows: int


def tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def export_all(
    engine: Engine, directory: Path, revision: str, *, with_secrets: bool = False
) -> list[TableFile]:
    """Write one ``TABLE.jsonl`` per table and ``manifest.json`` into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise DbError(f"{directory} n'est pas vide : choisissez un dossier vide ou nouveau")
    written, entries = [], {}
    with engine.connect() as connection:
        for table in tables():
            path = directory / f"{table.name}.jsonl"
            count = _write_table(connection, table, path, with_secrets)
            entries[table.name] = {"file": path.name, "rows": count, "sha256": _digest(path)}
            written.append(TableFile(table.name, count))
    manifest = {
        "format": FORMAT, "version": VERSION, "schema_revision": revision,
        "created_at": datetime.now(UTC).isoformat(), "with_secrets": with_secrets,
        "tables": entries,
    }  # fmt: skip
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return written


def _write_table(connection: Connection, table: Table, path: Path, with_secrets: bool) -> int:
    secret = {column for name, column in SECRET_COLUMNS if name == table.name}
    count = 0
    query = select(table).order_by(*table.primary_key.columns)
    with path.open("w", encoding="utf-8") as out:
        for row in connection.execution_options(stream_results=True).execute(query):
            values = dict(row._mapping)
            for column in secret if not with_secrets else ():
                values[column] = ""
            out.write(json.dumps(values, default=_encode, ensure_ascii=False, sort_keys=True))
            out.write("\n")
            count += 1
    return count


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"valeur non exportable : {value!r}")


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(directory: Path, revision: str) -> dict[str, Any]:
    """The checked manifest; DbError, in French, for anything that does not fit."""
    path = directory / MANIFEST
    if not path.is_file():
        raise DbError(f"{path} introuvable : ce dossier n'est pas un export de Veille IA")
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise DbError(f"{path} : format d'export inconnu")
    if manifest.get("schema_revision") != revision:
        raise DbError(
            f"export fait avec le schéma {manifest.get('schema_revision')}, base au schéma "
            f"{revision} : utilisez la même version de Veille IA"
        )
    for name, entry in manifest["tables"].items():
        if entry.get("file") != f"{name}.jsonl":
            raise DbError(f"{path} : fichier inattendu pour la table {name}")
        if _digest(directory / entry["file"]) != entry["sha256"]:
            raise DbError(f"{entry['file']} : somme de contrôle différente, export altéré")
    return manifest


def import_all(engine: Engine, directory: Path, manifest: dict[str, Any]) -> list[TableFile]:
    """Insert every exported row into an empty database, in one transaction."""
    done = []
    with engine.begin() as connection:
        _refuse_non_empty(connection)
        for table in tables():
            entry = manifest["tables"].get(table.name)
            count = _load(connection, table, directory / entry["file"]) if entry else 0
            done.append(TableFile(table.name, count))
        if connection.dialect.name == "postgresql":
            _move_sequences(connection)
    return done


def _refuse_non_empty(connection: Connection) -> None:
    for table in tables():
        if connection.scalar(select(func.count()).select_from(table)):
            raise DbError(
                f"la base n'est pas vide (table {table.name}) : l'import ne se fait que dans "
                "une base neuve"
            )


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def _load(connection: Connection, table: Table, path: Path) -> int:
    dates = {c.name for c in table.columns if isinstance(c.type, UTCDateTime)}
    later = [c.name for c in table.columns for fk in c.foreign_keys if fk.column.table is table]
    deferred: list[dict[str, Any]] = []
    batch: list[dict[str, Any]] = []
    count = 0
    for row in _rows(path):
        for name in dates:
            if row.get(name) is not None:
                row[name] = datetime.fromisoformat(row[name])
        if later and any(row.get(name) is not None for name in later):
            deferred.append({"id": row["id"], **{name: row[name] for name in later}})
            row = row | dict.fromkeys(later)
        batch.append(row)
        count += 1
        if len(batch) >= BATCH:
            connection.execute(table.insert(), batch)
            batch = []
    if batch:
        connection.execute(table.insert(), batch)
    for values in deferred:
        key = values.pop("id")
        connection.execute(update(table).where(table.c.id == key).values(**values))
    return count


def _move_sequences(connection: Connection) -> None:
    for table in tables():
        if "id" in table.c:
            connection.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                ),
                {"table": table.name},
            )
