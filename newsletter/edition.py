"""Assemble the edition of an ISO week from the curated selection.

edition = the week's Edition row (created if needed)
if it has no item and the deadline has passed and it is still a draft:
    propose the week's top-ranked articles (Article.relevance), marked automatic
sections = curated items grouped by the section a curator gave them, in the configured
           order (``curated_sections``, which the edition page uses too)
         + « Évolutions réglementaires »: the week's regulation page updates not curated
deadlines = « Échéances à venir »: obligations due within 90 days, dates moved this week
candidates = the week's other articles, for « Aussi dans vos thèmes »: weighed by their
             labels alone, and only those a profile could be shown are read whole
"""

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

import nh3
from sqlalchemy.orm import Session

from db.models import Article, Edition, EditionItem, PageChange
from db.repos import editions as editions_repo
from db.repos.editions import Ranked
from newsletter.content import (
    OTHER_SECTION,
    REGULATION_SECTION,
    EditionContent,
    Item,
    LabelCatalog,
    Section,
)
from newsletter.deadlines import week_deadlines
from newsletter.weeks import IsoWeek, deadline_of

SUMMARY_CHARS = 280
_BLOCK_TAG = re.compile(r"</?(?:p|li|ul|ol|br|div|h[1-6]|blockquote|tr|td|dd|dt)\b[^>]*>", re.I)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class EditionOptions:
    """How editions are assembled; built by the caller from its settings."""

    labels: LabelCatalog
    timezone: str = "Europe/Paris"
    section_order: tuple[str, ...] = ()
    deadline: str = "vendredi 10:00"
    automatic_count: int = 10
    min_score: float = 0.0
    # « Aussi dans vos thèmes » shows this many at most (None: keep every candidate).
    also_count: int | None = None


def build_edition(
    session: Session,
    week: IsoWeek,
    options: EditionOptions,
    now: datetime,
    draft_automatically: bool = True,
) -> EditionContent:
    """Read (and, past the deadline, draft automatically) the edition of ``week``."""
    start, end = week.bounds(options.timezone)
    edition = editions_repo.get_by_week(session, str(week))
    if draft_automatically and _needs_automatic_draft(edition, week, options, now):
        picks = _top_picks(editions_repo.week_articles(session, start, end), options)
        if picks:
            edition = editions_repo.get_or_create(session, str(week))
            editions_repo.fill_automatic(session, edition, picks)
            edition = editions_repo.get_by_week(session, str(week))
    regulation = editions_repo.regulation_updates(session, start, end)
    content = _content(week, edition, regulation, options)
    selected = {row.article_id for row in edition.items} if edition is not None else set()
    ranking = [row for row in editions_repo.week_ranking(session, start, end)
               if row.id not in selected]  # fmt: skip
    return replace(
        content,
        candidates=_candidates(session, ranking, options),
        deadlines=week_deadlines(session, week, options.timezone),
    )


def _needs_automatic_draft(
    edition: Edition | None, week: IsoWeek, options: EditionOptions, now: datetime
) -> bool:
    if edition is not None and (edition.items or edition.status != "draft"):
        return False
    return now >= deadline_of(week, options.deadline, options.timezone)


def _top_picks(articles: Sequence[Article], options: EditionOptions) -> list[tuple[int, str]]:
    ranked = [article for article in articles if article.relevance is not None]
    picks = []
    for article in ranked[: options.automatic_count]:
        item = to_item(article, options.min_score)
        picks.append((article.id, _best_theme(item)))
    return picks


def _best_theme(item: Item) -> str:
    if not item.themes:
        return OTHER_SECTION
    return max(item.themes, key=lambda theme: item.scores.get(theme, 0.0))


def _content(
    week: IsoWeek,
    edition: Edition | None,
    regulation: Sequence[tuple[Article, PageChange | None]],
    options: EditionOptions,
) -> EditionContent:
    curated = edition.items if edition is not None else []
    selected = {item.article_id for item in curated}
    grouped: dict[str, list[Item]] = {
        key: [to_item(row.article, options.min_score, row.comment) for row in rows]
        for key, rows in curated_sections(curated, options)
    }
    for article, change in regulation:
        if article.id not in selected:
            item = to_item(article, options.min_score, note=change_summary(change))
            grouped.setdefault(REGULATION_SECTION, []).append(item)
    return EditionContent(
        week=week,
        status=edition.status if edition is not None else "draft",
        automatic=edition.automatic if edition is not None else False,
        editorial_md=edition.editorial_md if edition is not None else "",
        sections=_ordered_sections(grouped, options),
        published_at=edition.published_at if edition is not None else None,
    )


def _candidates(
    session: Session, ranking: Sequence[Ranked], options: EditionOptions
) -> tuple[Item, ...]:
    """The week's other articles « Aussi dans vos thèmes » may show, most relevant first.

    A profile shows its ``also_count`` most relevant candidates among its labels; each
    of them is among the ``also_count`` most relevant of one of its labels (fewer rank
    above it there). So only the union of every label's first ``also_count`` is read
    and made into items: dozens of articles, not the week's thousands.
    """
    ranked = sorted(ranking, key=lambda row: (-(row.relevance or 0.0), row.id))
    kept = []
    room: dict[str, int] = {}
    limit = options.also_count
    for row in ranked:
        themes, jobs, _scores = labels_in_effect(row.labels, options.min_score)
        wanted = [
            label for label in (*themes, *jobs) if limit is None or room.get(label, 0) < limit
        ]
        for label in wanted:
            room[label] = room.get(label, 0) + 1
        if wanted or limit is None:
            kept.append(row.id)
    articles = editions_repo.articles_by_id(session, kept)
    return tuple(to_item(articles[article_id], options.min_score) for article_id in kept)


def _takes_room(room: dict[str, int], labels: Sequence[str], limit: int) -> bool:
    """Count the article in each of its labels with room left; False if none had room."""
    wanted = [label for label in labels if room.get(label, 0) < limit]
    for label in wanted:
        room[label] = room.get(label, 0) + 1
    return bool(wanted)


def curated_sections(
    rows: Iterable[EditionItem], options: EditionOptions
) -> list[tuple[str, list[EditionItem]]]:
    """The curated items by section (the one a curator chose), sections in display order,
    items by position: what both the email and the edition page show."""
    grouped: dict[str, list[EditionItem]] = {}
    for row in sorted(rows, key=lambda row: (row.position, row.id)):
        grouped.setdefault(row.section or OTHER_SECTION, []).append(row)
    return [(key, grouped[key]) for key in section_order(grouped, options) if grouped.get(key)]


def section_order(present: Iterable[str], options: EditionOptions) -> list[str]:
    """Configured order first, then any other section, « Autres actualités » last."""
    order = list(options.section_order) or list(options.labels.ids_of("theme"))
    if REGULATION_SECTION not in order:
        order.append(REGULATION_SECTION)
    rest = sorted(key for key in present if key not in order and key != OTHER_SECTION)
    return [*order, *rest, OTHER_SECTION]


def _ordered_sections(
    grouped: dict[str, list[Item]], options: EditionOptions
) -> tuple[Section, ...]:
    return tuple(
        Section(key, options.labels.section_title(key), tuple(grouped[key]))
        for key in section_order(grouped, options)
        if grouped.get(key)
    )


class WeighedLabel(Protocol):
    """A label row (``db.models.Label``) or its light copy (``LabelScore``)."""

    @property
    def label(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def origin(self) -> str: ...


def effective_labels(
    article: Article, min_score: float
) -> tuple[tuple[str, ...], tuple[str, ...], dict[str, float]]:
    """Themes, jobs and scores of the article, as the curation pages show them."""
    return labels_in_effect(article.labels, min_score)


def labels_in_effect(
    labels: Sequence[WeighedLabel], min_score: float
) -> tuple[tuple[str, ...], tuple[str, ...], dict[str, float]]:
    """Themes, jobs and scores, as the curation pages show them.

    A curator's row decides its label (kept when scored 0.5 or more, removed
    when scored 0); the model's other labels count from ``min_score``.
    """
    curator = {label.label for label in labels if label.origin == "curator"}
    chosen = [
        label
        for label in labels
        if (label.origin == "curator" and label.score >= 0.5)
        or (label.label not in curator and label.score >= min_score)
    ]
    scores: dict[str, float] = {}
    for label in chosen:
        scores[label.label] = max(label.score, scores.get(label.label, 0.0))
    themes = tuple(sorted({label.label for label in chosen if label.kind == "theme"}))
    jobs = tuple(sorted({label.label for label in chosen if label.kind == "job"}))
    return themes, jobs, scores


def to_item(article: Article, min_score: float, comment: str = "", note: str = "") -> Item:
    themes, jobs, scores = effective_labels(article, min_score)
    source = article.source.title or article.source.name
    return Item(
        article_id=article.id,
        title=plain_text(article.title, 300) or "(sans titre)",
        url=safe_url(
            article.url, article.canonical_url, article.source.site_url, article.source.url
        ),
        source=plain_text(source, 200),
        published_at=article.published_at,
        summary=" ".join(filter(None, (note, plain_text(article.summary_html, SUMMARY_CHARS)))),
        comment=comment.strip(),
        themes=themes,
        jobs=jobs,
        scores=scores,
        relevance=article.relevance or 0.0,
        regulation=article.kind == "regulation_update",
        untriaged=article.status == "new",
    )


def safe_url(*candidates: str | None) -> str:
    """The first http(s) address: a feed may carry ``javascript:`` links."""
    for url in candidates:
        if url and url.strip().lower().startswith(("https://", "http://")):
            return url.strip()
    return ""


def change_summary(change: PageChange | None) -> str:
    if change is None:
        return ""
    added, removed = change.added_words, change.removed_words
    return f"Modification de la page : {added} mot(s) ajouté(s), {removed} retiré(s)."


def plain_text(markup: str | None, limit: int) -> str:
    """Text of sanitised HTML, on one line, cut at a word boundary."""
    if not markup:
        return ""
    spaced = _BLOCK_TAG.sub(" ", markup)
    text = _SPACES.sub(" ", html.unescape(nh3.clean(spaced, tags=set()))).strip()
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"
