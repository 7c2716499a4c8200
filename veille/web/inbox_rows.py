"""The inbox's rows: built and rendered alike for the page and for in-place updates.

A row is ``_article_card.html``: one line (title, source, date, label chips,
relevance, status) and, unfolded, the summary, the explanations and the
actions. The inbox page includes it for each article; an action asked for
JSON (``Accept: application/json``, as the page's script asks) answers the
same fragment for each article it changed, with the message to announce and
the states to restore for an undo.
"""

from dataclasses import asdict, dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from db.models import Article, Edition, EditionItem, Label
from db.repos import curation as repo
from db.repos.curation import REGULATION_SECTION
from db.repos.inbox import duplicates_of
from db.repos.triage import Decision
from newsletter.content import OTHER_SECTION
from veille.web.csrf import csrf_input
from veille.web.deps import DbSession
from veille.web.inbox_filter import counts_for_page
from veille.web.safety import safe_next
from veille.web.templating import templates
from veille.web.views import STATUS_NAMES, Labels, back_to, flash, labels_of

ROW_TEMPLATE = "_article_card.html"
EDITION_TEMPLATE = "_inbox_edition.html"


@dataclass(frozen=True, slots=True)
class ArticleView:
    """One row of the inbox: the article and what the curator needs beside it."""

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


def article_views(
    articles: list[Article],
    duplicates: dict[int, list[Article]],
    edition: Edition | None,
    labels: Labels,
) -> list[ArticleView]:
    items = {item.article_id: item for item in edition.items} if edition else {}
    views = []
    for article in articles:
        item = items.get(article.id)
        section = item.section if item else default_section(article, labels)
        views.append(
            ArticleView(
                article,
                _sorted_labels(article, labels),
                duplicates.get(article.id, []),
                item,
                section,
            )
        )
    return views


def open_url(here: str, article_id: int) -> str:
    """The page ``here`` with one row unfolded (how the page works without JavaScript)."""
    parts = urlsplit(here)
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != "open"]
    query.append(("open", str(article_id)))
    return f"{parts.path}?{urlencode(query)}#article-{article_id}"


def search_text(here: str) -> str | None:
    """The search of the page ``here``, so that updated rows mark the same matches."""
    return dict(parse_qsl(urlsplit(here).query)).get("q") or None


@dataclass(frozen=True, slots=True)
class Choices:
    """Label and section names, looked up once per page rather than once per row."""

    names: dict[str, str]
    themes: list[tuple[str, str]]
    jobs: list[tuple[str, str]]
    sections: list[tuple[str, str]]

    @classmethod
    def of(cls, labels: Labels) -> "Choices":
        ids = (*labels.themes, *labels.jobs, *labels.sections)
        names = {key: labels.name(key) for key in ids}
        return cls(
            names,
            [(key, names[key]) for key in labels.themes],
            [(key, names[key]) for key in labels.jobs],
            [(key, names[key]) for key in labels.sections],
        )


def row_context(request: Request, week: str, here: str) -> dict[str, object]:
    """What ``_article_card.html`` reads besides ``card`` (the inbox page gives the same)."""
    labels = labels_of(request)
    return {
        "request": request,
        "week": week,
        "here": here,
        "search_text": search_text(here),
        "labels": labels,
        "choices": Choices.of(labels),
        "csrf": csrf_input(request),
        "status_names": STATUS_NAMES,
        "open_url": open_url,
        "opened": None,
    }


def wants_json(request: Request) -> bool:
    """The page's script asks for JSON; a plain form post does not."""
    return "application/json" in request.headers.get("accept", "")


def answer(
    request: Request,
    db: DbSession,
    week: str,
    back: str,
    articles: list[Article],
    message: str,
    undo: list[Decision] | None = None,
) -> Response:
    """After a change: JSON (message, rows, undo) for the script, else a redirect back."""
    if not wants_json(request):
        flash(request, message)
        return back_to(f"{back}#article-{articles[0].id}" if len(articles) == 1 else back)
    edition = repo.edition_for_week(db, week)
    duplicates = duplicates_of(db, [article.id for article in articles])
    views = article_views(articles, duplicates, edition, labels_of(request))
    context = row_context(request, week, safe_next(back))
    template = templates.get_template(ROW_TEMPLATE)
    rows = [
        {"id": view.article.id, "html": template.render({**context, "card": view})}
        for view in views
    ]
    line = templates.get_template(EDITION_TEMPLATE).render(edition=edition, week=week)
    return JSONResponse(
        {
            "message": message,
            "rows": rows,
            "undo": [asdict(decision) for decision in undo or []],
            "counts": counts_for_page(request, db, back),
            "edition": line,
        }
    )


def refused(request: Request, message: str, back: str, status_code: int = 409) -> Response:
    """The change was refused (the edition is published, nothing ticked): say why."""
    text = message[:1].upper() + message[1:] + "."
    if wants_json(request):
        return JSONResponse({"message": text}, status_code=status_code)
    flash(request, text)
    return back_to(back)
