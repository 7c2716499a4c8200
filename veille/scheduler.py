"""The jobs of ``veille serve`` and ``veille worker`` on APScheduler, persisted in the database.

Only wiring: the jobs are in ``veille.jobs``. The schedule lives in
APScheduler's SQLAlchemy job store (table ``apscheduler_jobs``), so a job
missed while the server was down runs once on restart (``coalesce``, no
misfire limit), not once per missed slot. Each run claims its slot in
``job_runs`` first (``veille.jobs.runner``): with several workers on one
database, a slot runs once.

The store keeps a textual reference to ``fire`` and the job's id, never the
settings (they hold secrets): ``fire`` finds this process's ``JobContext``
in ``_CONTEXT``, the one piece of module state, set by ``build_scheduler``.
"""

import logging
import os
import socket
import uuid
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import ConflictingIdError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger

from veille.jobs.base import JobContext
from veille.jobs.schedule import JOBS, check
from veille.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)
COLLECT_JOB = "collecte"
# Sends the team set for a time (« Programmer l'envoi »): looked for every minute.
# Not in ``JOBS``: the send row is its own claim, so no ``job_runs`` row per minute.
SENDS_JOB = "envois-programmes"
SENDS_EVERY = 60
_CONTEXT: dict[str, JobContext] = {}


def fire(job_id: str) -> None:
    """What the job store calls: run the job in this process's context."""
    from veille.jobs.runner import run_job

    run_job(_CONTEXT["current"], job_id)


def fire_sends() -> None:
    """What the job store calls every minute: the programmed sends now due."""
    from veille.jobs.sending import run_due

    run_due(_CONTEXT["current"])


def build_scheduler(
    settings: Settings,
    session_factory: "sessionmaker[Session]",
    *,
    sources_path: Path | None = None,
    start_now: bool = True,
    scheduler_class: type[BaseScheduler] = BackgroundScheduler,
    executor: Any = None,
) -> "VeilleScheduler":
    """A scheduler, not started, over the database's job store."""
    check(settings)
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    context = JobContext(
        settings, session_factory, sources_path or Path(settings.sources), owner=owner
    )
    _CONTEXT["current"] = context
    store = SQLAlchemyJobStore(engine=session_factory.kw["bind"])
    options: dict[str, Any] = {
        "timezone": settings.timezone,
        "jobstores": {"default": store},
        "job_defaults": {"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
    }
    options["executors"] = {"default": executor if executor is not None else StoppingExecutor()}
    return VeilleScheduler(scheduler_class(**options), context, start_now)


class StoppingExecutor(ThreadPoolExecutor):  # type: ignore[misc]
    """APScheduler's thread pool, which declines jobs quietly once it is stopping.

    APScheduler's thread can hand a job that just fell due to an executor that
    ``shutdown`` closed an instant before; the pool then raises and APScheduler
    logs a traceback. Here that job is declined with one French line instead.
    """

    _stopping = False

    def shutdown(self, wait: bool = True) -> None:
        self._stopping = True
        super().shutdown(wait)

    def _do_submit_job(self, job: Any, run_times: Any) -> None:
        try:
            super()._do_submit_job(job, run_times)
        except RuntimeError:
            if not self._stopping:
                raise
            logger.warning("Tâche « %s » non lancée : arrêt en cours.", job.id)


class VeilleScheduler:
    """APScheduler plus the reconciliation of the stored jobs with the settings."""

    def __init__(self, scheduler: BaseScheduler, context: JobContext, start_now: bool) -> None:
        self.scheduler, self.context, self.start_now = scheduler, context, start_now

    def start(self) -> None:
        """Start paused, bring the stored jobs in line with the settings, then resume."""
        self.scheduler.start(paused=True)
        self.reconcile()
        self.scheduler.resume()

    def reconcile(self) -> None:
        """Add the missing jobs; reschedule those whose time changed; keep the others as
        stored, so that a job missed during downtime still runs (once)."""
        for spec in JOBS.values():
            trigger = spec.trigger(self.context.settings)
            job = self.scheduler.get_job(spec.id)
            if job is None:
                self._add(spec.id, spec.title, trigger)
            elif repr(job.trigger) != repr(trigger):
                self.scheduler.reschedule_job(spec.id, trigger=trigger)
        for job in self.scheduler.get_jobs():
            if job.id not in JOBS and job.id != SENDS_JOB:
                self.scheduler.remove_job(job.id)
        if self.scheduler.get_job(SENDS_JOB) is None:
            with suppress(ConflictingIdError):
                self.scheduler.add_job(
                    fire_sends, IntervalTrigger(seconds=SENDS_EVERY), id=SENDS_JOB,
                    name="Envois programmés par l'équipe",
                )  # fmt: skip

    def _add(self, job_id: str, title: str, trigger: Any) -> None:
        first = {"next_run_time": datetime.now(UTC)} if self._runs_at_once(job_id) else {}
        with suppress(ConflictingIdError):  # another worker added it first
            self.scheduler.add_job(fire, trigger, args=(job_id,), id=job_id, name=title, **first)

    def _runs_at_once(self, job_id: str) -> bool:
        return self.start_now and job_id == COLLECT_JOB

    def get_jobs(self) -> list[Any]:
        return list(self.scheduler.get_jobs())

    def shutdown(self, wait: bool = True) -> None:
        # Paused first, the scheduler's thread stops handing due jobs to the
        # executor, bar one already in hand (see StoppingExecutor).
        self.scheduler.pause()
        self.scheduler.shutdown(wait=wait)
