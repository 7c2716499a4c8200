"""Sources: synchronisation with the catalogue, administration.

Every sync records the digest of the catalogue it applied;
``catalogue_mark.sync_if_changed`` skips the comparison of every source when
that digest has not changed. An administrator's change to a source (enable,
disable) forgets the digest, so the next pass applies the catalogue again.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.errors import NotFoundError
from db.models import Article, Source
from db.repos import catalogue_mark

REASON_REMOVED = "retirée du catalogue"
REASON_CATALOGUE = "désactivée dans le catalogue"
REASON_ADMIN = "désactivée par un administrateur"
_FETCH_STATE_RESET: dict[str, Any] = {
    "etag": None,
    "last_modified": None,
    "consecutive_failures": 0,
    "selector_misses": 0,
    "next_due_at": None,
    "hint_seconds": None,
    "suggested_url": None,
}


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def all_sources(session: Session) -> list[Source]:
    return list(session.scalars(select(Source).order_by(Source.kind, Source.name)))


def get_by_name(session: Session, name: str) -> Source:
    source = session.scalar(select(Source).where(Source.name == name))
    if source is None:
        raise NotFoundError(f"aucune source nommée {name!r}")
    return source


def sync_from_catalogue(session: Session, entries: Sequence[Mapping[str, Any]]) -> SyncReport:
    """Make the table match the catalogue; never deletes a source or its articles.

    Entries are keyed by name. A removed entry is disabled; a changed URL
    resets the fetch state; a source disabled by an administrator stays so.
    """
    report = SyncReport()
    existing = {source.name: source for source in all_sources(session)}
    for entry in entries:
        source = existing.pop(entry["name"], None)
        if source is None:
            session.add(_new_source(entry))
            report.added.append(entry["name"])
        elif _apply(source, entry):
            report.updated.append(source.name)
        else:
            report.unchanged.append(source.name)
    for source in existing.values():
        if source.in_catalogue:
            source.in_catalogue = False
            _disable(source, "catalogue", REASON_REMOVED)
            report.disabled.append(source.name)
    catalogue_mark.remember(session.connection(), entries)
    session.flush()
    return report


def forget_catalogue(session: Session) -> None:
    """The next pass syncs the catalogue again (after a change made outside it)."""
    catalogue_mark.forget(session.connection())


def _new_source(entry: Mapping[str, Any]) -> Source:
    source = Source(url=entry["catalogue_url"], in_catalogue=True, consecutive_failures=0)
    _apply(source, entry)
    return source


def _apply(source: Source, entry: Mapping[str, Any]) -> bool:
    """Copy the catalogue's fields; True when something changed."""
    changed = False
    if source.catalogue_url != entry["catalogue_url"]:
        if source.id is not None:
            changed = True
            for key, value in _FETCH_STATE_RESET.items():
                setattr(source, key, value)
            if source.disabled_by == "gone":
                source.disabled_by = None
        source.url = entry["catalogue_url"]
    for key, value in entry.items():
        if key != "enabled" and getattr(source, key) != value:
            setattr(source, key, value)
            changed = True
    if not source.in_catalogue:
        source.in_catalogue = True
        changed = True
    return _apply_enabled(source, bool(entry["enabled"])) or changed


def _apply_enabled(source: Source, wanted: bool) -> bool:
    before = (source.enabled, source.disabled_by)
    if not wanted:
        _disable(source, "catalogue", REASON_CATALOGUE)
    elif source.disabled_by in (None, "catalogue"):
        source.enabled, source.disabled_by, source.disabled_reason = True, None, None
    return before != (source.enabled, source.disabled_by)


def _disable(source: Source, by: str, reason: str) -> None:
    if source.disabled_by in ("admin", "gone") and by == "catalogue":
        return
    source.enabled, source.disabled_by, source.disabled_reason = False, by, reason


def disable(session: Session, name: str, reason: str = REASON_ADMIN) -> Source:
    source = get_by_name(session, name)
    source.enabled, source.disabled_by, source.disabled_reason = False, "admin", reason
    forget_catalogue(session)
    return source


def enable(session: Session, name: str) -> Source:
    """Re-enable a source disabled by an administrator or by a 410 Gone."""
    source = get_by_name(session, name)
    if not source.in_catalogue:
        raise NotFoundError(f"la source {name!r} n'est plus dans le catalogue")
    source.enabled, source.disabled_by, source.disabled_reason = True, None, None
    source.consecutive_failures, source.next_due_at = 0, None
    forget_catalogue(session)
    return source


@dataclass(frozen=True, slots=True)
class StoredState:
    """What a one-off check of a source reads from the database (and never writes)."""

    url: str
    etag: str | None
    last_modified: str | None
    newest_article_at: datetime | None


def stored_states(session: Session) -> dict[str, StoredState]:
    """Every source's validators and its newest article's date, by source name."""
    newest = (
        select(Article.source_id, func.max(Article.published_at).label("newest"))
        .group_by(Article.source_id)
        .subquery()
    )
    query = select(
        Source.name, Source.url, Source.etag, Source.last_modified, newest.c.newest
    ).outerjoin(newest, newest.c.source_id == Source.id)
    return {
        name: StoredState(url, etag, last_modified, newest_at)
        for name, url, etag, last_modified, newest_at in session.execute(query)
    }
