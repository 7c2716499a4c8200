"""Regulatory deadlines: the public calendars (/echeances.ics, one per theme).

The calendars are public, like the archive: calendar applications subscribe
without signing in, and they only hold what the regulation pages state.
Hidden obligations are left out.
"""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from db.models import Obligation
from db.repos import obligations as repo
from veille.deadlines.ical import build_calendar
from veille.obligations import calendar_entry
from veille.web.deps import DbSession, SettingsDep
from veille.web.views import labels_of

router = APIRouter()
ICS = "text/calendar; charset=utf-8"
CALENDAR_NAME = "Échéances réglementaires"


@router.get("/echeances.ics")
def calendar(db: DbSession, settings: SettingsDep) -> Response:
    name = f"{CALENDAR_NAME} — {settings.newsletter_title}"
    return _ics(name, repo.calendar_rows(db), "echeances.ics")


@router.get("/echeances/{theme}.ics")
def theme_calendar(request: Request, theme: str, db: DbSession, settings: SettingsDep) -> Response:
    labels = labels_of(request)
    if theme not in labels.themes:
        raise HTTPException(status_code=404, detail="Thème inconnu.")
    name = f"{CALENDAR_NAME} — {labels.name(theme)} — {settings.newsletter_title}"
    return _ics(name, repo.calendar_rows(db, theme), f"echeances-{theme}.ics")


def _ics(name: str, rows: list[Obligation], filename: str) -> Response:
    body = build_calendar(name, [calendar_entry(row) for row in rows])
    headers = {"Content-Disposition": f'inline; filename="{filename}"'}
    return Response(body, media_type=ICS, headers=headers)
