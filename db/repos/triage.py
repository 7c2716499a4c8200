"""Triage decisions on many articles at once, and their undoing.

A :class:`Decision` is an article's state in the week's triage: its status
and, when selected, its section and comment in the draft edition. Bulk
actions compute the decisions they want; undo sends back the decisions read
before the change. Both go through :func:`decide`, which uses the same
functions as the one-article actions, so the draft edition stays consistent.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.errors import NotFoundError
from db.models import Article
from db.repos.curation import (
    edition_for_week,
    reject_article,
    reset_article,
    select_article,
)

DECIDED_STATUSES = ("new", "selected", "rejected")


@dataclass(frozen=True, slots=True)
class Decision:
    """One article's triage state for a week (``section``/``comment`` when selected)."""

    article_id: int
    status: str
    section: str = ""
    comment: str = ""


def get_articles(session: Session, ids: Iterable[int]) -> list[Article]:
    """The articles of ``ids``, in that order; NotFoundError names the first one missing."""
    wanted = list(dict.fromkeys(ids))
    found = {a.id: a for a in session.scalars(select(Article).where(Article.id.in_(wanted)))}
    missing = [article_id for article_id in wanted if article_id not in found]
    if missing:
        raise NotFoundError(f"aucun article n° {missing[0]}")
    return [found[article_id] for article_id in wanted]


def decisions_of(session: Session, week: str, articles: Iterable[Article]) -> list[Decision]:
    """The articles' current states, with their place in the week's edition when they have one."""
    edition = edition_for_week(session, week)
    items = {item.article_id: item for item in edition.items} if edition else {}
    states = []
    for article in articles:
        item = items.get(article.id)
        section, comment = (item.section, item.comment) if item else ("", "")
        states.append(Decision(article.id, article.status, section, comment))
    return states


def decide(session: Session, week: str, decisions: Iterable[Decision]) -> list[Article]:
    """Apply each decision; EditionNotEditable when the week's edition is no longer a draft.

    An article outside the edition only changes status: the edition is read
    once, not once per article, and a page is rejected in one pass.
    """
    chosen = list({decision.article_id: decision for decision in decisions}.values())
    articles = get_articles(session, [decision.article_id for decision in chosen])
    edition = edition_for_week(session, week)
    placed = {item.article_id for item in edition.items} if edition else set()
    for article, decision in zip(articles, chosen, strict=True):
        if decision.status == "selected":
            select_article(session, article, week, decision.section, decision.comment)
        elif article.id not in placed:
            article.status = decision.status
        elif decision.status == "rejected":
            reject_article(session, article, week)
        else:
            reset_article(session, article, week)
    session.flush()
    return articles
