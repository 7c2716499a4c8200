"""Snapshots and changes of watched pages."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import PageChange, PageSnapshot


def latest_snapshot(session: Session, source_id: int) -> PageSnapshot | None:
    return session.scalar(
        select(PageSnapshot)
        .where(PageSnapshot.source_id == source_id)
        .order_by(PageSnapshot.id.desc())
        .limit(1)
    )


def add_snapshot(
    session: Session, source_id: int, *, raw_hash: str, text_hash: str, text: str, now: datetime
) -> PageSnapshot:
    snapshot = PageSnapshot(
        source_id=source_id, raw_hash=raw_hash, text_hash=text_hash, text=text, fetched_at=now
    )
    session.add(snapshot)
    session.flush()
    return snapshot


def add_change(session: Session, **values: object) -> PageChange:
    change = PageChange(**values)
    session.add(change)
    session.flush()
    return change


def changes_for(session: Session, source_id: int) -> list[PageChange]:
    return list(
        session.scalars(
            select(PageChange).where(PageChange.source_id == source_id).order_by(PageChange.id)
        )
    )
