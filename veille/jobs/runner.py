"""Run one job: claim its slot (once across workers), run it, record the outcome."""

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from db.engine import session_scope
from db.repos import jobs as runs
from veille.jobs.base import JobContext, Outcome, Tick
from veille.jobs.schedule import JOBS, latest_slot
from veille.metrics import JOB_RUNS

logger = logging.getLogger(__name__)
# A run older than this without an end belongs to a process that died.
STALE_RUN = timedelta(hours=6)


def run_job(
    context: JobContext, job_id: str, *, now: datetime | None = None, manual: bool = False
) -> Outcome | None:
    """Run ``job_id`` for its current slot; None when another run has it (or is still going)."""
    spec = JOBS[job_id]
    moment = now or datetime.now(UTC)
    slot = moment if manual else latest_slot(spec.trigger(context.settings), moment)
    with session_scope(context.session_factory) as session:
        run = runs.claim(
            session, job_id, slot, context.owner, moment,
            manual=manual, running_since=moment - STALE_RUN,
        )  # fmt: skip
        run_id = run.id if run is not None else None
    if run_id is None:
        logger.info("tâche %s (%s) : déjà prise par un autre processus", job_id, slot)
        return None
    outcome = _run(context, spec.run, Tick(moment, slot, manual), job_id)
    word = "waiting" if outcome.ok is None else "ok" if outcome.ok else "failed"
    JOB_RUNS.labels(job_id, word).inc()
    with session_scope(context.session_factory) as session:
        runs.finish(session, run_id, datetime.now(UTC), outcome.ok, outcome.text)
    return outcome


def _run(
    context: JobContext, function: Callable[[JobContext, Tick], Outcome], tick: Tick, job_id: str
) -> Outcome:
    try:
        outcome: Outcome = function(context, tick)
    except Exception as error:
        logger.exception("tâche %s en échec", job_id)
        return Outcome(f"échec : {error}", ok=False)
    logger.info("tâche %s : %s", job_id, outcome.text)
    return outcome
