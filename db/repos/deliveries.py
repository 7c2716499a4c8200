"""The delivery log: one row per edition × subscriber, so sending resumes and never repeats.

pending/failed ──claim──▶ sending ──▶ sent | failed (retried later) | bounced

A row is claimed (one conditional UPDATE, committed) before its message is
handed to the server, so two ``send`` runs at once never send the same
message. A row left ``sending`` by a crash may or may not have gone out: it
is not sent again, unless an operator asks for it (``requeue_interrupted``).
"""

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Table, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from db.models import Delivery, Subscriber
from db.types import utcnow

RETRYABLE = ("pending", "failed")
_TABLE: Table = Delivery.__table__  # type: ignore[assignment]  # plain Core: no ORM overhead


def ensure_pending(session: Session, edition_id: int, subscriber_ids: Iterable[int]) -> int:
    """Add a pending row for each subscriber who has none yet; returns how many were added.

    A row another run adds at the same moment is left to it (``ON CONFLICT DO
    NOTHING``), so two runs planning at once do not fail on the unique key."""
    known = set(
        session.scalars(select(Delivery.subscriber_id).where(Delivery.edition_id == edition_id))
    )
    now = utcnow()
    added = [
        {"edition_id": edition_id, "subscriber_id": subscriber_id, "status": "pending",
         "attempts": 0, "created_at": now, "updated_at": now}
        for subscriber_id in subscriber_ids
        if subscriber_id not in known
    ]  # fmt: skip
    if added:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.connection().execute(insert(_TABLE).on_conflict_do_nothing(), added)
    return len(added)


def to_send(session: Session, edition_id: int) -> Sequence[tuple[Delivery, Subscriber]]:
    """Deliveries not sent yet whose subscriber still wants the newsletter."""
    rows = session.execute(
        select(Delivery, Subscriber)
        .join(Subscriber, Subscriber.id == Delivery.subscriber_id)
        .where(
            Delivery.edition_id == edition_id,
            Delivery.status.in_(RETRYABLE),
            Subscriber.status == "active",
            Subscriber.paused.is_(False),
        )
        .order_by(Delivery.id)
    )
    return [(delivery, subscriber) for delivery, subscriber in rows]


def claim(session: Session, delivery: Delivery, now: datetime) -> bool:
    """Take the row for this run; False when another run took it first."""
    result = session.connection().execute(
        update(_TABLE)
        .where(_TABLE.c.id == delivery.id, _TABLE.c.status.in_(RETRYABLE))
        .values(status="sending", updated_at=now)
    )
    return result.rowcount == 1


def release(session: Session, delivery: Delivery, now: datetime) -> None:
    """Give a claimed row back: the message was certainly not handed over."""
    session.connection().execute(
        update(_TABLE)
        .where(_TABLE.c.id == delivery.id, _TABLE.c.status == "sending")
        .values(status="pending", updated_at=now)
    )


def requeue_interrupted(session: Session, edition_id: int, claimed_before: datetime) -> int:
    """Put rows left ``sending`` since before ``claimed_before`` back to pending.

    Only old claims: a run sending right now holds its rows for seconds,
    and must not see them taken back. Returns how many rows were requeued.
    """
    result = session.connection().execute(
        update(_TABLE)
        .where(
            _TABLE.c.edition_id == edition_id,
            _TABLE.c.status == "sending",
            _TABLE.c.updated_at < claimed_before,
        )
        .values(status="pending", updated_at=claimed_before)
    )
    return result.rowcount


def mark_sent(session: Session, delivery: Delivery, message_id: str, now: datetime) -> None:
    """One plain UPDATE: this runs once per message sent, so it stays cheap."""
    session.connection().execute(
        update(_TABLE)
        .where(_TABLE.c.id == delivery.id)
        .values(
            status="sent",
            message_id=message_id,
            sent_at=now,
            attempts=_TABLE.c.attempts + 1,
            last_error=None,
            updated_at=now,
        )
    )


def mark_failed(session: Session, delivery: Delivery, error: str, *, bounced: bool) -> None:
    delivery.status = "bounced" if bounced else "failed"
    delivery.attempts += 1
    delivery.last_error = error[:2000]
    session.flush()


def counts(session: Session, edition_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Delivery.status, func.count())
        .where(Delivery.edition_id == edition_id)
        .group_by(Delivery.status)
    )
    return {str(status): int(count) for status, count in rows}


def problems(session: Session, edition_id: int) -> list[tuple[str, str, str]]:
    """(address, status, reason) of each delivery that failed or bounced."""
    rows = session.execute(
        select(Subscriber.email, Delivery.status, Delivery.last_error)
        .join(Subscriber, Subscriber.id == Delivery.subscriber_id)
        .where(Delivery.edition_id == edition_id, Delivery.status.in_(("failed", "bounced")))
        .order_by(Subscriber.email)
    )
    return [(str(email), str(status), str(error or "")) for email, status, error in rows]
