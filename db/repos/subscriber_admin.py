"""Subscribers as the administrator manages them: search, edit, erase, counts by label.

Erasure (RGPD) deletes the subscriber's row and every delivery record of
theirs: no address, name or SMTP error mentioning them is left behind. The
totals of past sends then count only the remaining deliveries.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import String, and_, case, cast, delete, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from db.errors import NotFoundError
from db.models import Delivery, Subscriber

PER_PAGE = 50


@dataclass(frozen=True, slots=True)
class SubscriberFilter:
    """What the list is narrowed to; empty strings mean « all »."""

    text: str = ""
    theme: str = ""
    job: str = ""
    status: str = ""


@dataclass(frozen=True, slots=True)
class SubscriberPage:
    rows: list[Subscriber]
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True, slots=True)
class SubscriberChange:
    """The fields of the edit form."""

    name: str
    direction: str
    themes: tuple[str, ...]
    jobs: tuple[str, ...]
    status: str


@dataclass(frozen=True, slots=True)
class LabelCounts:
    """Active subscribers per theme and per job, and those who take the whole edition."""

    themes: Counter[str] = field(default_factory=Counter)
    jobs: Counter[str] = field(default_factory=Counter)
    whole_edition: int = 0


def get(session: Session, subscriber_id: int) -> Subscriber:
    subscriber = session.get(Subscriber, subscriber_id)
    if subscriber is None:
        raise NotFoundError("Abonné introuvable.")
    return subscriber


def search(session: Session, wanted: SubscriberFilter, page: int = 1) -> SubscriberPage:
    """One page of the subscribers matching ``wanted``, by address."""
    conditions = _conditions(wanted)
    total = session.scalar(select(func.count()).select_from(Subscriber).where(*conditions)) or 0
    last = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), last)
    query = (
        select(Subscriber)
        .where(*conditions)
        .order_by(Subscriber.email)
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    )
    return SubscriberPage(list(session.scalars(query)), total, page)


def _conditions(wanted: SubscriberFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    text = wanted.text.strip()
    if text:
        conditions.append(
            or_(
                Subscriber.email.icontains(text, autoescape=True),
                Subscriber.name.icontains(text, autoescape=True),
            )
        )
    if wanted.theme:
        conditions.append(_holds(Subscriber.themes, wanted.theme))
    if wanted.job:
        conditions.append(_holds(Subscriber.jobs, wanted.job))
    if wanted.status:
        conditions.append(Subscriber.status == wanted.status)
    return conditions


def _holds(column: object, label: str) -> ColumnElement[bool]:
    """The JSON list column holds ``label`` (its text holds the quoted id, on both databases)."""
    return cast(column, String).contains(f'"{label}"', autoescape=True)


def label_counts(session: Session, themes: Sequence[str], jobs: Sequence[str]) -> LabelCounts:
    """Counted by the database in one pass over the active subscribers."""
    wanted = [(Subscriber.themes, label) for label in themes]
    wanted += [(Subscriber.jobs, label) for label in jobs]
    whole = and_(_empty(Subscriber.themes), _empty(Subscriber.jobs))
    columns = [_count_if(_holds(column, label)) for column, label in wanted] + [_count_if(whole)]
    row = session.execute(select(*columns).where(Subscriber.status == "active")).one()
    counts = [int(value or 0) for value in row]
    return LabelCounts(
        Counter(dict(zip(themes, counts[: len(themes)], strict=True))),
        Counter(dict(zip(jobs, counts[len(themes) : -1], strict=True))),
        counts[-1],
    )


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def _empty(column: object) -> ColumnElement[bool]:
    return cast(column, String).not_like('%"%')  # no quoted id: an empty list


def update(
    session: Session, subscriber: Subscriber, change: SubscriberChange, now: datetime
) -> None:
    """Apply the form; a change of state keeps the dates and links consistent."""
    subscriber.name, subscriber.direction = change.name.strip(), change.direction.strip()
    subscriber.themes, subscriber.jobs = list(change.themes), list(change.jobs)
    if change.status != subscriber.status:
        _set_status(subscriber, change.status, now)
    session.flush()


def _set_status(subscriber: Subscriber, status: str, now: datetime) -> None:
    subscriber.status = status
    if status == "active":
        subscriber.confirmed_at = subscriber.confirmed_at or now
        subscriber.unsubscribed_at, subscriber.bounce_count = None, 0
    elif status == "unsubscribed":
        subscriber.unsubscribed_at = now
        subscriber.token_version += 1  # the links already sent stop working


def erase(session: Session, subscriber: Subscriber) -> None:
    """Delete the subscriber and their delivery records: nothing personal remains."""
    session.execute(delete(Delivery).where(Delivery.subscriber_id == subscriber.id))
    session.delete(subscriber)
    session.flush()
