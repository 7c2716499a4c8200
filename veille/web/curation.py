"""The curation inbox: the week's articles to select, comment, reject or relabel.

Every action is a plain form POST that redirects back to the page; asked for
JSON by the page's script, it answers the changed rows instead (see
``veille.web.inbox_rows``). Actions on many articles and undo are in
``veille.web.triage``.
"""

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import Response

from db.models import Article
from db.repos import curation as repo
from db.repos.curation import EditionNotEditable
from db.repos.inbox import SORTS, inbox_page
from db.repos.triage import decisions_of
from veille.web.csrf import CSRF
from veille.web.deps import CurrentUser, DbSession
from veille.web.inbox_filter import choice, inbox_filter
from veille.web.inbox_rows import answer, article_views, refused, row_context
from veille.web.views import (
    MAX_ID,
    MAX_PAGE,
    RowId,
    labels_of,
    page,
    require_section,
    week_param,
)

router = APIRouter()
PAGE_SIZE = 25
PAGE_SPREAD = 2  # page numbers shown on each side of the current one
FormText = Annotated[str, Form()]


def page_numbers(current: int, pages: int) -> list[int]:
    """The page numbers to link around the current one."""
    return list(range(max(1, current - PAGE_SPREAD), min(pages, current + PAGE_SPREAD) + 1))


@router.get("/")
def inbox(
    request: Request,
    user: CurrentUser,
    db: DbSession,
    week: str | None = None,
    theme: str | None = None,
    job: str | None = None,
    source: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    q: str | None = None,
    uncertain: str | None = None,
    sort: str | None = None,
    opened: Annotated[int | None, Query(alias="open", ge=1, le=MAX_ID)] = None,
    page_number: Annotated[int, Query(alias="page", ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    labels = labels_of(request)
    params = {"week": week, "theme": theme, "job": job, "source": source, "status": status,
              "kind": kind, "q": q, "uncertain": uncertain}  # fmt: skip
    chosen, wanted = inbox_filter(request, params)
    order = choice(sort, SORTS) or "relevance"
    found = inbox_page(db, wanted, (page_number - 1) * PAGE_SIZE, PAGE_SIZE, order)
    edition = repo.edition_for_week(db, str(chosen))
    filters = {"week": str(chosen), "q": wanted.text, "theme": theme, "job": job,
               "source": source, "status": status, "kind": kind,
               "uncertain": "1" if wanted.uncertain else None,
               "sort": None if order == "relevance" else order}  # fmt: skip
    pages = max(1, -(-found.total // PAGE_SIZE))
    here = request.url.path + ("?" + request.url.query if request.url.query else "")
    return page(
        request,
        "pages/inbox.html",
        {
            **row_context(request, str(chosen), here),
            "nav": "inbox",
            "week": chosen,
            "filters": filters,
            "sort": order,
            "cards": article_views(found.articles, found.duplicates, edition, labels),
            "total": found.total,
            "page_number": page_number,
            "pages": pages,
            "page_numbers": page_numbers(page_number, pages),
            "sources": repo.feed_sources(db),
            "counts": found.counts,
            "edition": edition,
            "search_text": wanted.text,
            "opened": opened,
            "query": lambda **changes: _query(filters, changes),
        },
        user,
    )


def _query(filters: dict[str, str | None], changes: dict[str, object]) -> str:
    merged = {**filters, **changes}
    return "?" + urlencode({key: value for key, value in merged.items() if value})


@router.post("/articles/{article_id}/select", dependencies=[CSRF])
def select(
    request: Request,
    article_id: RowId,
    user: CurrentUser,
    db: DbSession,
    week: FormText = "",
    section: FormText = "",
    comment: FormText = "",
    back: FormText = "/",
) -> Response:
    require_section(request, section)

    def change(article: Article, chosen: str) -> None:
        repo.select_article(db, article, chosen, section, comment)

    done = "« {title} » est retenu pour l'édition {week}."
    return _apply(request, db, article_id, week, back, change, done)


@router.post("/articles/{article_id}/reject", dependencies=[CSRF])
def reject(
    request: Request,
    article_id: RowId,
    user: CurrentUser,
    db: DbSession,
    week: FormText = "",
    back: FormText = "/",
) -> Response:
    def change(article: Article, chosen: str) -> None:
        repo.reject_article(db, article, chosen)

    return _apply(request, db, article_id, week, back, change, "« {title} » est écarté.")


@router.post("/articles/{article_id}/reset", dependencies=[CSRF])
def reset(
    request: Request,
    article_id: RowId,
    user: CurrentUser,
    db: DbSession,
    week: FormText = "",
    back: FormText = "/",
) -> Response:
    def change(article: Article, chosen: str) -> None:
        repo.reset_article(db, article, chosen)

    return _apply(request, db, article_id, week, back, change, "« {title} » est remis à trier.")


def _apply(
    request: Request,
    db: DbSession,
    article_id: RowId,
    week: str,
    back: str,
    change: Callable[[Article, str], None],
    done: str,
) -> Response:
    """Apply one curator's decision to the article for the week's edition, then answer."""
    chosen = str(week_param(request, week))
    article = repo.get_article(db, article_id)
    before = decisions_of(db, chosen, [article])
    try:
        change(article, chosen)
    except EditionNotEditable as error:
        return refused(request, str(error), back)
    db.commit()
    message = done.format(title=article.title, week=chosen)
    return answer(request, db, chosen, back, [article], message, before)


@router.post("/articles/{article_id}/labels", dependencies=[CSRF])
def relabel(
    request: Request,
    article_id: RowId,
    user: CurrentUser,
    db: DbSession,
    labels: Annotated[list[str] | None, Form()] = None,
    week: FormText = "",
    back: FormText = "/",
) -> Response:
    known = labels_of(request)
    kinds = known.kinds
    unknown = [label for label in labels or [] if label not in kinds]
    if unknown:
        raise HTTPException(status_code=400, detail=f"Étiquette inconnue : {unknown[0]!r}.")
    article = repo.get_article(db, article_id)
    repo.correct_labels(db, article, kinds, labels or [], known.min_score)
    db.commit()
    message = f"Étiquettes de « {article.title} » corrigées."
    return answer(request, db, str(week_param(request, week)), back, [article], message)
