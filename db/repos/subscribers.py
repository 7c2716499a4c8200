"""Newsletter subscribers: subscription, preferences, bounces, import and export."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Subscriber


@dataclass(frozen=True, slots=True)
class SubscriberData:
    """What an import or a subscription form gives for one address."""

    email: str
    name: str = ""
    direction: str = ""
    themes: tuple[str, ...] = ()
    jobs: tuple[str, ...] = ()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get(session: Session, subscriber_id: int) -> Subscriber | None:
    return session.get(Subscriber, subscriber_id)


def get_by_email(session: Session, email: str) -> Subscriber | None:
    return session.scalar(select(Subscriber).where(Subscriber.email == normalise_email(email)))


def active_by_email(session: Session) -> Sequence[Subscriber]:
    return session.scalars(
        select(Subscriber).where(Subscriber.status == "active").order_by(Subscriber.email)
    ).all()


def counts_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(select(Subscriber.status, func.count()).group_by(Subscriber.status))
    return {str(status): int(count) for status, count in rows}


def recipients(session: Session) -> Sequence[Subscriber]:
    """Active subscribers who have not paused the newsletter."""
    return session.scalars(
        select(Subscriber)
        .where(Subscriber.status == "active", Subscriber.paused.is_(False))
        .order_by(Subscriber.id)
    ).all()


def _apply(subscriber: Subscriber, data: SubscriberData) -> None:
    subscriber.name, subscriber.direction = data.name, data.direction
    subscriber.themes, subscriber.jobs = list(data.themes), list(data.jobs)


def import_active(
    session: Session, rows: Iterable[SubscriberData], now: datetime
) -> tuple[int, int, int]:
    """Create or update each address as active; returns (created, updated, kept unsubscribed).

    The authority vouches for its agents, so imported addresses need no
    confirmation and a bounced address is tried again. An address whose owner
    unsubscribed stays unsubscribed: an import must not override that choice.
    """
    created = updated = refused = 0
    for data in rows:
        subscriber = get_by_email(session, data.email)
        if subscriber is not None and subscriber.status == "unsubscribed":
            refused += 1
            continue
        if subscriber is None:
            subscriber = Subscriber(email=normalise_email(data.email))
            session.add(subscriber)
            created += 1
        else:
            updated += 1
        _apply(subscriber, data)
        subscriber.status, subscriber.paused, subscriber.bounce_count = "active", False, 0
        subscriber.confirmed_at = subscriber.confirmed_at or now
        subscriber.unsubscribed_at = None
        session.flush()
    return created, updated, refused


def request(session: Session, data: SubscriberData) -> Subscriber:
    """Record a subscription request; an active subscriber is left as is."""
    subscriber = get_by_email(session, data.email)
    if subscriber is None:
        subscriber = Subscriber(email=normalise_email(data.email), status="pending")
        session.add(subscriber)
    if subscriber.status != "active":
        _apply(subscriber, data)
        subscriber.status = "pending"
    session.flush()
    return subscriber


def confirm(session: Session, subscriber: Subscriber, now: datetime) -> None:
    if subscriber.status != "active":
        subscriber.status, subscriber.bounce_count = "active", 0
        subscriber.confirmed_at, subscriber.unsubscribed_at = now, None
        subscriber.paused = False
    session.flush()


def set_preferences(
    session: Session,
    subscriber: Subscriber,
    themes: Sequence[str],
    jobs: Sequence[str],
    paused: bool,
) -> None:
    subscriber.themes, subscriber.jobs, subscriber.paused = list(themes), list(jobs), paused
    session.flush()


def unsubscribe(session: Session, subscriber: Subscriber, now: datetime) -> None:
    if subscriber.status != "unsubscribed":
        subscriber.status, subscriber.unsubscribed_at = "unsubscribed", now
    session.flush()


def record_bounce(session: Session, subscriber: Subscriber, threshold: int) -> bool:
    """Count a permanent refusal; True when the address is now marked bounced."""
    subscriber.bounce_count += 1
    if subscriber.bounce_count >= threshold:
        subscriber.status = "bounced"
    session.flush()
    return subscriber.status == "bounced"


def record_success(session: Session, subscriber: Subscriber) -> None:
    if subscriber.bounce_count:
        subscriber.bounce_count = 0
        session.flush()
