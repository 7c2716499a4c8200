"""Decide and store a feed's entries: new, updated, or a duplicate of another article.

Runs in the pipeline's database thread, one transaction per feed: the
articles, the source's new state and the release of its lease are committed
together, so a crash leaves either everything of that feed or nothing, and a
re-run finds what was stored by GUID or canonical URL instead of adding it
again. Loaded by ``veille.persist.Store`` on the first feed with something
new (it brings the ORM and the models).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from db.repos import articles as articles_repo
from db.repos import collection
from veille.collect.dedup import NearDuplicateIndex, fingerprint
from veille.collect.normalise import cleaned_to_text
from veille.persist import FeedBatch
from veille.types import Candidate, Collected

DEDUP_WINDOW = timedelta(days=30)


@dataclass
class _Tally:
    new: int = 0
    updated: int = 0
    duplicates: int = 0
    originals: list[int] = field(default_factory=list)


class FeedStore:
    """The feed side of a pass's storage; keeps the near-duplicate index of the pass."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.session_factory = session_factory
        self._index: NearDuplicateIndex | None = None

    def index(self, session: Session, now: datetime) -> NearDuplicateIndex:
        """Recent originals, loaded once per pass on first need."""
        if self._index is None:
            self._index = NearDuplicateIndex()
            for id_, source_id, title, summary in articles_repo.recent_originals(
                session, now - DEDUP_WINDOW
            ):
                self._index.add(id_, source_id, fingerprint(title, cleaned_to_text(summary)))
        return self._index

    def known_guids(self, source_id: int, guids: list[str]) -> set[str]:
        with session_scope(self.session_factory) as session:
            return set(articles_repo.existing_by_guid(session, source_id, guids))

    def save(self, batch: FeedBatch) -> Collected:
        with session_scope(self.session_factory) as session:
            tally, added = self._store_entries(session, batch)
            collection.record_success(
                session.connection(), batch.source_id, now=batch.now,
                next_due_at=batch.next_due_at, owner=batch.owner, fields=batch.state,
            )  # fmt: skip
        for article_id, print_ in added:
            self._remember(article_id, batch.source_id, print_)
        return Collected(
            new=tally.new,
            updated=tally.updated,
            duplicates=tally.duplicates,
            new_article_ids=tuple(tally.originals),
            warning=batch.state.get("last_warning"),
        )

    def _remember(self, article_id: int, source_id: int, print_: Any) -> None:
        if self._index is not None:
            self._index.add(article_id, source_id, print_)

    def _store_entries(self, session: Session, batch: FeedBatch) -> tuple[_Tally, list[Any]]:
        entries = _unique(batch.entries)
        existing = articles_repo.existing_by_guid(
            session, batch.source_id, [e.guid for e in entries]
        )
        fresh = [entry for entry in entries if entry.guid not in existing]
        owners = articles_repo.owners_by_canonical(
            session, {e.canonical_url for e in fresh if e.canonical_url}
        )
        tally = _Tally()
        for entry in entries:
            if entry.guid in existing:
                id_, digest = existing[entry.guid]
                tally.updated += _update_if_changed(session, id_, digest, entry)
        rows, prints = self._new_rows(session, batch, fresh, owners, tally)
        ids = articles_repo.insert_articles(session, rows)
        added = [
            (id_, print_) for id_, row, print_ in zip(ids, rows, prints, strict=True)
            if row["duplicate_of_id"] is None
        ]  # fmt: skip
        tally.originals = [id_ for id_, _ in added]
        return tally, added

    def _new_rows(
        self,
        session: Session,
        batch: FeedBatch,
        fresh: list[Candidate],
        owners: dict[str, tuple[int, int]],
        tally: _Tally,
    ) -> tuple[list[dict[str, Any]], list[Any]]:
        rows: list[dict[str, Any]] = []
        prints: list[Any] = []
        for entry in fresh:
            owner = owners.get(entry.canonical_url or "")
            if owner is not None and owner[1] == batch.source_id:
                tally.updated += _update_if_changed(session, owner[0], "", entry)
                continue
            print_ = entry.fingerprint
            original = owner[0] if owner else self._near(session, batch, print_)
            row = _row(batch, entry, batch.full_texts.get(entry.guid))
            row["duplicate_of_id"] = original
            if owner is not None:
                row["canonical_url"] = None
            if original is None:
                tally.new += 1
            else:
                tally.duplicates += 1
            rows.append(row)
            prints.append(print_)
        return rows, prints

    def _near(self, session: Session, batch: FeedBatch, print_: Any) -> int | None:
        return self.index(session, batch.now).find(batch.source_id, print_)


def _unique(entries: tuple[Candidate, ...]) -> list[Candidate]:
    """Entries with a GUID or canonical URL seen earlier in the same feed are dropped."""
    seen: set[str] = set()
    kept: list[Candidate] = []
    for entry in entries:
        keys = {entry.guid, entry.canonical_url or entry.guid}
        if keys & seen:
            continue
        seen |= keys
        kept.append(entry)
    return kept


def _update_if_changed(session: Session, article_id: int, digest: str, entry: Candidate) -> int:
    if digest == entry.content_hash:
        return 0
    articles_repo.update_article(
        session,
        article_id,
        {
            "title": entry.title,
            "summary_html": entry.summary_html,
            "author": entry.author,
            "content_hash": entry.content_hash,
        },
    )
    return 1


def _row(batch: FeedBatch, entry: Candidate, full_text: str | None) -> dict[str, Any]:
    return {
        "source_id": batch.source_id,
        "kind": "article",
        "canonical_url": entry.canonical_url,
        "url": entry.url,
        "guid": entry.guid,
        "title": entry.title,
        "summary_html": entry.summary_html,
        "full_text": full_text,
        "author": entry.author,
        "language": entry.language,
        "published_at": entry.published_at,
        "published_estimated": entry.published_estimated,
        "collected_at": batch.now,
        "content_hash": entry.content_hash,
    }
