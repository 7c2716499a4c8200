"""« Tableau de bord »: the recent weeks' articles per theme, sources by health,
subscribers per theme, this week's edition and its deadline, as SVG drawn here."""

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from db.repos import curation as curation_repo
from db.repos import dashboard as repo
from newsletter.weeks import deadline_of, week_of
from veille.dashboard import columns, horizontal, last_weeks, themes_per_week
from veille.health import status_of
from veille.web.deps import CurrentUser, DbSession
from veille.web.views import labels_of, page

router = APIRouter()


def _themes(request: Request, db: DbSession, now: datetime) -> list[tuple[str, Any, int]]:
    settings = request.app.state.settings
    labels = labels_of(request)
    weeks = last_weeks(week_of(now, settings.timezone))
    start, end = weeks[0].bounds(settings.timezone)[0], weeks[-1].bounds(settings.timezone)[1]
    rows = repo.theme_labels(db, start, end)
    series = themes_per_week(rows, weeks, settings.timezone, labels.min_score)
    top = max((max(values) for values in series.values()), default=0)
    charts = []
    for theme in labels.themes:
        values = series.get(theme, [0] * len(weeks))
        points = [(week.label(), value) for week, value in zip(weeks, values, strict=True)]
        charts.append((labels.name(theme), columns(points, top), sum(values)))
    return charts


@router.get("/tableau-de-bord")
def dashboard(request: Request, user: CurrentUser, db: DbSession) -> Response:
    settings = request.app.state.settings
    labels = labels_of(request)
    now = datetime.now(UTC)
    week = week_of(now, settings.timezone)
    health = Counter(status_of(s, settings.failure_threshold) for s in repo.sources(db))
    chosen = Counter(t for s in repo.active_subscribers(db) for t in (s.themes or ()))
    context = {
        "nav": "dashboard",
        "week": week,
        "themes": _themes(request, db, now),
        "health": horizontal(sorted(health.items())),
        "subscribers": horizontal([(labels.name(t), chosen.get(t, 0)) for t in labels.themes]),
        "edition": curation_repo.edition_for_week(db, str(week)),
        "deadline": deadline_of(week, settings.newsletter_deadline, settings.timezone),
    }
    return page(request, "pages/dashboard.html", context, user)
