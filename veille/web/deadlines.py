"""« Échéances »: the watch team confirms, corrects, hides or adds regulatory obligations.

Every change by a curator marks the obligation as curated: a later
collection of its page never rewrites it (see ``veille.obligations``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from db.models import Obligation
from db.repos import obligations as repo
from db.types import utcnow
from veille.web.csrf import CSRF
from veille.web.deps import CurrentUser, DbSession
from veille.web.views import back_to, flash, labels_of, page

router = APIRouter()
FormText = Annotated[str, Form()]
FormThemes = Annotated[list[str] | None, Form()]
TABS = {"active": "En vigueur", "hidden": "Masquées", "superseded": "Remplacées"}
MAX_TEXT = 2000
MAX_REFERENCE = 200
Action = Callable[[Session, Obligation], None]


@dataclass(frozen=True, slots=True)
class Entered:
    """An obligation as typed in the form, checked."""

    due_on: date
    text: str
    reference: str | None
    themes: list[str]


@router.get("/echeances")
def deadlines_page(
    request: Request, user: CurrentUser, db: DbSession, statut: str = "active"
) -> Response:
    if statut not in TABS:
        raise HTTPException(status_code=400, detail=f"Statut inconnu : {statut!r}.")
    rows = repo.listing(db, repo.ObligationFilter(statuses=(statut,)))
    context = {"nav": "deadlines", "rows": rows, "tab": statut, "tabs": TABS}
    return page(request, "pages/deadlines.html", context, user)


@router.get("/echeances/{obligation_id}/modifier")
def edit_form(request: Request, obligation_id: int, user: CurrentUser, db: DbSession) -> Response:
    context = {"nav": "deadlines", "row": repo.get(db, obligation_id)}
    return page(request, "pages/deadline_edit.html", context, user)


@router.post("/echeances", dependencies=[CSRF])
def add(
    request: Request,
    user: CurrentUser,
    db: DbSession,
    due_on: FormText = "",
    text: FormText = "",
    reference: FormText = "",
    url: FormText = "",
    themes: FormThemes = None,
) -> Response:
    entered = _checked(request, due_on, text, reference, themes)
    link = url.strip()
    if link and not link.lower().startswith(("https://", "http://")):
        raise HTTPException(status_code=400, detail="La source doit être une adresse http(s).")
    repo.add(
        db, due_on=entered.due_on, text=entered.text, reference=entered.reference,
        url=link or None, themes=entered.themes, origin="curator", curated=True, confirmed=True,
    )  # fmt: skip
    db.commit()
    flash(request, f"Échéance du {entered.due_on:%d/%m/%Y} ajoutée.")
    return back_to("/echeances")


@router.post("/echeances/{obligation_id}", dependencies=[CSRF])
def edit(
    request: Request,
    obligation_id: int,
    user: CurrentUser,
    db: DbSession,
    due_on: FormText = "",
    text: FormText = "",
    reference: FormText = "",
    themes: FormThemes = None,
) -> Response:
    row = _open(db, obligation_id)
    entered = _checked(request, due_on, text, reference, themes)
    repo.edit(
        db, row, due_on=entered.due_on, text=entered.text, reference=entered.reference,
        themes=entered.themes, now=utcnow(),
    )  # fmt: skip
    db.commit()
    flash(request, f"Échéance du {row.due_on:%d/%m/%Y} corrigée.")
    return back_to(f"/echeances#echeance-{row.id}")


@router.post("/echeances/{obligation_id}/confirmer", dependencies=[CSRF])
def confirm(request: Request, obligation_id: int, user: CurrentUser, db: DbSession) -> Response:
    return _decide(request, db, obligation_id, repo.confirm, "Échéance du {day} confirmée.")


@router.post("/echeances/{obligation_id}/masquer", dependencies=[CSRF])
def hide(request: Request, obligation_id: int, user: CurrentUser, db: DbSession) -> Response:
    return _decide(request, db, obligation_id, repo.hide, "Échéance du {day} masquée.")


@router.post("/echeances/{obligation_id}/retablir", dependencies=[CSRF])
def restore(request: Request, obligation_id: int, user: CurrentUser, db: DbSession) -> Response:
    return _decide(request, db, obligation_id, repo.restore, "Échéance du {day} rétablie.")


def _decide(
    request: Request, db: DbSession, obligation_id: int, action: Action, done: str
) -> Response:
    row = _open(db, obligation_id)
    action(db, row)
    db.commit()
    flash(request, done.format(day=f"{row.due_on:%d/%m/%Y}"))
    return back_to(f"/echeances#echeance-{row.id}")


def _open(db: Session, obligation_id: int) -> Obligation:
    """An obligation a curator may still change: not one replaced by a newer text."""
    row = repo.get(db, obligation_id)
    if row.status == "superseded":
        raise HTTPException(status_code=409, detail="Cette échéance a été remplacée.")
    return row


def _checked(
    request: Request, due_on: str, text: str, reference: str, themes: list[str] | None
) -> Entered:
    try:
        day = date.fromisoformat(due_on.strip())
    except ValueError as error:
        raise HTTPException(status_code=400, detail="Date invalide (AAAA-MM-JJ).") from error
    sentence = " ".join(text.split())
    if not sentence or len(sentence) > MAX_TEXT:
        raise HTTPException(status_code=400, detail="L'énoncé est vide ou trop long.")
    known = labels_of(request).themes
    unknown = [theme for theme in themes or [] if theme not in known]
    if unknown:
        raise HTTPException(status_code=400, detail=f"Thème inconnu : {unknown[0]!r}.")
    ref = " ".join(reference.split())[:MAX_REFERENCE] or None
    return Entered(day, sentence, ref, list(dict.fromkeys(themes or [])))
