"""Administrator page « Tâches »: last run, outcome and next time of each job; run one now."""

import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fastapi import APIRouter, BackgroundTasks, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from db.models import JobRun
from db.repos.jobs import latest_runs
from veille.jobs.base import JobContext
from veille.jobs.runner import run_job
from veille.jobs.schedule import JOBS, next_time
from veille.web.csrf import CSRF
from veille.web.deps import AdminUser, DbSession
from veille.web.views import flash, page

router = APIRouter(prefix="/admin/taches")


@dataclass(frozen=True, slots=True)
class JobRow:
    id: str
    title: str
    when: str
    last: JobRun | None
    state: tuple[str, str]  # (CSS class, French word)
    next_at: datetime | None


def state_of(run: JobRun | None) -> tuple[str, str]:
    if run is None:
        return "muted", "jamais exécutée"
    if run.finished_at is None:
        return "state-warn", "en cours"
    if run.ok is None:
        return "state-warn", "en attente"
    return ("state-ok", "réussie") if run.ok else ("state-bad", "échec")


@router.get("")
def jobs(request: Request, user: AdminUser, db: DbSession) -> Response:
    settings = request.app.state.settings
    now = datetime.now(UTC)
    last = latest_runs(db)
    rows = [
        JobRow(spec.id, spec.title, spec.when(settings), last.get(spec.id),
               state_of(last.get(spec.id)), next_time(spec, settings, now))
        for spec in JOBS.values()
    ]  # fmt: skip
    return page(request, "pages/jobs.html", {"nav": "jobs", "rows": rows}, user)


@router.post("/{job_id}/lancer", dependencies=[CSRF])
def run_now(
    request: Request, job_id: str, user: AdminUser, background: BackgroundTasks
) -> Response:
    spec = JOBS.get(job_id)
    if spec is None:
        raise HTTPException(status_code=404, detail="Tâche inconnue.")
    state = request.app.state
    owner = f"web:{socket.gethostname()}:{os.getpid()}"
    context = JobContext(
        state.settings, state.session_factory, Path(state.settings.sources), owner=owner
    )
    background.add_task(run_job, context, job_id, manual=True)
    flash(request, f"« {spec.title} » lancée ; rechargez la page pour voir son résultat.")
    return RedirectResponse("/admin/taches", status_code=303)
