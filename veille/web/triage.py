"""Triage of many articles at once: bulk actions, the page's untriaged ones, undo.

``POST /articles/bulk`` takes the ticked rows (``ids``) and an ``action``:
retain, reject or back to triage. The same form, with the ids of the page's
untriaged rows, rejects them all (Shift+X). ``POST /articles/restore`` puts
back the states an action answered in its ``undo`` (the page's ``u`` key).
"""

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from db.models import Article
from db.repos.curation import EditionNotEditable
from db.repos.triage import Decision, decide, decisions_of, get_articles
from veille.web.csrf import CSRF
from veille.web.deps import CurrentUser, DbSession
from veille.web.inbox_rows import answer, default_section, refused
from veille.web.views import MAX_ID, STATUS_NAMES, Labels, labels_of, require_section, week_param

router = APIRouter()
MAX_ARTICLES = 200
FormText = Annotated[str, Form()]
BULK_DONE = {
    "select": "retenu{s} pour l'édition {week}",
    "reject": "écarté{s}",
    "reset": "remis à trier",
}


def _target(action: str, now: Decision, article: Article, labels: Labels) -> Decision:
    """The decision ``action`` makes of an article's current state."""
    if action == "select":
        if now.status == "selected":
            return now
        return Decision(article.id, "selected", default_section(article, labels), now.comment)
    return Decision(article.id, "rejected" if action == "reject" else "new")


def _ids(values: list[int] | None) -> list[int]:
    chosen = list(dict.fromkeys(values or []))
    if len(chosen) > MAX_ARTICLES or any(not 1 <= value <= MAX_ID for value in chosen):
        raise HTTPException(status_code=400, detail="Sélection d'articles invalide.")
    return chosen


@router.post("/articles/bulk", dependencies=[CSRF])
def bulk(
    request: Request,
    user: CurrentUser,
    db: DbSession,
    action: FormText = "",
    ids: Annotated[list[int] | None, Form()] = None,
    week: FormText = "",
    back: FormText = "/",
) -> Response:
    if action not in BULK_DONE:
        raise HTTPException(status_code=400, detail=f"Action inconnue : {action[:40]!r}.")
    chosen, wanted = str(week_param(request, week)), _ids(ids)
    if not wanted:
        return refused(request, "aucun article coché", back, status_code=400)
    articles = get_articles(db, wanted)
    before = decisions_of(db, chosen, articles)
    labels = labels_of(request)
    targets = [_target(action, now, a, labels) for now, a in zip(before, articles, strict=True)]
    done = BULK_DONE[action].format(s="s" if len(articles) > 1 else "", week=chosen)
    message = f"{_count(len(articles))} {done}."
    return _decide(request, db, chosen, back, targets, lambda: (articles, message, before))


def _count(number: int) -> str:
    return f"{number} article{'s' if number > 1 else ''}"


def _decide(
    request: Request,
    db: DbSession,
    week: str,
    back: str,
    targets: list[Decision],
    result: Callable[[], tuple[list[Article], str, list[Decision]]],
) -> Response:
    try:
        decide(db, week, targets)
    except EditionNotEditable as error:
        return refused(request, str(error), back)
    db.commit()
    articles, message, before = result()
    return answer(request, db, week, back, articles, message, before)


class State(BaseModel):
    """An article's state to put back, as an action's ``undo`` gave it."""

    article_id: int = Field(ge=1, le=MAX_ID)
    status: Literal["new", "selected", "rejected"]
    section: str = Field(default="", max_length=100)
    comment: str = Field(default="", max_length=10_000)


class Restore(BaseModel):
    week: str = Field(default="", max_length=20)
    back: str = Field(default="/", max_length=2000)
    states: list[State] = Field(min_length=1, max_length=MAX_ARTICLES)


@router.post("/articles/restore", dependencies=[CSRF])
def restore(request: Request, user: CurrentUser, db: DbSession, body: Restore) -> Response:
    """Undo: each article back to the state it had before the last action."""
    chosen = str(week_param(request, body.week))
    targets = [Decision(s.article_id, s.status, s.section, s.comment) for s in body.states]
    for target in targets:
        if target.status == "selected":
            require_section(request, target.section)
    articles = get_articles(db, [target.article_id for target in targets])
    before = decisions_of(db, chosen, articles)

    def result() -> tuple[list[Article], str, list[Decision]]:
        if len(articles) == 1:
            state = STATUS_NAMES[articles[0].status].lower()
            message = f"Action annulée : « {articles[0].title} » est de nouveau « {state} »."
        else:
            message = f"Action annulée : {_count(len(articles))} rétablis."
        return articles, message, before

    return _decide(request, db, chosen, body.back, targets, result)
