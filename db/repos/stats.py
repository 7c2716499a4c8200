"""Counts for ``veille stats`` and the administrator's dashboard."""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    Article,
    Delivery,
    Edition,
    Label,
    PageChange,
    Source,
    Subscriber,
)


def _count_by(session: Session, column: Any) -> dict[str, int]:
    rows = session.execute(select(column, func.count()).group_by(column))
    return {str(key): count for key, count in rows}


def source_health(session: Session, failure_threshold: int) -> dict[str, int]:
    """Sources by health: ok, failing (en panne), disabled, never fetched."""
    counts = {"total": 0, "ok": 0, "failing": 0, "disabled": 0, "never_fetched": 0}
    for source in session.scalars(select(Source)):
        counts["total"] += 1
        if not source.enabled:
            counts["disabled"] += 1
        elif source.consecutive_failures >= failure_threshold:
            counts["failing"] += 1
        elif source.last_fetched_at is None:
            counts["never_fetched"] += 1
        else:
            counts["ok"] += 1
    return counts


def collect_stats(session: Session, failure_threshold: int) -> dict[str, Any]:
    total = session.scalar(select(func.count()).select_from(Article)) or 0
    duplicates = session.scalar(
        select(func.count()).select_from(Article).where(Article.duplicate_of_id.is_not(None))
    )
    labelled = session.scalar(select(func.count(func.distinct(Label.article_id))))
    return {
        "sources": source_health(session, failure_threshold),
        "articles": {
            "total": total,
            "by_kind": _count_by(session, Article.kind),
            "by_status": _count_by(session, Article.status),
        },
        "duplicates_merged": duplicates or 0,
        "labelled_articles": labelled or 0,
        "page_changes": session.scalar(select(func.count()).select_from(PageChange)) or 0,
        "editions": _count_by(session, Edition.status)
        | {"total": session.scalar(select(func.count()).select_from(Edition)) or 0},
        "subscribers": _count_by(session, Subscriber.status)
        | {"total": session.scalar(select(func.count()).select_from(Subscriber)) or 0},
        "deliveries": _count_by(session, Delivery.status)
        | {"total": session.scalar(select(func.count()).select_from(Delivery)) or 0},
    }
