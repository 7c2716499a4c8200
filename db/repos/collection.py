"""Collection state of sources: leases, outcomes, schedule.

A lease (``lease_owner``, ``lease_expires_at``) is taken with one atomic
``UPDATE … WHERE`` so two processes never collect the same source at once,
on SQLite as on PostgreSQL; an expired lease is taken over, and so is one
whose holder is known to be gone (``lease_holders`` and ``release_owners``).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, or_, select, update
from sqlalchemy.orm import Session

from db.models import Source

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


def fetch_states(session: Session, names: Iterable[str]) -> dict[str, FetchState]:
    """The enabled sources among ``names``, by name."""
    rows = session.scalars(
        select(Source).where(Source.name.in_(list(names)), Source.enabled.is_(True))
    )
    return {
        source.name: FetchState(
            source.id,
            source.name,
            source.kind,
            source.url,
            source.etag,
            source.last_modified,
            source.consecutive_failures,
            source.selector_misses,
            source.retry_after_until,
            source.next_due_at,
        )
        for source in rows
    }


def claim(session: Session, source_id: int, owner: str, now: datetime, until: datetime) -> bool:
    """Take the source's lease unless another live owner holds it."""
    result = session.execute(
        update(Source)
        .where(Source.id == source_id, _free(owner, now))
        .values(lease_owner=owner, lease_expires_at=until)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def claim_all(
    session: Session, source_ids: Iterable[int], owner: str, now: datetime, until: datetime
) -> set[int]:
    """Take the lease of each source that no other live owner holds; returns those taken.

    One atomic UPDATE per chunk, then a read of what this owner now holds.
    """
    ids = list(source_ids)
    for start in range(0, len(ids), 500):
        session.execute(
            update(Source)
            .where(Source.id.in_(ids[start : start + 500]), _free(owner, now))
            .values(lease_owner=owner, lease_expires_at=until)
            .execution_options(synchronize_session=False)
        )
    held = session.scalars(select(Source.id).where(Source.lease_owner == owner))
    return set(held) & set(ids)


def _free(owner: str, now: datetime) -> Any:
    return or_(
        Source.lease_owner.is_(None), Source.lease_owner == owner, Source.lease_expires_at < now
    )


def lease_holders(
    session: Session, source_ids: Iterable[int], owner: str, now: datetime
) -> set[str]:
    """Owners other than ``owner`` holding a live lease on one of the sources."""
    ids = list(source_ids)
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        found.update(
            session.scalars(
                select(Source.lease_owner)
                .where(
                    Source.id.in_(ids[start : start + 500]),
                    Source.lease_owner.is_not(None),
                    Source.lease_owner != owner,
                    Source.lease_expires_at >= now,
                )
                .distinct()
            )
        )
    return {holder for holder in found if holder is not None}


def release_owners(session: Session, owners: Sequence[str]) -> int:
    """Free every lease of these owners (processes known to be gone); how many were."""
    result = session.execute(
        update(Source)
        .where(Source.lease_owner.in_(list(owners)))
        .values(lease_owner=None, lease_expires_at=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def release_all(session: Session, owner: str) -> None:
    """Give back every lease still held by ``owner`` (end or interruption of a pass)."""
    session.execute(
        update(Source)
        .where(Source.lease_owner == owner)
        .values(lease_owner=None, lease_expires_at=None)
        .execution_options(synchronize_session=False)
    )


def release(session: Session, source_id: int, owner: str) -> None:
    session.execute(
        update(Source)
        .where(Source.id == source_id, Source.lease_owner == owner)
        .values(lease_owner=None, lease_expires_at=None)
        .execution_options(synchronize_session=False)
    )


def record_success(
    session: Session,
    source_id: int,
    *,
    now: datetime,
    next_due_at: datetime,
    owner: str,
    fields: dict[str, Any],
) -> None:
    """A good fetch (new content or 304): failures reset, validators kept, lease released."""
    _update(
        session,
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


def record_not_modified(session: Session, rows: Sequence[NotModifiedRow]) -> None:
    """Many 304s at once, as ``record_success``: one statement executed for every row.

    Each row is (source id, lease owner, now, next due time, etag, last modified).
    """
    if not rows:
        return
    table = Source.__table__
    assert isinstance(table, Table)
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
    session.connection().execute(
        statement,
        [
            {"row_id": id_, "owner": owner, "now": now, "next_due": next_due,
             "row_etag": etag, "row_last_modified": last_modified}
            for id_, owner, now, next_due, etag, last_modified in rows
        ],
    )  # fmt: skip


def record_failure(
    session: Session,
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
        "consecutive_failures": Source.consecutive_failures + 1,
        "last_error": error,
        "next_due_at": next_due_at,
        "retry_after_until": retry_after_until,
        "selector_misses": Source.selector_misses + 1 if selector_miss else 0,
        "lease_owner": None,
        "lease_expires_at": None,
    }
    if gone:
        values |= {"enabled": False, "disabled_by": "gone", "disabled_reason": error}
    if suggested_url is not None:
        values["suggested_url"] = suggested_url
    _update(session, source_id, owner, **values)


_SOURCES = cast(Table, Source.__table__)


def _update(session: Session, source_id: int, owner: str, **values: Any) -> None:
    """Write the outcome unless another process has taken the lease over meanwhile."""
    session.connection().execute(
        update(_SOURCES)
        .where(
            _SOURCES.c.id == source_id,
            or_(_SOURCES.c.lease_owner == owner, _SOURCES.c.lease_owner.is_(None)),
        )
        .values(updated_at=values.get("last_fetched_at"), **values)
    )


def due_names(session: Session, now: datetime) -> list[str]:
    """Enabled sources whose next check is due (or never scheduled)."""
    return list(
        session.scalars(
            select(Source.name).where(
                Source.enabled.is_(True),
                or_(Source.next_due_at.is_(None), Source.next_due_at <= now),
            )
        )
    )
