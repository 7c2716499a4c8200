"""The curation inbox: the week's articles to select, comment, reject or relabel."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import Response

from db.models import Article, Edition, EditionItem, Label
from db.repos import curation as repo
from db.repos.curation import REGULATION_SECTION, EditionNotEditable, InboxFilter, InboxPage
from newsletter.content import OTHER_SECTION
from veille.web.csrf import CSRF
from veille.web.deps import CurrentUser, DbSession
from veille.web.views import (
    KIND_NAMES,
    MAX_ID,
    MAX_PAGE,
    STATUS_NAMES,
    Labels,
    RowId,
    back_to,
    flash,
    labels_of,
    page,
    require_section,
    week_param,
)

router = APIRouter()
PAGE_SIZE = 25
FormText = Annotated[str, Form()]


@dataclass(frozen=True, slots=True)
class ArticleView:
    """One card of the inbox: the article and what the curator needs beside it."""

    article: Article
    labels: list[Label]
    duplicates: list[Article]
    item: EditionItem | None
    section: str


def _sorted_labels(article: Article, labels: Labels) -> list[Label]:
    order = {label_id: index for index, label_id in enumerate((*labels.themes, *labels.jobs))}
    chosen = repo.effective_labels(article, labels.min_score).values()
    return sorted(chosen, key=lambda label: (order.get(label.label, 99), -label.score))


def default_section(article: Article, labels: Labels) -> str:
    """Regulation updates go to their section; others to their strongest theme."""
    if article.kind == "regulation_update":
        return REGULATION_SECTION
    effective = repo.effective_labels(article, labels.min_score).values()
    themes = [label for label in effective if label.label in labels.themes]
    if not themes:
        return OTHER_SECTION
    return max(themes, key=lambda label: label.score).label


def _choice(value: str | None, allowed: tuple[str, ...] | dict[str, str]) -> str | None:
    if not value:
        return None
    if value not in allowed:
        raise HTTPException(status_code=400, detail=f"Filtre inconnu : {value!r}.")
    return value


def _source_id(value: str | None) -> int | None:
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_ID:
        raise HTTPException(status_code=400, detail=f"Source inconnue : {value[:40]!r}.")
    return int(value)


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
    page_number: Annotated[int, Query(alias="page", ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    labels = labels_of(request)
    chosen = week_param(request, week)
    start, end = chosen.bounds(request.app.state.settings.timezone)
    wanted = InboxFilter(
        start=start,
        end=end,
        theme=_choice(theme, labels.themes),
        job=_choice(job, labels.jobs),
        source_id=_source_id(source),
        status=_choice(status, STATUS_NAMES),
        kind=_choice(kind, KIND_NAMES),
        text=(q or "").strip()[:200] or None,
        min_score=labels.min_score,
        uncertain=bool(uncertain),
    )
    found = repo.inbox_page(db, wanted, (page_number - 1) * PAGE_SIZE, PAGE_SIZE)
    edition = repo.edition_for_week(db, str(chosen))
    cards = _cards(found, edition, labels)
    filters = {"week": str(chosen), "q": wanted.text, "theme": theme, "job": job,
               "source": source, "status": status, "kind": kind,
               "uncertain": "1" if wanted.uncertain else None}  # fmt: skip
    return page(
        request,
        "pages/inbox.html",
        {
            "nav": "inbox",
            "week": chosen,
            "filters": filters,
            "cards": cards,
            "total": found.total,
            "page_number": page_number,
            "pages": max(1, -(-found.total // PAGE_SIZE)),
            "sources": repo.feed_sources(db),
            "counts": repo.status_counts(db, wanted),
            "edition": edition,
            "here": request.url.path + ("?" + request.url.query if request.url.query else ""),
            "query": lambda **changes: _query(filters, changes),
        },
        user,
    )


def _cards(found: InboxPage, edition: Edition | None, labels: Labels) -> list[ArticleView]:
    items = {item.article_id: item for item in edition.items} if edition else {}
    return [
        ArticleView(
            article,
            _sorted_labels(article, labels),
            found.duplicates.get(article.id, []),
            items.get(article.id),
            items[article.id].section if article.id in items else default_section(article, labels),
        )
        for article in found.articles
    ]


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
    """Apply one curator's decision to the article for the week's edition, then go back."""
    chosen = week_param(request, week)
    article = repo.get_article(db, article_id)
    try:
        change(article, str(chosen))
    except EditionNotEditable as error:
        return _refused(request, str(error), back)
    db.commit()
    flash(request, done.format(title=article.title, week=chosen))
    return back_to(f"{back}#article-{article_id}")


@router.post("/articles/{article_id}/labels", dependencies=[CSRF])
def relabel(
    request: Request,
    article_id: RowId,
    user: CurrentUser,
    db: DbSession,
    labels: Annotated[list[str] | None, Form()] = None,
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
    flash(request, f"Étiquettes de « {article.title} » corrigées.")
    return back_to(back + f"#article-{article_id}")


def _refused(request: Request, message: str, back: str) -> Response:
    flash(request, message[:1].upper() + message[1:] + ".")
    return back_to(back)
