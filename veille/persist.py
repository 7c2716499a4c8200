"""The storage side of a collection pass: one transaction per source.

Runs in the pipeline's database thread. A feed's entries are decided and
stored by ``veille.feed_store`` (loaded on the first feed with something
new), a page's by ``veille.page_store``; the 304s and the failures are
written here, on the sources table alone.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from db.engine import connection_scope, make_session_factory
from db.repos import collection
from veille.types import Candidate, Collected

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from veille.feed_store import FeedStore

NOT_MODIFIED_BATCH = 50
# (source id, lease owner, now, next due time, etag, last modified) of a 304.
NotModifiedState = collection.NotModifiedRow


@dataclass
class FeedBatch:
    """Everything to store for one feed source."""

    source_id: int
    owner: str
    now: datetime
    next_due_at: datetime
    entries: tuple[Candidate, ...]
    state: dict[str, Any] = field(default_factory=dict)
    full_texts: dict[str, str] = field(default_factory=dict)


class Store:
    """The storage side of a collection pass (one per pass, one thread).

    A 304 or a failure is a Core statement on the sources table; the ORM and
    the models load only with the first feed or page that has something new.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._session_factory: sessionmaker[Session] | None = None
        self._feeds: FeedStore | None = None

    @property
    def session_factory(self) -> "sessionmaker[Session]":
        if self._session_factory is None:
            self._session_factory = make_session_factory(self.engine)
        return self._session_factory

    def feeds(self) -> "FeedStore":
        if self._feeds is None:
            from veille.feed_store import FeedStore

            self._feeds = FeedStore(self.session_factory)
        return self._feeds

    def known_guids(self, source_id: int, guids: list[str]) -> set[str]:
        return self.feeds().known_guids(source_id, guids)

    def save_feed(self, batch: FeedBatch) -> Collected:
        return self.feeds().save(batch)

    def save_not_modified(
        self, batch: Sequence[NotModifiedState], release_owner: str | None = None
    ) -> None:
        """Write a batch of 304 states in one transaction; optionally free all leases.

        304s are written in batches: losing one in a crash only means a re-fetch.
        """
        with connection_scope(self.engine) as connection:
            collection.record_not_modified(connection, batch)
            if release_owner is not None:
                collection.release_all(connection, release_owner)

    def save_failure(
        self, source_id: int, owner: str, now: datetime, next_due_at: datetime, **failure: Any
    ) -> None:
        with connection_scope(self.engine) as connection:
            collection.record_failure(
                connection, source_id, now=now, next_due_at=next_due_at, owner=owner, **failure
            )
