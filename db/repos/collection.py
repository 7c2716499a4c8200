"""Collection state of sources: leases, outcomes, schedule.

A lease (``lease_owner``, ``lease_expires_at``) is taken with one atomic
``UPDATE … WHERE`` so two processes never collect the same source at once,
on SQLite as on PostgreSQL; an expired lease is taken over, and so is one
whose holder is known to be gone (``lease_holders`` and ``release_owners``).

Core statements on a ``Connection`` (``db.tables``), no ORM: a pass where
every source answers 304 never loads the models. A caller holding a session
passes ``session.connection()``.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, or_, select, update

from db.tables import sources

# A 304 to record: (source id, lease owner, now, next due time, etag, last modified).
NotModifiedRow = tuple[int, str, datetime, datetime, str | None, str | None]


@dataclass(frozen=True, slots=True)
class FetchState:
    """What a fetch needs from the stored state of a source."""

    id: int
    name: str
    kind: str
    url: str
    etag: str | None
    last_modified: str | None
    consecutive_failures: int
    selector_misses: int
    retry_after_until: datetime | None
    next_due_at: datetime | None


def fetch_states(connection: Connection, names: Iterable[str]) -> dict[str, FetchState]:
    """The enabled sources among ``names``, by name."""
    columns = [sources.c[field] for field in FetchState.__slots__]
    rows = connection.execute(
        select(*columns).where(sources.c.name.in_(list(names)), sources.c.enabled.is_(True))
    )
    return {row.name: FetchState(*row) for row in rows}


def claim(
    connection: Connection, source_id: int, owner: str, now: datetime, until: datetime
) -> bool:
    """Take the source's lease unless another live owner holds it."""
    result = connection.execute(
        update(sources)
        .where(sources.c.id == source_id, _free(owner, now))
        .values(lease_owner=owner, lease_expires_at=until)
    )
    return bool(result.rowcount)


def claim_all(
    connection: Connection, source_ids: Iterable[int], owner: str, now: datetime, until: datetime
) -> set[int]:
    """Take the lease of each source that no other live owner holds; returns those taken.

    One atomic UPDATE per chunk, then a read of what this owner now holds.
    """
    ids = list(source_ids)
    for start in range(0, len(ids), 500):
        connection.execute(
            update(sources)
            .where(sources.c.id.in_(ids[start : start + 500]), _free(owner, now))
            .values(lease_owner=owner, lease_expires_at=until)
        )
    held = connection.scalars(select(sources.c.id).where(sources.c.lease_owner == owner))
    return set(held) & set(ids)


def _free(owner: str, now: datetime) -> Any:
    return or_(
        sources.c.lease_owner.is_(None),
        sources.c.lease_owner == owner,
        sources.c.lease_expires_at < now,
    )


def lease_holders(
    connection: Connection, source_ids: Iterable[int], owner: str, now: datetime
) -> set[str]:
    """Owners other than ``owner`` holding a live lease on one of the sources."""
    ids = list(source_ids)
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        found.update(
            connection.scalars(
                select(sources.c.lease_owner)
                .where(
                    sources.c.id.in_(ids[start : start + 500]),
                    sources.c.lease_owner.is_not(None),
                    sources.c.lease_owner != owner,
                    sources.c.lease_expires_at >= now,
                )
                .distinct()
            )
        )
    return {holder for holder in found if holder is not None}


def release_owners(connection: Connection, owners: Sequence[str]) -> int:
    """Free every lease of these owners (processes known to be gone); how many were."""
    result = connection.execute(
        update(sources)
        .where(sources.c.lease_owner.in_(list(owners)))
        .values(lease_owner=None, lease_expires_at=None)
    )
    return int(result.rowcount)


def release_all(connection: Connection, owner: str) -> None:
    """Give back every lease still held by ``owner`` (end or interruption of a pass)."""
    connection.execute(
        update(sources)
        .where(sources.c.lease_owner == owner)
        .values(lease_owner=None, lease_expires_at=None)
    )


def release(connection: Connection, source_id: int, owner: str) -> None:
    connection.execute(
        update(sources)
        .where(sources.c.id == source_id, sources.c.lease_owner == owner)
        .values(lease_owner=None, lease_expires_at=None)
    )


def record_success(
    connection: Connection,
    source_id: int,
    *,
    now: datetime,
    next_due_at: datetime,
    owner: str,
    fields: dict[str, Any],
) -> None:
    """A good fetch (new content or 304): failures reset, validators kept, lease released."""
    _update(
        connection,
        source_id,
        owner,
        last_fetched_at=now,
        last_success_at=now,
        consecutive_failures=0,
        last_error=None,
        retry_after_until=None,
        next_due_at=next_due_at,
        lease_owner=None,
        lease_expires_at=None,
        **fields,
    )


def record_not_modified(connection: Connection, rows: Sequence[NotModifiedRow]) -> None:
    """Many 304s at once, as ``record_success``: one statement executed for every row.

    Each row is (source id, lease owner, now, next due time, etag, last modified).
    """
    if not rows:
        return
    table = sources
    statement = (
        update(table)
        .where(
            table.c.id == bindparam("row_id"),
            or_(table.c.lease_owner == bindparam("owner"), table.c.lease_owner.is_(None)),
        )
        .values(
            last_fetched_at=bindparam("now"), last_success_at=bindparam("now"),
            updated_at=bindparam("now"), next_due_at=bindparam("next_due"),
            etag=bindparam("row_etag"), last_modified=bindparam("row_last_modified"),
            consecutive_failures=0, last_error=None, retry_after_until=None,
            lease_owner=None, lease_expires_at=None,
        )
    )  # fmt: skip
    connection.execute(
        statement,
        [
            {"row_id": id_, "owner": owner, "now": now, "next_due": next_due,
             "row_etag": etag, "row_last_modified": last_modified}
            for id_, owner, now, next_due, etag, last_modified in rows
        ],
    )  # fmt: skip


def record_failure(
    connection: Connection,
    source_id: int,
    *,
    now: datetime,
    next_due_at: datetime,
    owner: str,
    error: str,
    retry_after_until: datetime | None = None,
    gone: bool = False,
    selector_miss: bool = False,
    suggested_url: str | None = None,
) -> None:
    """A failed fetch: one more consecutive failure; a 410 disables the source.

    ``suggested_url``: where the feed seems to have moved; kept until an
    administrator adopts it, the feed answers again or its address changes.
    """
    values: dict[str, Any] = {
        "last_fetched_at": now,
        "last_failure_at": now,
        "consecutive_failures": sources.c.consecutive_failures + 1,
        "last_error": error,
        "next_due_at": next_due_at,
        "retry_after_until": retry_after_until,
        "selector_misses": sources.c.selector_misses + 1 if selector_miss else 0,
        "lease_owner": None,
        "lease_expires_at": None,
    }
    if gone:
        values |= {"enabled": False, "disabled_by": "gone", "disabled_reason": error}
    if suggested_url is not None:
        values["suggested_url"] = suggested_url
    _update(connection, source_id, owner, **values)


def _update(connection: Connection, source_id: int, owner: str, **values: Any) -> None:
    """Write the outcome unless another process has taken the lease over meanwhile."""
    connection.execute(
        update(sources)
        .where(
            sources.c.id == source_id,
            or_(sources.c.lease_owner == owner, sources.c.lease_owner.is_(None)),
        )
        .values(updated_at=values.get("last_fetched_at"), **values)
    )


def due_names(connection: Connection, now: datetime) -> list[str]:
    """Enabled sources whose next check is due (or never scheduled)."""
    return list(
        connection.scalars(
            select(sources.c.name).where(
                sources.c.enabled.is_(True),
                or_(sources.c.next_due_at.is_(None), sources.c.next_due_at <= now),
            )
        )
    )
