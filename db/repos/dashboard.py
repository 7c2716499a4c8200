"""Figures of the dashboard: labels of the recent weeks' articles, sources, subscribers."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Article, Label, Source, Subscriber


@dataclass(frozen=True, slots=True)
class LabelRow:
    article_id: int
    published_at: datetime
    label: str
    origin: str
    score: float


def theme_labels(session: Session, start: datetime, end: datetime) -> list[LabelRow]:
    """Theme label rows of the articles published in [start, end), duplicates left out."""
    query = (
        select(Article.id, Article.published_at, Label.label, Label.origin, Label.score)
        .join(Label, Label.article_id == Article.id)
        .where(
            Article.published_at >= start,
            Article.published_at < end,
            Article.duplicate_of_id.is_(None),
            Label.kind == "theme",
        )
    )
    return [LabelRow(*row) for row in session.execute(query)]


def sources(session: Session) -> Sequence[Source]:
    return session.scalars(select(Source).order_by(Source.name)).all()


def active_subscribers(session: Session) -> Sequence[Subscriber]:
    return session.scalars(select(Subscriber).where(Subscriber.status == "active")).all()
