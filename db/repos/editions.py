"""Editions of the newsletter and the articles they are assembled from."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, defer, selectinload

from db.models import Article, Edition, EditionItem, Label, PageChange

VISIBLE_STATUSES = ("published", "sent")


def get_by_week(session: Session, week: str) -> Edition | None:
    return session.scalar(
        select(Edition)
        .where(Edition.week == week)
        .options(
            selectinload(Edition.items)
            .selectinload(EditionItem.article)
            .selectinload(Article.labels),
            selectinload(Edition.items)
            .selectinload(EditionItem.article)
            .selectinload(Article.source),
        )
    )


def get_or_create(session: Session, week: str) -> Edition:
    edition = get_by_week(session, week)
    if edition is None:
        edition = Edition(week=week)
        session.add(edition)
        session.flush()
    return edition


@dataclass(frozen=True, slots=True)
class LabelScore:
    """A label as the edition weighs it, without its explanation."""

    label: str
    kind: str
    score: float
    origin: str


@dataclass(slots=True)
class Ranked:
    """One of the week's articles: its id, relevance and labels; nothing else is read."""

    id: int
    relevance: float | None
    labels: list[LabelScore] = field(default_factory=list)


def _week_filter(start: datetime, end: datetime, kind: str) -> tuple[Any, ...]:
    return (
        Article.kind == kind,
        Article.published_at >= start,
        Article.published_at < end,
        Article.duplicate_of_id.is_(None),
        Article.status != "rejected",
    )


def week_ranking(session: Session, start: datetime, end: datetime) -> list[Ranked]:
    """The week's articles (as ``week_articles`` filters them) as ids, relevance and
    labels, in two plain queries: cheap enough to weigh thousands of them."""
    filters = _week_filter(start, end, "article")
    rows = {
        article_id: Ranked(article_id, relevance)
        for article_id, relevance in session.execute(
            select(Article.id, Article.relevance).where(*filters)
        )
    }
    labels = session.execute(
        select(Label.article_id, Label.label, Label.kind, Label.score, Label.origin)
        .join(Article, Article.id == Label.article_id)
        .where(*filters)
    )
    for article_id, label, kind, score, origin in labels:
        rows[article_id].labels.append(LabelScore(label, kind, score, origin))
    return list(rows.values())


def articles_by_id(session: Session, ids: Sequence[int]) -> dict[int, Article]:
    """The articles with their labels and source, for the few an edition shows."""
    query = (
        select(Article)
        .where(Article.id.in_(ids))
        .options(
            defer(Article.full_text), selectinload(Article.labels), selectinload(Article.source)
        )
    )
    return {article.id: article for article in session.scalars(query)}


def _week_articles_query(start: datetime, end: datetime, kind: str) -> Select[Article]:
    """By the inbox index (non-duplicates by publication date, migration 0009); the full
    text is not read (an edition shows summaries)."""
    return (
        select(Article)
        .where(*_week_filter(start, end, kind))
        .options(
            defer(Article.full_text), selectinload(Article.labels), selectinload(Article.source)
        )
    )


def week_articles(session: Session, start: datetime, end: datetime) -> Sequence[Article]:
    """The week's articles by publication date, as curators see them (no duplicate,
    nothing rejected), best ranked first."""
    query = _week_articles_query(start, end, "article").order_by(
        Article.relevance.desc().nulls_last(), Article.published_at.desc(), Article.id
    )
    return session.scalars(query).all()


def regulation_updates(
    session: Session, start: datetime, end: datetime
) -> list[tuple[Article, PageChange | None]]:
    """The week's regulation page updates, with the change that produced each one."""
    query = _week_articles_query(start, end, "regulation_update").order_by(
        Article.published_at, Article.id
    )
    articles = session.scalars(query).all()
    changes = {
        change.article_id: change
        for change in session.scalars(
            select(PageChange).where(PageChange.article_id.in_([a.id for a in articles]))
        )
    }
    return [(article, changes.get(article.id)) for article in articles]


def fill_automatic(session: Session, edition: Edition, picks: Sequence[tuple[int, str]]) -> Edition:
    """Put the proposed (article id, section) pairs in an edition marked automatic."""
    edition.automatic = True
    for position, (article_id, section) in enumerate(picks):
        edition.items.append(EditionItem(article_id=article_id, section=section, position=position))
    session.flush()
    return edition


def mark_published(session: Session, edition: Edition, now: datetime) -> None:
    if edition.status == "draft":
        edition.status = "published"
    if edition.published_at is None:
        edition.published_at = now
    session.flush()


def mark_sent(session: Session, edition: Edition) -> None:
    edition.status = "sent"
    session.flush()


def published(session: Session, limit: int = 100) -> Sequence[Edition]:
    """Published (or sent) editions, newest week first."""
    return session.scalars(
        select(Edition)
        .where(Edition.status.in_(VISIBLE_STATUSES))
        .order_by(Edition.week.desc())
        .limit(limit)
    ).all()


def item_counts(session: Session, editions: Sequence[Edition]) -> dict[int, int]:
    """How many articles each of these editions holds, by edition id."""
    rows = session.execute(
        select(EditionItem.edition_id, func.count())
        .where(EditionItem.edition_id.in_([edition.id for edition in editions]))
        .group_by(EditionItem.edition_id)
    ).all()
    return {edition_id: count for edition_id, count in rows}


def published_items(session: Session, limit_editions: int = 52) -> Sequence[EditionItem]:
    """Items of the latest published editions, with their article, labels and edition."""
    weeks = [edition.id for edition in published(session, limit_editions)]
    return session.scalars(
        select(EditionItem)
        .where(EditionItem.edition_id.in_(weeks))
        .options(
            selectinload(EditionItem.edition),
            selectinload(EditionItem.article).selectinload(Article.labels),
            selectinload(EditionItem.article).selectinload(Article.source),
        )
    ).all()
