"""Source health: what the administrator needs to see, from the stored state.

A source is « en panne » after ``failure_threshold`` consecutive failures; a
watched page whose selector matched nothing ``SELECTOR_MISS_THRESHOLD`` runs
in a row is flagged « le sélecteur ne trouve plus rien » (its layout probably
changed). Neither is ever parked: both keep being retried with backoff.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from db.engine import session_scope
from db.repos.sources import all_sources

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from db.models import Source

SELECTOR_MISS_THRESHOLD = 3
OK, FAILING, BROKEN, SELECTOR, DISABLED, NEVER = (
    "ok",
    "en échec",
    "en panne",
    "le sélecteur ne trouve plus rien",
    "désactivée",
    "jamais collectée",
)


# Stable English keys of ``veille stats --json``, one per status.
STATUS_KEYS = {
    OK: "ok",
    FAILING: "failing",
    BROKEN: "broken",
    SELECTOR: "selector_lost",
    DISABLED: "disabled",
    NEVER: "never_fetched",
}


@dataclass(frozen=True, slots=True)
class SourceHealth:
    name: str
    kind: str
    status: str
    detail: str | None
    last_success_at: datetime | None
    last_error: str | None
    failures: int
    next_due_at: datetime | None
    suggested_url: str | None = None


def status_of(source: "Source", failure_threshold: int) -> str:
    if not source.enabled:
        return DISABLED
    if source.selector_misses >= SELECTOR_MISS_THRESHOLD:
        return SELECTOR
    if source.consecutive_failures >= failure_threshold:
        return BROKEN
    if source.consecutive_failures:
        return FAILING
    return NEVER if source.last_fetched_at is None else OK


def health_of(source: "Source", failure_threshold: int) -> SourceHealth:
    status = status_of(source, failure_threshold)
    return SourceHealth(
        name=source.name,
        kind=source.kind,
        status=status,
        detail=source.disabled_reason if status == DISABLED else source.last_warning,
        last_success_at=source.last_success_at,
        last_error=source.last_error,
        failures=source.consecutive_failures,
        next_due_at=source.next_due_at,
        suggested_url=source.suggested_url,
    )


def health_report(
    session_factory: "sessionmaker[Session]", failure_threshold: int
) -> list[SourceHealth]:
    """Every source's health, broken ones first."""
    order = {SELECTOR: 0, BROKEN: 1, FAILING: 2, NEVER: 3, OK: 4, DISABLED: 5}
    with session_scope(session_factory) as session:
        report = [health_of(source, failure_threshold) for source in all_sources(session)]
    return sorted(report, key=lambda item: (order[item.status], item.name.casefold()))


def health_counts(report: "list[SourceHealth]") -> dict[str, int]:
    """Sources by health under stable English keys, every status present, plus ``total``."""
    counts = dict.fromkeys(STATUS_KEYS.values(), 0)
    for item in report:
        counts[STATUS_KEYS[item.status]] += 1
    return {"total": len(report)} | counts
