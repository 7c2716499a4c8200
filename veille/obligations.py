"""Keep a watched page's obligations in step with its versions; runs inside the page's store.

first capture, or a page without any obligation yet: extract, add them all
change: extract from the new version, reconcile with the known ones
    moved  → a successor (same calendar uid, next sequence), the old one superseded
             and linked to the change; a curated one stays as it is, beside the new one
    vanished → superseded, linked to the change
    added  → new active obligations
the regulation update names every moved date (« Article 113 : 2 août 2026 → … »)
"""

import html
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from db.models import Obligation
from db.repos import obligations as repo
from veille.deadlines.extract import ExtractedObligation, extract_obligations
from veille.deadlines.ical import CalendarEntry
from veille.deadlines.reconcile import Known, Plan, reconcile
from veille.deadlines.wording import move_line


@dataclass(frozen=True, slots=True)
class PageVersion:
    """Where the obligations of one version of a page come from."""

    source_id: int
    url: str
    snapshot_id: int
    now: datetime


def plan_for(session: Session, source_id: int, text: str) -> Plan:
    """What the page's text does to its known obligations (nothing is written)."""
    known = [
        Known(row.id, row.match_key, row.extracted_on or row.due_on, row.curated)
        for row in repo.extracted_for_source(session, source_id)
    ]
    return reconcile(known, extract_obligations(text))


def move_lines(plan: Plan) -> list[str]:
    """One French line per moved date, for the regulation update."""
    return [move_line(moved.new.reference, moved.old.date, moved.new.date) for moved in plan.moved]


def apply_plan(
    session: Session, plan: Plan, version: PageVersion, change_id: int | None
) -> list[Obligation]:
    """Write the plan; returns the obligations created."""
    themes = repo.source_themes(session, version.source_id)
    created = [_add(session, item, version, themes, change_id) for item in plan.added]
    for moved in plan.moved:
        old = repo.get(session, moved.old.id)
        successor = _add(session, moved.new, version, old.themes or themes, change_id)
        successor.previous_on = old.due_on
        successor.moved_at = version.now
        if not old.curated:
            successor.uid = old.uid
            successor.sequence = old.sequence + 1
            repo.supersede(session, old, successor=successor, change_id=change_id)
        created.append(successor)
    for gone in plan.vanished:
        repo.supersede(session, repo.get(session, gone.id), successor=None, change_id=change_id)
    session.flush()
    return created


def moves_html(lines: list[str]) -> str:
    """The moved dates of a regulation update, first thing the reader sees."""
    if not lines:
        return ""
    rows = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return f"<p>Échéances déplacées :</p><ul>{rows}</ul>"


def backfill(session: Session, text: str, version: PageVersion) -> None:
    """A page watched before obligations existed gets them from its current text, once."""
    if repo.count_for_source(session, version.source_id) == 0:
        apply_plan(session, plan_for(session, version.source_id, text), version, None)


def _add(
    session: Session,
    item: ExtractedObligation,
    version: PageVersion,
    themes: list[str],
    change_id: int | None,
) -> Obligation:
    return repo.add(
        session,
        source_id=version.source_id,
        due_on=item.date,
        text=item.text,
        reference=item.reference,
        url=version.url,
        match_key=item.key,
        extracted_on=item.date,
        themes=list(themes),
        snapshot_id=version.snapshot_id,
        change_id=change_id,
        created_at=version.now,
        updated_at=version.now,
    )


def as_record(row: Obligation) -> dict[str, Any]:
    """The ``veille deadlines --json`` object of an obligation."""
    source = row.source
    return {
        "id": row.id,
        "date": row.due_on.isoformat(),
        "text": row.text,
        "reference": row.reference,
        "source": row.url or (source.url if source is not None else None),
        "source_name": source.name if source is not None else None,
        "status": row.status,
        "confirmed": row.confirmed,
        "previous_date": row.previous_on.isoformat() if row.previous_on else None,
        "themes": list(row.themes),
    }


def calendar_entry(row: Obligation) -> CalendarEntry:
    """An obligation as an event of ``/echeances.ics``."""
    source = row.source
    return CalendarEntry(
        uid=row.uid,
        day=row.due_on,
        text=row.text,
        reference=row.reference,
        source_name=(source.title or source.name) if source is not None else None,
        url=row.url or (source.url if source is not None else None),
        sequence=row.sequence,
        confirmed=row.confirmed,
        cancelled=row.status == "superseded",
        modified=row.updated_at,
        previous_day=row.previous_on,
    )
