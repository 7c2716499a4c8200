"""Dated obligations of watched pages: storage, supersession, curation, calendars."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from db.errors import NotFoundError
from db.models import Obligation, Source

UID_DOMAIN = "veille-ia"


@dataclass(frozen=True, slots=True)
class ObligationFilter:
    """Which obligations to list; bounds are inclusive dates."""

    statuses: tuple[str, ...] = ("active",)
    start: date | None = None
    end: date | None = None
    theme: str | None = None


def new_uid() -> str:
    """A calendar UID, drawn once and kept by the obligation's successors."""
    return f"{uuid.uuid4().hex}@{UID_DOMAIN}"


def add(session: Session, **values: Any) -> Obligation:
    values.setdefault("uid", new_uid())
    values.setdefault("themes", [])
    obligation = Obligation(**values)
    session.add(obligation)
    session.flush()
    return obligation


def get(session: Session, obligation_id: int) -> Obligation:
    obligation = session.get(Obligation, obligation_id)
    if obligation is None:
        raise NotFoundError(f"aucune échéance n° {obligation_id}")
    return obligation


def extracted_for_source(session: Session, source_id: int) -> list[Obligation]:
    """The page's extracted obligations still in force (active or hidden), in id order."""
    return list(
        session.scalars(
            select(Obligation)
            .where(
                Obligation.source_id == source_id,
                Obligation.origin == "extracted",
                Obligation.status != "superseded",
            )
            .order_by(Obligation.id)
        )
    )


def count_for_source(session: Session, source_id: int) -> int:
    query = select(func.count()).select_from(Obligation).where(Obligation.source_id == source_id)
    return session.scalar(query) or 0


def source_themes(session: Session, source_id: int) -> list[str]:
    """The catalogue's label hints of the source: the obligations' first themes."""
    source = session.get(Source, source_id)
    return list(source.hints) if source is not None else []


def supersede(
    session: Session, old: Obligation, *, successor: Obligation | None, change_id: int | None
) -> None:
    """The old obligation gives way (to ``successor`` when its date moved)."""
    old.status = "superseded"
    old.superseded_by_id = successor.id if successor is not None else None
    old.superseded_change_id = change_id
    if successor is None:
        old.sequence += 1  # the calendar event is cancelled: a new version of it
    session.flush()


def listing(session: Session, chosen: ObligationFilter) -> list[Obligation]:
    """Obligations by date, then id, with their source loaded."""
    query = (
        select(Obligation)
        .options(selectinload(Obligation.source))
        .where(Obligation.status.in_(chosen.statuses))
        .order_by(Obligation.due_on, Obligation.id)
    )
    if chosen.start is not None:
        query = query.where(Obligation.due_on >= chosen.start)
    if chosen.end is not None:
        query = query.where(Obligation.due_on <= chosen.end)
    found = list(session.scalars(query))
    if chosen.theme is not None:
        found = [item for item in found if chosen.theme in item.themes]
    return found


def moved_between(session: Session, start: datetime, end: datetime) -> list[Obligation]:
    """Active obligations whose date moved in [start, end), by date."""
    query = (
        select(Obligation)
        .options(selectinload(Obligation.source))
        .where(
            Obligation.status == "active",
            Obligation.moved_at >= start,
            Obligation.moved_at < end,
        )
        .order_by(Obligation.due_on, Obligation.id)
    )
    return list(session.scalars(query))


def calendar_rows(session: Session, theme: str | None = None) -> list[Obligation]:
    """The last version of each calendar event (one per uid), hidden ones left out."""
    query = (
        select(Obligation)
        .options(selectinload(Obligation.source))
        .where(Obligation.status != "hidden")
        .order_by(Obligation.uid, Obligation.id)
    )
    latest: dict[str, Obligation] = {}
    for row in session.scalars(query):  # by id: the newest version wins, an active one first
        current = latest.get(row.uid)
        if current is None or current.status != "active":
            latest[row.uid] = row
    rows = sorted(latest.values(), key=lambda row: (row.due_on, row.id))
    if theme is not None:
        rows = [row for row in rows if theme in row.themes]
    return rows


def confirm(session: Session, obligation: Obligation) -> None:
    obligation.confirmed = True
    obligation.curated = True
    session.flush()


def hide(session: Session, obligation: Obligation) -> None:
    obligation.status = "hidden"
    obligation.curated = True
    obligation.sequence += 1
    session.flush()


def restore(session: Session, obligation: Obligation) -> None:
    obligation.status = "active"
    obligation.curated = True
    obligation.sequence += 1
    session.flush()


def edit(
    session: Session,
    obligation: Obligation,
    *,
    due_on: date,
    text: str,
    reference: str | None,
    themes: Sequence[str],
    now: datetime,
) -> None:
    """A curator's correction: the row becomes curated (and confirmed)."""
    if due_on != obligation.due_on:
        obligation.previous_on = obligation.due_on
        obligation.moved_at = now
        obligation.sequence += 1
    elif (text, reference) != (obligation.text, obligation.reference):
        obligation.sequence += 1
    obligation.due_on = due_on
    obligation.text = text
    obligation.reference = reference
    obligation.themes = list(themes)
    obligation.curated = True
    obligation.confirmed = True
    session.flush()
