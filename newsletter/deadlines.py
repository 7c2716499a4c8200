"""« Échéances à venir »: the obligations of the coming days and the dates moved this week."""

from datetime import timedelta

from sqlalchemy.orm import Session

from db.models import Obligation
from db.repos import obligations as repo
from newsletter.content import Deadline
from newsletter.weeks import IsoWeek

HORIZON_DAYS = 90


def week_deadlines(
    session: Session, week: IsoWeek, timezone: str, days: int = HORIZON_DAYS
) -> tuple[Deadline, ...]:
    """Active obligations due within ``days`` of the week's Monday, and those moved this week."""
    start, end = week.bounds(timezone)
    coming = repo.listing(
        session,
        repo.ObligationFilter(start=week.monday, end=week.monday + timedelta(days=days)),
    )
    moved = repo.moved_between(session, start, end)
    chosen = {row.id: row for row in [*coming, *moved]}
    rows = sorted(chosen.values(), key=lambda row: (row.due_on, row.id))
    return tuple(_deadline(row, moved_now=row in moved) for row in rows)


def _deadline(row: Obligation, moved_now: bool) -> Deadline:
    source = row.source
    return Deadline(
        day=row.due_on,
        text=row.text,
        reference=row.reference,
        source=(source.title or source.name) if source is not None else "",
        url=_http(row.url) or _http(source.url if source is not None else None),
        confirmed=row.confirmed,
        previous=row.previous_on if moved_now else None,
    )


def _http(url: str | None) -> str:
    return url if url and url.lower().startswith(("https://", "http://")) else ""
