"""The week's edition: order and comment the selection, write the editorial, publish."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from db.models import Edition, EditionItem
from db.repos import curation as repo
from db.repos.curation import EditionNotEditable
from veille.web.csrf import CSRF
from veille.web.deps import CurrentUser, DbSession
from veille.web.views import (
    Labels,
    RowId,
    back_to,
    flash,
    labels_of,
    page,
    require_section,
    week_param,
)

router = APIRouter()
PREVIEW_POLICY = (  # the email's inlined styles, and nothing else
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
FormText = Annotated[str, Form()]


def grouped_items(edition: Edition | None, labels: Labels) -> list[tuple[str, list[EditionItem]]]:
    """(section, items by position) in the order of the sections, empty sections left out."""
    if edition is None:
        return []
    order = list(labels.sections)
    sections = sorted({item.section for item in edition.items}, key=_rank(order))
    return [
        (section, sorted((i for i in edition.items if i.section == section), key=_by_position))
        for section in sections
    ]


def _rank(order: list[str]) -> Callable[[str], tuple[int, str]]:
    return lambda section: (order.index(section) if section in order else len(order), section)


def _by_position(item: EditionItem) -> tuple[int, int]:
    return item.position, item.id


@router.get("/edition")
def show(request: Request, user: CurrentUser, db: DbSession, week: str | None = None) -> Response:
    chosen = week_param(request, week)
    edition = repo.edition_for_week(db, str(chosen))
    context = {
        "nav": "edition",
        "week": chosen,
        "edition": edition,
        "groups": grouped_items(edition, labels_of(request)),
        "editable": edition is None or edition.status == "draft",
        "here": f"/edition?week={chosen}",
    }
    return page(request, "pages/edition.html", context, user)


@router.get("/edition/apercu")
def preview(
    request: Request, user: CurrentUser, db: DbSession, week: str | None = None
) -> Response:
    """The email as a reader of the whole edition will get it (nothing is saved)."""
    from newsletter import Profile, pick_for
    from newsletter.edition import build_edition
    from veille import newsletter_config

    settings = request.app.state.settings
    chosen = week_param(request, week)
    options = newsletter_config.edition_options(settings)
    content = build_edition(db, chosen, options, datetime.now(UTC))
    db.rollback()  # an automatic draft made for the preview is not kept
    rendered = newsletter_config.renderer(settings).render(pick_for(Profile(), content))
    return HTMLResponse(rendered.html, headers={"Content-Security-Policy": PREVIEW_POLICY})


@router.post("/edition/items/{item_id}", dependencies=[CSRF])
def update_item(
    request: Request,
    item_id: RowId,
    user: CurrentUser,
    db: DbSession,
    week: FormText = "",
    section: FormText = "",
    comment: FormText = "",
    position: Annotated[int, Form(ge=0, le=10_000)] = 0,
) -> Response:
    chosen = week_param(request, week)
    require_section(request, section)
    try:
        repo.update_item(db, str(chosen), item_id, section, comment, position)
    except EditionNotEditable as error:
        return _refused(request, str(error), chosen)
    db.commit()
    flash(request, "Article mis à jour.")
    return back_to(f"/edition?week={chosen}#item-{item_id}")


@router.post("/edition/editorial", dependencies=[CSRF])
def editorial(
    request: Request,
    user: CurrentUser,
    db: DbSession,
    week: FormText = "",
    editorial_md: FormText = "",
) -> Response:
    chosen = week_param(request, week)
    try:
        repo.set_editorial(db, str(chosen), editorial_md)
    except EditionNotEditable as error:
        return _refused(request, str(error), chosen)
    db.commit()
    flash(request, "Éditorial enregistré.")
    return back_to(f"/edition?week={chosen}")


@router.post("/edition/publish", dependencies=[CSRF])
def publish(request: Request, user: CurrentUser, db: DbSession, week: FormText = "") -> Response:
    chosen = week_param(request, week)
    try:
        repo.publish_edition(db, str(chosen), datetime.now(UTC))
    except EditionNotEditable as error:
        return _refused(request, str(error), chosen)
    db.commit()
    flash(request, f"L'édition {chosen} est publiée.")
    return back_to(f"/edition?week={chosen}")


def _refused(request: Request, message: str, week: object) -> Response:
    flash(request, message[:1].upper() + message[1:] + ".")
    return back_to(f"/edition?week={week}")
