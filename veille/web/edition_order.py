"""Reorder the draft edition: an item moved to a place in a section, or one step up or down.

The edition page's script (``static/edition.js``) drags items or moves them
with Alt+↑/↓ and posts the place (``section`` and ``index``) with the CSRF
header; it gets JSON back. Without script, the « Monter » / « Descendre »
buttons post a ``direction`` and get the page back. A step past the first or
last item of a section crosses into the neighbouring section, as shown.
"""

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import JSONResponse, Response

from db.repos import curation as repo
from db.repos.curation import EditionNotEditable
from db.repos.edition_order import move_item
from newsletter.weeks import IsoWeek
from veille.web.csrf import CSRF
from veille.web.deps import CurrentUser, DbSession
from veille.web.edition import sections_of, week_content
from veille.web.views import (
    RowId,
    back_to,
    flash,
    labels_of,
    require_section,
    sentence,
    week_param,
)

router = APIRouter()
Layout = list[tuple[str, list[int]]]  # (section, curated item ids in order), as the page shows
DIRECTIONS = ("haut", "bas")


def step(layout: Layout, item_id: int, up: bool) -> tuple[str, int] | None:
    """The place one step up or down, crossing into the neighbouring section at an edge."""
    for number, (section, ids) in enumerate(layout):
        if item_id not in ids:
            continue
        at = ids.index(item_id)
        if 0 <= at + (-1 if up else 1) < len(ids):
            return section, at + (-1 if up else 1)
        neighbour = number + (-1 if up else 1)
        if 0 <= neighbour < len(layout):
            key, others = layout[neighbour]
            return key, len(others) if up else 0
        return None
    return None


def ordinal(index: int) -> str:
    """0 -> « 1re », 1 -> « 2e »…"""
    return "1re" if index == 0 else f"{index + 1}e"


def _layout(request: Request, db: DbSession, week: IsoWeek) -> Layout:
    edition = repo.edition_for_week(db, str(week))
    sections = sections_of(week_content(request, db, week), edition)
    return [(key, [row.id for _, row in rows if row is not None]) for key, _, rows in sections]


def _place(
    request: Request, db: DbSession, week: IsoWeek, item_id: int, section: str, index: int | None,
    direction: str,
) -> tuple[str, int] | None:  # fmt: skip
    if direction:
        if direction not in DIRECTIONS:
            raise HTTPException(status_code=400, detail="Direction inconnue.")
        return step(_layout(request, db, week), item_id, direction == "haut")
    require_section(request, section)
    if index is None:
        raise HTTPException(status_code=400, detail="Position manquante.")
    return section, index


@router.post("/edition/items/{item_id}/deplacer", dependencies=[CSRF])
def move(
    request: Request,
    item_id: RowId,
    user: CurrentUser,
    db: DbSession,
    week: Annotated[str, Form()] = "",
    section: Annotated[str, Form()] = "",
    index: Annotated[int | None, Form(ge=0, le=10_000)] = None,
    direction: Annotated[str, Form()] = "",
) -> Response:
    chosen = week_param(request, week)
    place = _place(request, db, chosen, item_id, section, index, direction)
    if place is None:
        return _answer(request, chosen, item_id, "L'article est déjà à cette place.", None)
    try:
        at = move_item(db, str(chosen), item_id, place[0], place[1])
    except EditionNotEditable as error:
        raise HTTPException(status_code=409, detail=f"{sentence(str(error))}.") from error
    db.commit()
    title = labels_of(request).name(place[0])
    message = f"Article déplacé en {ordinal(at)} position de « {title} »."
    return _answer(request, chosen, item_id, message, (place[0], at))


def _answer(
    request: Request, week: IsoWeek, item_id: int, message: str, place: tuple[str, int] | None
) -> Response:
    if "application/json" in request.headers.get("accept", ""):
        body = {"message": message, "section": place[0] if place else None,
                "index": place[1] if place else None}  # fmt: skip
        return JSONResponse(body)
    flash(request, message)
    return back_to(f"/edition?week={week}#item-{item_id}")
