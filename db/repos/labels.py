"""Queries of the classifier: curator labels to learn from, model labels to write.

A curator's decision on a label is a row of origin ``curator`` scored 1.0
(the label applies) or 0.0 (it does not). A correction writes only the labels
it changes. An article with at least one such row is *curated*: its labels
are its curator rows scored 1.0 plus the model's labels the curator left in
place (no curator row for them), which makes it a complete training example.
Rows of origin ``model`` are the classifier's proposals; rewriting them never
touches a curator row.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.models import Article, EditionItem, Label

CURATOR = "curator"
MODEL = "model"


@dataclass(frozen=True, slots=True)
class ArticleText:
    """What the classifier reads of an article."""

    id: int
    title: str
    text: str
    language: str


@dataclass(frozen=True, slots=True)
class CuratedArticle:
    """An article whose labels a curator set: its text and the labels that apply."""

    article: ArticleText
    labels: dict[str, str]  # label id -> kind ("theme" | "job")


@dataclass(frozen=True, slots=True)
class ModelLabel:
    """One label proposed by the model for an article."""

    label: str
    kind: str
    score: float
    explanation: list[str]
    uncertain: bool = False


def _text_of(article: Article) -> ArticleText:
    body = article.full_text or article.summary_html or ""
    return ArticleText(article.id, article.title or "", body, article.language or "")


def curated_articles(session: Session) -> list[CuratedArticle]:
    """Every article with curator rows, with the labels it carries after curation:
    the curator's kept labels and the model's labels the curator left in place."""
    curated = select(Label.article_id).where(Label.origin == CURATOR)
    rows = session.execute(
        select(Article, Label)
        .join(Label, Label.article_id == Article.id)
        .where(Article.id.in_(curated))
        .order_by(Article.id, Label.label)
    )
    articles: dict[int, Article] = {}
    by_article: dict[int, list[Label]] = defaultdict(list)
    for article, label in rows:
        articles[article.id] = article
        by_article[article.id].append(label)
    return [CuratedArticle(_text_of(a), _kept(by_article[a.id])) for a in articles.values()]


def _kept(labels: Sequence[Label]) -> dict[str, str]:
    decided = {label.label for label in labels if label.origin == CURATOR}
    return {
        label.label: label.kind
        for label in labels
        if (label.origin == CURATOR and label.score >= 0.5)
        or (label.origin == MODEL and label.label not in decided)
    }


def curation_decisions(session: Session) -> list[tuple[str, bool]]:
    """(title and text, selected?) for articles curators selected or rejected.

    An article placed in an edition counts as selected whatever its status.
    """
    in_edition = select(EditionItem.article_id)
    query = select(Article).where(
        Article.duplicate_of_id.is_(None),
        (Article.status.in_(("selected", "rejected"))) | Article.id.in_(in_edition),
    )
    selected_ids = set(session.scalars(in_edition))
    decisions = []
    for article in session.scalars(query.order_by(Article.id)):
        text = _text_of(article)
        chosen = article.status == "selected" or article.id in selected_ids
        decisions.append((f"{text.title}\n{text.text}", chosen))
    return decisions


def articles_collected_since(session: Session, since: datetime) -> list[ArticleText]:
    """Articles (duplicates excluded) collected at or after ``since``, oldest first."""
    query = (
        select(Article)
        .where(Article.collected_at >= since, Article.duplicate_of_id.is_(None))
        .order_by(Article.collected_at, Article.id)
    )
    return [_text_of(article) for article in session.scalars(query)]


def articles_by_ids(session: Session, article_ids: Sequence[int]) -> list[ArticleText]:
    """The texts of the given articles (for classifying what a collection added)."""
    query = select(Article).where(Article.id.in_(article_ids)).order_by(Article.id)
    return [_text_of(article) for article in session.scalars(query)]


def unclassified_article_ids(session: Session) -> list[int]:
    """Articles never classified (a failed or skipped classification), duplicates excluded."""
    query = select(Article.id).where(
        Article.classified_at.is_(None), Article.duplicate_of_id.is_(None)
    )
    return list(session.scalars(query.order_by(Article.id)))


def replace_model_labels(
    session: Session,
    article_id: int,
    labels: Iterable[ModelLabel],
    model_version: str,
    relevance: float,
    classified_at: datetime,
) -> None:
    """Replace the model's rows of one article; curator rows stay as they are."""
    session.execute(delete(Label).where(Label.article_id == article_id, Label.origin == MODEL))
    for item in labels:
        session.add(
            Label(
                article_id=article_id,
                label=item.label,
                kind=item.kind,
                score=item.score,
                origin=MODEL,
                model_version=model_version,
                explanation=list(item.explanation),
                uncertain=item.uncertain,
                created_at=classified_at,
            )
        )
    article = session.get(Article, article_id)
    if article is not None:
        article.relevance = relevance
        article.classified_at = classified_at
    session.flush()


def labels_of(session: Session, article_ids: Sequence[int]) -> list[Label]:
    """All label rows of the given articles, for checks and reports."""
    query = select(Label).where(Label.article_id.in_(article_ids)).order_by(Label.id)
    return list(session.scalars(query))
