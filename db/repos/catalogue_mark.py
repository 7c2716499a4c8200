"""The mark of the last catalogue synced: its digest, one row (Core, no ORM).

Every sync records the digest of the catalogue it applied; a collection pass
compares digests (``is_current``) and skips the comparison of every source
when the catalogue has not changed. An administrator's change to a source
(enable, disable) forgets the mark, so the next pass applies the catalogue
again.
"""

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, insert, select, update

from db.tables import catalogue_syncs
from db.types import utcnow

if TYPE_CHECKING:
    from db.repos.sources import SyncReport

_ROW = 1


def catalogue_digest(entries: Sequence[Mapping[str, Any]]) -> str:
    encoded = json.dumps(list(entries), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


def is_current(connection: Connection, entries: Sequence[Mapping[str, Any]]) -> bool:
    """True when this very catalogue was the last one synced."""
    digest = connection.scalar(select(catalogue_syncs.c.digest).where(catalogue_syncs.c.id == _ROW))
    return digest == catalogue_digest(entries)


def sync_if_changed(
    connection: Connection, entries: Sequence[Mapping[str, Any]]
) -> "SyncReport | None":
    """Copy the catalogue into the sources table unless it is the one copied last;
    None when skipped. Only a changed catalogue loads the ORM (the sync works on
    the models), in the caller's transaction."""
    if is_current(connection, entries):
        return None
    from sqlalchemy.orm import Session

    from db.repos.sources import sync_from_catalogue

    with Session(bind=connection) as session:
        return sync_from_catalogue(session, entries)


def remember(connection: Connection, entries: Sequence[Mapping[str, Any]]) -> None:
    values = {"digest": catalogue_digest(entries), "synced_at": utcnow()}
    changed = connection.execute(
        update(catalogue_syncs).where(catalogue_syncs.c.id == _ROW).values(**values)
    )
    if not changed.rowcount:
        connection.execute(insert(catalogue_syncs).values(id=_ROW, **values))


def forget(connection: Connection) -> None:
    """The next pass syncs the catalogue again (after a change made outside it)."""
    connection.execute(delete(catalogue_syncs))
