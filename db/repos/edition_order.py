"""The order of a draft edition's items: move one to a place in a section.

Positions are renumbered 0, 1, 2… in the sections a move touches, so the
order stored is the order shown (items sort by position, then id).
"""

from sqlalchemy.orm import Session

from db.errors import NotFoundError
from db.models import EditionItem
from db.repos.curation import draft_edition


def section_items(items: list[EditionItem], section: str) -> list[EditionItem]:
    """The section's items in their order."""
    chosen = [item for item in items if item.section == section]
    return sorted(chosen, key=lambda item: (item.position, item.id))


def move_item(session: Session, week: str, item_id: int, section: str, index: int) -> int:
    """Put the item at ``index`` (0-based, clamped) of ``section``; returns its index."""
    edition = draft_edition(session, week)
    item = next((row for row in edition.items if row.id == item_id), None)
    if item is None:
        raise NotFoundError(f"aucun élément n° {item_id} dans l'édition {week}")
    left = item.section
    others = [row for row in section_items(edition.items, section) if row.id != item_id]
    index = max(0, min(index, len(others)))
    item.section = section
    _renumber([*others[:index], item, *others[index:]])
    if left != section:
        _renumber(section_items(edition.items, left))
    session.flush()
    return index


def _renumber(rows: list[EditionItem]) -> None:
    for position, row in enumerate(rows):
        row.position = position
