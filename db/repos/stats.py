"""Counts for ``veille stats`` and the administrator's dashboard."""

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    Article,
    Delivery,
    Edition,
    Label,
    PageChange,
    Subscriber,
)


def _count_by(session: Session, column: Any) -> dict[str, int]:
    rows = session.execute(select(column, func.count()).group_by(column))
    return {str(key): count for key, count in rows}


def collect_stats(session: Session) -> dict[str, Any]:
    """Counts of what the database holds; the sources' health is ``veille.health``'s."""
    total = session.scalar(select(func.count()).select_from(Article)) or 0
    duplicates = session.scalar(
        select(func.count()).select_from(Article).where(Article.duplicate_of_id.is_not(None))
    )
    labelled = session.scalar(select(func.count(func.distinct(Label.article_id))))
    return {
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


def last_collection_at(session: Session, collect_job: str) -> datetime | None:
    """When a collection last happened: a source fetched, or the collection job finished."""
    from db.models import JobRun, Source

    fetched = session.scalar(select(func.max(Source.last_fetched_at)))
    ran = session.scalar(select(func.max(JobRun.finished_at)).where(JobRun.job_id == collect_job))
    moments = [moment for moment in (fetched, ran) if moment is not None]
    return max(moments) if moments else None


def last_success_at(session: Session) -> datetime | None:
    from db.models import Source

    return session.scalar(select(func.max(Source.last_success_at)))


def counts_by(session: Session, what: str) -> dict[str, int]:
    """Articles by kind (``articles``) or deliveries by status (``deliveries``)."""
    column = {"articles": Article.kind, "deliveries": Delivery.status}[what]
    return _count_by(session, column)
