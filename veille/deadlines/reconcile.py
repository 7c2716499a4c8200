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
MIN_PREFIX = 20


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
        old = _take(left, item, _same_clause) or _closest(left, item)
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


def _closest(pool: list[Known], item: ExtractedObligation) -> Known | None:
    """Remove and return the most similar known clause of the same article, if close enough."""
    scored = [(similarity(known.key, item.key), index) for index, known in enumerate(pool)]
    best = max(scored, default=(0.0, -1))
    return pool.pop(best[1]) if best[0] >= SIMILAR else None


def similarity(key_a: str, key_b: str) -> float:
    """How alike two clauses are (0 to 1); 0 across articles, 1 when one extends the other.

    « 2 août 2026 : obligations… (annexe III). » moved to « 2 décembre 2027 :
    obligations… (annexe III), report décidé… » is still the same obligation.
    """
    reference_a, _, text_a = key_a.partition("|")
    reference_b, _, text_b = key_b.partition("|")
    if reference_a != reference_b:
        return 0.0
    short, long_ = sorted((text_a.rstrip(" .;,"), text_b.rstrip(" .;,")), key=len)
    if len(short) >= MIN_PREFIX and long_.startswith(short):
        return 1.0
    return difflib.SequenceMatcher(None, text_a, text_b, autojunk=False).ratio()
