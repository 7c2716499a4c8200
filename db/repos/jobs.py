"""Runs of the scheduled jobs: each (job, slot) is claimed once, whatever the number of workers.

On PostgreSQL the claim is serialised by a transaction-scoped advisory lock
per job; on SQLite the database's single writer does it. Either way the
unique (job, slot) row is the final word: a second claim of the same slot
gets nothing.
"""

import zlib
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import JobRun


def _lock_job(session: Session, job_id: str) -> None:
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(f"veille-job:{job_id}".encode())
        session.execute(select(func.pg_advisory_xact_lock(key)))


def claim(
    session: Session,
    job_id: str,
    slot: datetime,
    owner: str,
    now: datetime,
    *,
    manual: bool = False,
    running_since: datetime | None = None,
) -> JobRun | None:
    """The new run, or None when this slot is taken or a run started after ``running_since``
    is still going (a crashed run older than that no longer blocks)."""
    _lock_job(session, job_id)
    taken = select(JobRun.id).where(JobRun.job_id == job_id, JobRun.slot == slot)
    if session.scalar(taken) is not None or _running(session, job_id, running_since):
        return None
    run = JobRun(job_id=job_id, slot=slot, owner=owner, started_at=now, manual=manual, outcome="")
    try:
        with session.begin_nested():
            session.add(run)
    except IntegrityError:
        return None
    return run


def _running(session: Session, job_id: str, since: datetime | None) -> bool:
    if since is None:
        return False
    query = select(JobRun.id).where(
        JobRun.job_id == job_id, JobRun.finished_at.is_(None), JobRun.started_at > since
    )
    return session.scalar(query.limit(1)) is not None


def finish(session: Session, run_id: int, now: datetime, ok: bool | None, outcome: str) -> None:
    """Record the end; ``ok`` None means done but waiting for a person."""
    run = session.get(JobRun, run_id)
    if run is not None:
        run.finished_at, run.ok, run.outcome = now, ok, outcome


def latest_runs(session: Session) -> dict[str, JobRun]:
    """The most recent run of each job."""
    newest = (
        select(JobRun.job_id, func.max(JobRun.id).label("id")).group_by(JobRun.job_id).subquery()
    )
    rows = session.scalars(select(JobRun).join(newest, JobRun.id == newest.c.id))
    return {run.job_id: run for run in rows}


def last_success(session: Session, job_id: str) -> JobRun | None:
    query = (
        select(JobRun)
        .where(JobRun.job_id == job_id, JobRun.ok.is_(True))
        .order_by(JobRun.finished_at.desc())
    )
    return session.scalars(query.limit(1)).first()


def runs_of(session: Session, job_id: str) -> list[JobRun]:
    return list(session.scalars(select(JobRun).where(JobRun.job_id == job_id).order_by(JobRun.id)))


def run_counts(session: Session) -> dict[tuple[str, str], int]:
    """(job, outcome) -> runs, outcome being ok, failed, waiting or running."""
    rows = session.execute(
        select(JobRun.job_id, JobRun.ok, JobRun.finished_at.is_(None), func.count()).group_by(
            JobRun.job_id, JobRun.ok, JobRun.finished_at.is_(None)
        )
    )
    counts: dict[tuple[str, str], int] = {}
    for job_id, ok, running, count in rows:
        word = "running" if running else "waiting" if ok is None else "ok" if ok else "failed"
        counts[(job_id, word)] = counts.get((job_id, word), 0) + count
    return counts
