"""« Envoyer l'édition »: send the published edition now or at a time, follow it, read its report.

Any member of the watch team may send (curators as administrators: sending
the edition they published is the last step of their week; the CLI's
``veille newsletter send`` has no role at all, it runs on the server). The
page is the confirmation: it says how many subscribers will receive the
letter. Sending runs after the answer (a background task of this process,
or the scheduler for a later time, see ``veille.jobs.sending``); the page
follows it through ``/edition/envoi/etat`` and then shows the report.
"""

import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import JSONResponse, Response

from db.models import Edition, EditionSend, User
from db.repos import curation as repo
from db.repos import deliveries, sends
from db.repos.subscribers import recipients
from newsletter.weeks import IsoWeek
from veille.jobs.base import JobContext
from veille.jobs.sending import STALE_SEND, claim_now, run_send
from veille.web.csrf import CSRF
from veille.web.deps import CurrentUser, DbSession
from veille.web.views import back_to, flash, page, week_param

router = APIRouter()
FormText = Annotated[str, Form()]
FINISHED = ("done", "failed")


def _here(week: IsoWeek) -> str:
    return f"/edition/envoi?week={week}"


def _progress(db: DbSession, edition: Edition | None) -> dict[str, Any]:
    counts = deliveries.counts(db, edition.id) if edition is not None else {}
    handled = sum(counts.get(word, 0) for word in ("sent", "failed", "bounced"))
    return {"done": handled, "total": sum(counts.values()), "counts": counts}


def _state(db: DbSession, week: IsoWeek) -> tuple[Edition | None, EditionSend | None]:
    edition = repo.edition_for_week(db, str(week))
    row = sends.for_edition(db, edition.id) if edition is not None else None
    return edition, row


def stale(row: EditionSend) -> bool:
    """A run that started long ago and never finished: its process died."""
    return row.started_at is not None and row.started_at < _now() - STALE_SEND


def _sendable(edition: Edition | None, row: EditionSend | None, progress: dict[str, Any]) -> bool:
    """Published, not running, and never sent or with messages left to retry."""
    if edition is None or edition.status == "draft":
        return False
    if row is not None and row.status == "running":
        return stale(row)
    if edition.status == "sent" or (row is not None and row.status == "done"):
        counts: dict[str, int] = progress["counts"]
        return counts.get("failed", 0) + counts.get("pending", 0) > 0
    return True


@router.get("/edition/envoi")
def send_page(
    request: Request, user: CurrentUser, db: DbSession, week: str | None = None
) -> Response:
    chosen = week_param(request, week)
    edition, row = _state(db, chosen)
    progress = _progress(db, edition)
    context = {
        "nav": "edition",
        "week": chosen,
        "edition": edition,
        "send": row,
        "progress": progress,
        "sendable": _sendable(edition, row, progress),
        "recipients": len(recipients(db)),
        "problems": deliveries.problems(db, edition.id) if edition is not None else [],
        "overdue": row is not None and row.status == "scheduled" and row.due_at <= _now(),
    }
    return page(request, "pages/edition_send.html", context, user)


@router.get("/edition/envoi/etat")
def send_status(
    request: Request, user: CurrentUser, db: DbSession, week: str | None = None
) -> Response:
    """Where the send stands, for the page's poll: status, N / total."""
    edition, row = _state(db, week_param(request, week))
    progress = _progress(db, edition)
    status = row.status if row is not None else None
    body = {"status": status, "finished": status in FINISHED,
            "done": progress["done"], "total": progress["total"]}  # fmt: skip
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


@router.post("/edition/envoi", dependencies=[CSRF])
def ask(
    request: Request,
    user: CurrentUser,
    db: DbSession,
    background: BackgroundTasks,
    week: FormText = "",
    confirmed: FormText = "",
    moment: FormText = "",
    when: FormText = "",
) -> Response:
    """« Envoyer maintenant » (``moment`` = maintenant) or « Programmer l'envoi » at ``when``."""
    chosen = week_param(request, week)
    edition, row = _state(db, chosen)
    if confirmed != "oui":
        return back_to(_here(chosen))
    if not _sendable(edition, row, _progress(db, edition)):
        flash(request, "Rien à envoyer : édition non publiée, ou envoi déjà fait ou en cours.")
        return back_to(_here(chosen))
    assert edition is not None
    db.rollback()  # the claim below runs in its own transactions
    if moment == "maintenant":
        return _send_now(request, user, edition.id, chosen, background)
    return _schedule(request, db, user, edition.id, chosen, when)


def _send_now(
    request: Request, user: User, edition_id: int, week: IsoWeek, background: BackgroundTasks
) -> Response:
    context = _job_context(request, user)
    send_id = claim_now(context, edition_id, user.email, _now())
    if send_id is None:
        flash(request, "Un envoi de cette édition est déjà en cours : il n'est pas relancé.")
    else:
        background.add_task(run_send, context, send_id)
        flash(request, f"Envoi de l'édition {week} lancé.")
    return back_to(_here(week))


def _schedule(
    request: Request, db: DbSession, user: User, edition_id: int, week: IsoWeek, when: str
) -> Response:
    timezone = request.app.state.settings.timezone
    due = _parse_local(when, timezone)
    if due is None or due <= _now():
        flash(request, "Indiquez une date et une heure à venir (heure de Paris).")
        return back_to(_here(week))
    try:
        sends.request(db, edition_id, due, user.email, _now() - STALE_SEND)
    except sends.SendRefused:
        flash(request, "Un envoi de cette édition est déjà en cours : il n'est pas reprogrammé.")
        return back_to(_here(week))
    db.commit()
    shown = due.astimezone(ZoneInfo(timezone)).strftime("%d/%m/%Y à %H:%M")
    flash(request, f"Envoi de l'édition {week} programmé le {shown}.")
    return back_to(_here(week))


@router.post("/edition/envoi/annuler", dependencies=[CSRF])
def cancel(request: Request, user: CurrentUser, db: DbSession, week: FormText = "") -> Response:
    chosen = week_param(request, week)
    edition, _row = _state(db, chosen)
    if edition is not None and sends.cancel(db, edition.id):
        db.commit()
        flash(request, "Envoi programmé annulé.")
    else:
        flash(request, "Aucun envoi programmé à annuler (il a peut-être déjà commencé).")
    return back_to(_here(chosen))


def _parse_local(text: str, timezone: str) -> datetime | None:
    """« 2026-05-18T08:30 » (an ``<input type=datetime-local>``) in ``timezone``, as UTC."""
    try:
        local = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if local.tzinfo is not None:
        return None
    return local.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def _job_context(request: Request, user: User) -> JobContext:
    state = request.app.state
    owner = f"web:{socket.gethostname()}:{os.getpid()}:{user.email}"
    return JobContext(
        state.settings, state.session_factory, Path(state.settings.sources), owner=owner[:100]
    )


def _now() -> datetime:
    return datetime.now(UTC)
