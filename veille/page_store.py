"""Store one watched page's text: a baseline, nothing new, or a change.

A change becomes a « Mise à jour » article with its diff, and the
obligations (deadlines) the page states are reconciled with those known.
Runs in the pipeline's database thread, one transaction per page; imported
only when a page is collected, since the deadlines code brings icalendar
and babel.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from db.repos import articles as articles_repo
from db.repos import collection
from db.repos import pages as pages_repo
from veille.collect.diff import diff_texts, passages_html, passages_text
from veille.obligations import (
    PageVersion,
    apply_plan,
    backfill,
    move_lines,
    moves_html,
    plan_for,
)
from veille.types import Collected, PageText

UPDATE_TITLE = "Mise à jour : {name}"


@dataclass
class PageBatch:
    """A fetched watched page, reduced to its text."""

    source_id: int
    name: str
    url: str
    language: str | None
    owner: str
    now: datetime
    next_due_at: datetime
    text: PageText
    state: dict[str, Any] = field(default_factory=dict)


def save_page(session_factory: sessionmaker[Session], page: PageBatch) -> Collected:
    """Store the page's text and record the source's success, in one transaction."""
    with session_scope(session_factory) as session:
        result = _store_page(session, page)
        collection.record_success(
            session.connection(), page.source_id, now=page.now, next_due_at=page.next_due_at,
            owner=page.owner, fields=page.state | {"selector_misses": 0},
        )  # fmt: skip
        return result


def _store_page(session: Session, page: PageBatch) -> Collected:
    latest = pages_repo.latest_snapshot(session, page.source_id)
    if latest is not None and latest.text_hash == page.text.text_hash:
        latest.raw_hash = page.text.raw_hash
        backfill(session, latest.text, PageVersion(page.source_id, page.url, latest.id, page.now))
        return Collected()
    snapshot = pages_repo.add_snapshot(
        session, page.source_id, raw_hash=page.text.raw_hash, text_hash=page.text.text_hash,
        text=page.text.text, now=page.now,
    )  # fmt: skip
    version = PageVersion(page.source_id, page.url, snapshot.id, page.now)
    plan = plan_for(session, page.source_id, page.text.text)
    if latest is None:
        apply_plan(session, plan, version, None)
        return Collected(warning="première capture : elle sert de référence")
    diff = diff_texts(latest.text, page.text.text)
    moves = move_lines(plan)
    summary = moves_html(moves) + passages_html(diff)
    [article_id] = articles_repo.insert_articles(
        session,
        [
            {
                "source_id": page.source_id,
                "kind": "regulation_update",
                "url": page.url,
                "guid": f"page:{snapshot.id}",
                "title": UPDATE_TITLE.format(name=page.name),
                "summary_html": summary,
                "full_text": "\n".join([*moves, passages_text(diff)]),
                "language": page.language,
                "published_at": page.now,
                "collected_at": page.now,
                "content_hash": page.text.text_hash,
            }
        ],
    )
    change = pages_repo.add_change(
        session, source_id=page.source_id, old_snapshot_id=latest.id,
        new_snapshot_id=snapshot.id, article_id=article_id, detected_at=page.now,
        diff_unified=diff.unified, diff_html=diff.html, added_words=diff.added_words,
        removed_words=diff.removed_words,
    )  # fmt: skip
    apply_plan(session, plan, version, change.id)
    return Collected(new=1, new_article_ids=(article_id,), changed=True)
