"""« Envoi »: a send held for being more than a day late waits here for a team member's go-ahead."""

import os
import socket
from pathlib import Path

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import RedirectResponse, Response

from db.models import JobRun
from db.repos.jobs import latest_runs
from veille.jobs.base import JobContext
from veille.jobs.editions import HOLD_MARK
from veille.jobs.runner import run_job
from veille.web.csrf import CSRF
from veille.web.deps import CurrentUser, DbSession
from veille.web.views import flash, page

router = APIRouter()
SEND_JOB = "envoi"


def held(run: JobRun | None) -> bool:
    """True when the latest send run stopped to wait for a go-ahead."""
    return run is not None and run.finished_at is not None and HOLD_MARK in run.outcome


@router.get("/envoi")
def send_page(request: Request, user: CurrentUser, db: DbSession) -> Response:
    run = latest_runs(db).get(SEND_JOB)
    context = {"nav": "send", "run": run, "held": held(run)}
    return page(request, "pages/send.html", context, user)


@router.post("/envoi", dependencies=[CSRF])
def go_ahead(
    request: Request, user: CurrentUser, db: DbSession, background: BackgroundTasks
) -> Response:
    if not held(latest_runs(db).get(SEND_JOB)):
        flash(request, "Aucun envoi n'attend d'accord.")
        return RedirectResponse("/envoi", status_code=303)
    state = request.app.state
    owner = f"web:{socket.gethostname()}:{os.getpid()}:{user.email}"
    context = JobContext(
        state.settings, state.session_factory, Path(state.settings.sources), owner=owner[:100]
    )
    background.add_task(run_job, context, SEND_JOB, manual=True)
    flash(request, "Envoi lancé ; rechargez la page pour voir son résultat.")
    return RedirectResponse("/envoi", status_code=303)
