"""The send of an edition: one row per edition, asked for, claimed once, finished.

scheduled (due_at) ──claim──▶ running ──▶ done | failed
    ▲                                          │
    └──────────── asked again (failed, or done with messages to retry)

The unique row per edition and the conditional UPDATE of ``claim`` are what
keep two clicks, two tabs or the web and the scheduler from running the same
send at once; the delivery log (``deliveries``) then keeps each message to
one subscriber from leaving twice, whatever runs it.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.errors import DbError
from db.models import EditionSend

_TABLE: Table = EditionSend.__table__  # type: ignore[assignment]
ASKABLE = ("scheduled", "failed", "done")


class SendRefused(DbError):
    """The edition's send is running: it cannot be asked for again now."""


def for_edition(session: Session, edition_id: int) -> EditionSend | None:
    query = select(EditionSend).where(EditionSend.edition_id == edition_id)
    return session.scalars(query.execution_options(populate_existing=True)).first()


def get(session: Session, send_id: int) -> EditionSend | None:
    return session.get(EditionSend, send_id, populate_existing=True)


def request(
    session: Session,
    edition_id: int,
    due_at: datetime,
    by: str,
    stale_before: datetime | None = None,
) -> EditionSend:
    """Ask for the edition's send at ``due_at``: a new row, or the existing one
    rescheduled. Raises SendRefused while a run holds it (a run started before
    ``stale_before`` and never finished belongs to a dead process: it may be asked again)."""
    row = for_edition(session, edition_id)
    if row is None:
        try:
            with session.begin_nested():
                session.add(EditionSend(edition_id=edition_id, due_at=due_at, requested_by=by))
        except IntegrityError:
            pass  # another request inserted it first: reschedule that one below
        else:
            return _existing(session, edition_id)
    askable: ColumnElement[bool] = _TABLE.c.status.in_(ASKABLE)
    if stale_before is not None:
        askable = or_(askable, _stale(stale_before))
    result = session.connection().execute(
        update(_TABLE)
        .where(_TABLE.c.edition_id == edition_id, askable)
        .values(status="scheduled", due_at=due_at, requested_by=by[:320], runner=None)
    )
    if result.rowcount != 1:
        raise SendRefused("un envoi de cette édition est déjà en cours")
    return _existing(session, edition_id)


def _existing(session: Session, edition_id: int) -> EditionSend:
    row = for_edition(session, edition_id)
    assert row is not None
    return row


def claim(
    session: Session, send_id: int, runner: str, now: datetime, stale_before: datetime
) -> bool:
    """Take a due send for this process; False when it is not due or another process has it.

    A run started before ``stale_before`` and never finished belongs to a dead
    process and may be taken over (its deliveries already sent stay sent)."""
    due = and_(_TABLE.c.status == "scheduled", _TABLE.c.due_at <= now)
    result = session.connection().execute(
        update(_TABLE)
        .where(_TABLE.c.id == send_id, or_(due, _stale(stale_before)))
        .values(status="running", runner=runner[:100], started_at=now, finished_at=None)
    )
    return result.rowcount == 1


def _stale(before: datetime) -> ColumnElement[bool]:
    return and_(_TABLE.c.status == "running", _TABLE.c.started_at < before)


def due(session: Session, now: datetime) -> Sequence[int]:
    """Ids of the sends whose time has come, oldest first."""
    query = (
        select(EditionSend.id)
        .where(EditionSend.status == "scheduled", EditionSend.due_at <= now)
        .order_by(EditionSend.due_at)
    )
    return list(session.scalars(query))


def finish(session: Session, send_id: int, now: datetime, ok: bool, report: dict[str, Any]) -> None:
    session.connection().execute(
        update(_TABLE)
        .where(_TABLE.c.id == send_id)
        .values(status="done" if ok else "failed", finished_at=now, report=report)
    )


def cancel(session: Session, edition_id: int) -> bool:
    """Drop a send that has not started; False when there was none waiting."""
    result = session.connection().execute(
        delete(_TABLE).where(_TABLE.c.edition_id == edition_id, _TABLE.c.status == "scheduled")
    )
    return result.rowcount == 1
