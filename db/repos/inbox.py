"""The curation inbox: one week's articles, filtered, counted by status, sorted, paged.

Every listing is bounded to a week (``published_at`` in ``[start, end)``) and
to the first article of each duplicate group; the ``ix_articles_inbox`` index
answers both conditions, so a page costs the week's size, not the table's.
A page is read in two steps: the ids of the page (a narrow sort), then those
articles with their labels and sources.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from db import search
from db.models import Article, Label, Source
from db.repos.curation import CURATOR

SORTS = ("relevance", "date", "source")


@dataclass(frozen=True, slots=True)
class InboxFilter:
    """What the curator asked to see; ``start``/``end`` bound ``published_at``."""

    start: datetime
    end: datetime
    theme: str | None = None
    job: str | None = None
    source_id: int | None = None
    status: str | None = None
    kind: str | None = None
    text: str | None = None
    min_score: float = 0.0
    uncertain: bool = False  # only articles with a model label to check


@dataclass(frozen=True, slots=True)
class InboxPage:
    articles: list[Article]
    total: int
    duplicates: dict[int, list[Article]]
    counts: dict[str, int]  # by status, for the filter without its status


def _has_label(label_id: str, min_score: float) -> ColumnElement[bool]:
    def _row(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
        return exists().where(Label.article_id == Article.id, Label.label == label_id, *conditions)

    by_curator = _row(Label.origin == CURATOR, Label.score >= 0.5)
    by_model = and_(
        _row(Label.origin != CURATOR, Label.score >= min_score), ~_row(Label.origin == CURATOR)
    )
    return or_(by_curator, by_model)


def _has_uncertain_label(min_score: float) -> ColumnElement[bool]:
    """A shown model label flagged uncertain, on which no curator has decided yet."""
    curator = aliased(Label)
    decided = exists().where(
        curator.article_id == Article.id, curator.label == Label.label, curator.origin == CURATOR
    )
    return exists().where(
        Label.article_id == Article.id,
        Label.origin != CURATOR,
        Label.uncertain.is_(True),
        Label.score >= min_score,
        ~decided,
    )


def _conditions(wanted: InboxFilter, dialect: str) -> list[ColumnElement[bool]]:
    conditions = [
        Article.duplicate_of_id.is_(None),
        Article.published_at >= wanted.start,
        Article.published_at < wanted.end,
    ]
    for label_id in (wanted.theme, wanted.job):
        if label_id:
            conditions.append(_has_label(label_id, wanted.min_score))
    if wanted.uncertain:
        conditions.append(_has_uncertain_label(wanted.min_score))
    if wanted.source_id is not None:
        conditions.append(Article.source_id == wanted.source_id)
    if wanted.status:
        conditions.append(Article.status == wanted.status)
    if wanted.kind:
        conditions.append(Article.kind == wanted.kind)
    if wanted.text:
        found = search.matches(dialect, wanted.text)
        if found is not None:
            conditions.append(found)
    return conditions


def _order(sort: str) -> tuple[Any, ...]:
    newest = (Article.published_at.desc(), Article.id)
    if sort == "date":
        return newest
    if sort == "source":
        return (Source.name, *newest)
    return (Article.relevance.is_(None), Article.relevance.desc(), *newest)


def inbox_page(
    session: Session, wanted: InboxFilter, offset: int, limit: int, sort: str = "relevance"
) -> InboxPage:
    """The page's articles (most relevant first by default), the total and the status counts."""
    dialect = session.get_bind().dialect.name
    counts = status_counts(session, wanted)
    total = counts.get(wanted.status, 0) if wanted.status else sum(counts.values())
    query = select(Article.id).where(*_conditions(wanted, dialect))
    if sort == "source":
        query = query.join(Source, Source.id == Article.source_id)
    ids = list(session.scalars(query.order_by(*_order(sort)).offset(offset).limit(limit)))
    articles = articles_by_id(session, ids)
    return InboxPage(articles, total, duplicates_of(session, ids), counts)


def articles_by_id(session: Session, ids: list[int]) -> list[Article]:
    """The articles of ``ids`` in that order, with their labels and source."""
    if not ids:
        return []
    query = (
        select(Article)
        .where(Article.id.in_(ids))
        .options(selectinload(Article.labels), selectinload(Article.source))
    )
    found = {article.id: article for article in session.scalars(query)}
    return [found[article_id] for article_id in ids if article_id in found]


def status_counts(session: Session, wanted: InboxFilter) -> dict[str, int]:
    """How many articles of the filter are in each status (the status filter itself ignored)."""
    conditions = _conditions(replace(wanted, status=None), session.get_bind().dialect.name)
    query = select(Article.status, func.count()).where(*conditions).group_by(Article.status)
    return {status: count for status, count in session.execute(query)}


def duplicates_of(session: Session, article_ids: Iterable[int]) -> dict[int, list[Article]]:
    """The folded duplicates of each given article, with their sources."""
    ids = list(article_ids)
    folded: dict[int, list[Article]] = {article_id: [] for article_id in ids}
    if not ids:
        return folded
    query = (
        select(Article)
        .where(Article.duplicate_of_id.in_(ids))
        .options(selectinload(Article.source))
        .order_by(Article.published_at)
    )
    for duplicate in session.scalars(query):
        folded[duplicate.duplicate_of_id or 0].append(duplicate)
    return folded
