"""What a new version of a page does to the obligations already known; pure.

    for each obligation extracted from the new version:
        known with the same clause and date        → unchanged
        known with the same clause, another date   → moved (the old one is superseded)
        clause close enough to a vanished one      → moved as well (reworded)
        else                                       → added
    known extracted obligations found in no clause  → vanished (superseded, no successor)

Curated obligations (confirmed, edited, hidden or added by a curator) are
matched like the others so they are not extracted twice, but they are never
superseded: a moved date then comes in as a new obligation beside them.
"""

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from veille.deadlines.extract import ExtractedObligation

SIMILAR = 0.85


@dataclass(frozen=True, slots=True)
class Known:
    """An obligation already stored for the page, as the decision needs it."""

    id: int
    key: str
    date: date
    curated: bool


@dataclass(frozen=True, slots=True)
class Moved:
    old: Known
    new: ExtractedObligation


@dataclass(frozen=True, slots=True)
class Plan:
    added: tuple[ExtractedObligation, ...] = ()
    moved: tuple[Moved, ...] = ()
    vanished: tuple[Known, ...] = ()
    unchanged: tuple[int, ...] = field(default=())


def reconcile(known: Sequence[Known], found: Sequence[ExtractedObligation]) -> Plan:
    """The plan turning the known obligations of a page into those of its new version."""
    left = list(known)
    unchanged: list[int] = []
    pending: list[ExtractedObligation] = []
    for item in found:
        same = _take(left, item, _same)
        if same is not None:
            unchanged.append(same.id)
        else:
            pending.append(item)
    moved: list[Moved] = []
    added: list[ExtractedObligation] = []
    for item in pending:
        old = _take(left, item, _same_clause) or _take(left, item, _similar)
        if old is None:
            added.append(item)
        else:
            moved.append(Moved(old, item))
    vanished = tuple(k for k in left if not k.curated)
    return Plan(tuple(added), tuple(moved), vanished, tuple(unchanged))


Match = Callable[[Known, ExtractedObligation], bool]


def _take(pool: list[Known], item: ExtractedObligation, match: Match) -> Known | None:
    """Remove and return the first known obligation matching ``item``."""
    for index, candidate in enumerate(pool):
        if match(candidate, item):
            return pool.pop(index)
    return None


def _same(known: Known, item: ExtractedObligation) -> bool:
    return known.key == item.key and known.date == item.date


def _same_clause(known: Known, item: ExtractedObligation) -> bool:
    return known.key == item.key


def _similar(known: Known, item: ExtractedObligation) -> bool:
    reference_a, _, text_a = known.key.partition("|")
    reference_b, _, text_b = item.key.partition("|")
    if reference_a != reference_b:
        return False
    return difflib.SequenceMatcher(None, text_a, text_b, autojunk=False).ratio() >= SIMILAR
