"""Public archive: each published edition at /editions/2026-W48, and Atom feeds.

Feeds: /editions.atom (the editions), /flux/themes/<id>.atom and
/flux/metiers/<id>.atom (the selected articles of a theme or a job), for
referents who prefer their feed reader to email.
"""

from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from db.models import Edition
from db.repos import editions as repo
from db.types import utcnow
from newsletter.atom import Entry, build_feed
from newsletter.edition import build_edition, to_item
from newsletter.errors import WeekError
from newsletter.render import editorial_html
from newsletter.weeks import IsoWeek, date_fr, parse_week
from veille import newsletter_config as config
from veille.web.deps import DbSession, SettingsDep
from veille.web.templating import templates

router = APIRouter()
ATOM = "application/atom+xml; charset=utf-8"
FEED_KINDS = {"themes": "theme", "metiers": "job"}


def _week(text: str) -> IsoWeek:
    try:
        return parse_week(text)
    except WeekError as error:
        raise HTTPException(status_code=404, detail="Édition introuvable.") from error


def _page(request: Request, name: str, **context: object) -> Response:
    context.setdefault("labels", config.label_catalog())
    return templates.TemplateResponse(request, f"public/{name}", context)


@router.get("/editions")
def editions_index(request: Request, db: DbSession) -> Response:
    editions = repo.published(db)
    counts = repo.item_counts(db, editions)
    rows = [(parse_week(e.week), e, counts.get(e.id, 0)) for e in editions]
    return _page(request, "editions.html", editions=rows)


@router.get("/editions.atom")
def editions_feed(db: DbSession, settings: SettingsDep) -> Response:
    base = settings.public_url.rstrip("/")
    entries = [
        _edition_entry(base, edition, settings.newsletter_title) for edition in repo.published(db)
    ]
    body = build_feed(
        f"{base}/editions.atom",
        f"{settings.newsletter_title} — éditions",
        f"{base}/editions.atom",
        f"{base}/editions",
        entries,
        utcnow(),
    )
    return Response(body, media_type=ATOM)


def _edition_entry(base: str, edition: Edition, title: str) -> Entry:
    week = parse_week(edition.week)
    url = f"{base}/editions/{week}"
    updated = edition.published_at or edition.updated_at
    return Entry(url, f"{title} — {week.label()}", url, updated, "Lettre de veille IA")


@router.get("/editions/{week}")
def edition_page(request: Request, db: DbSession, settings: SettingsDep, week: str) -> Response:
    iso = _week(week)
    row = repo.get_by_week(db, str(iso))
    if row is None or row.status not in repo.VISIBLE_STATUSES:
        raise HTTPException(status_code=404, detail="Cette édition n'est pas (encore) publiée.")
    content = build_edition(db, iso, config.edition_options(settings), utcnow())
    db.rollback()
    return _page(
        request,
        "edition.html",
        content=content,
        editorial=editorial_html(content.editorial_md),
        day=lambda moment: date_fr(moment.astimezone(ZoneInfo(settings.timezone)).date()),
    )


@router.get("/flux/{kind}/{label_id}.atom")
def label_feed(db: DbSession, settings: SettingsDep, kind: str, label_id: str) -> Response:
    catalog = config.label_catalog()
    if kind not in FEED_KINDS or label_id not in catalog.ids_of(FEED_KINDS[kind]):
        raise HTTPException(status_code=404, detail="Flux introuvable.")
    base = settings.public_url.rstrip("/")
    entries = []
    for row in repo.published_items(db):
        item = to_item(row.article, settings.newsletter_min_score, row.comment)
        if label_id in item.themes + item.jobs:
            entry_id = f"{base}/editions/{row.edition.week}#article-{item.article_id}"
            updated = row.edition.published_at or row.edition.updated_at
            entries.append(
                Entry(entry_id, item.title, item.url, updated, item.comment or item.summary)
            )
    entries.sort(key=lambda entry: entry.updated, reverse=True)
    url = f"{base}/flux/{kind}/{label_id}.atom"
    title = f"{settings.newsletter_title} — {catalog.title(label_id)}"
    body = build_feed(url, title, url, f"{base}/editions", entries, utcnow())
    return Response(body, media_type=ATOM)
