"""The inbox's filter, read from the page's query string.

The inbox page reads it from its own query; an action answered in JSON reads
it from the page it came from (``back``), to send the tabs' new counts.
"""

from collections.abc import Mapping
from urllib.parse import parse_qsl, urlsplit

from fastapi import HTTPException, Request
from sqlalchemy.orm import Session

from db.repos.inbox import InboxFilter, status_counts
from newsletter.weeks import IsoWeek
from veille.web.views import KIND_NAMES, MAX_ID, STATUS_NAMES, labels_of, week_param


def choice(value: str | None, allowed: tuple[str, ...] | dict[str, str]) -> str | None:
    """``value`` when it is one of ``allowed``, None when empty; 400 otherwise."""
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


def inbox_filter(request: Request, params: Mapping[str, str | None]) -> tuple[IsoWeek, InboxFilter]:
    """The week and the filter the query ``params`` ask for; 400 when a value is unknown."""
    labels = labels_of(request)
    week = week_param(request, params.get("week"))
    start, end = week.bounds(request.app.state.settings.timezone)
    wanted = InboxFilter(
        start=start,
        end=end,
        theme=choice(params.get("theme"), labels.themes),
        job=choice(params.get("job"), labels.jobs),
        source_id=_source_id(params.get("source")),
        status=choice(params.get("status"), STATUS_NAMES),
        kind=choice(params.get("kind"), KIND_NAMES),
        text=(params.get("q") or "").strip()[:200] or None,
        min_score=labels.min_score,
        uncertain=bool(params.get("uncertain")),
    )
    return week, wanted


def counts_for_page(request: Request, db: Session, page: str) -> dict[str, int] | None:
    """The status counts of the inbox page ``page`` (a path and query), None if it is not one."""
    try:
        _, wanted = inbox_filter(request, dict(parse_qsl(urlsplit(page).query)))
    except HTTPException:
        return None
    counts = status_counts(db, wanted)
    return {**counts, "all": sum(counts.values())}
