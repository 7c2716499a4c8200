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


# Why an import leaves an address alone, by status.
IMPORT_SKIP_REASONS = {
    "unsubscribed": "désabonnée à la demande de son titulaire",
    "bounced": "en erreur de remise (rejets répétés du serveur de messagerie)",
}


@dataclass(frozen=True, slots=True)
class ImportReport:
    created: int
    updated: int
    skipped: dict[str, str]  # address → reason

    def describe(self) -> str:
        """The result in one French sentence, then one line per skipped address."""
        lines = [f"{self.created} abonné(s) créé(s), {self.updated} mis à jour"]
        if self.skipped:
            lines[0] += f", {len(self.skipped)} ignoré(s)"
            lines += [f"- {email} : {why}" for email, why in sorted(self.skipped.items())]
        lines[0] += "."
        return "\n".join(lines)


def import_active(session: Session, rows: Iterable[SubscriberData], now: datetime) -> ImportReport:
    """Create or update each address as active, except those that left or bounce.

    The authority vouches for its agents, so imported addresses need no
    confirmation. An address whose owner unsubscribed, or that bounced, is
    never reactivated by an import: it is skipped and reported with its reason.
    """
    created = updated = 0
    skipped: dict[str, str] = {}
    for data in rows:
        subscriber = get_by_email(session, data.email)
        if subscriber is not None and subscriber.status in IMPORT_SKIP_REASONS:
            skipped[subscriber.email] = IMPORT_SKIP_REASONS[subscriber.status]
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
    return ImportReport(created, updated, skipped)


def request(session: Session, data: SubscriberData) -> Subscriber:
    """The subscriber a public form names, created as pending when new.

    An existing subscriber is left exactly as it is, whatever its status:
    anyone can type an address, and only its owner, through the emailed link,
    may change it (``confirm`` applies the request then).
    """
    subscriber = get_by_email(session, data.email)
    if subscriber is None:
        subscriber = Subscriber(email=normalise_email(data.email), status="pending")
        _apply(subscriber, data)
        session.add(subscriber)
        session.flush()
    return subscriber


def confirm(
    session: Session, subscriber: Subscriber, now: datetime, data: SubscriberData | None = None
) -> None:
    """The owner confirmed: apply what they asked for (if given) and activate."""
    if data is not None:
        _apply(subscriber, data)
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
    """Unsubscribe, and revoke the preference links already sent."""
    if subscriber.status != "unsubscribed":
        subscriber.status, subscriber.unsubscribed_at = "unsubscribed", now
        subscriber.token_version += 1
    session.flush()


def renew_links(session: Session, subscriber: Subscriber) -> None:
    """Revoke every preference link sent so far; new ones carry the new version."""
    subscriber.token_version += 1
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
