"""The week's edition: order and comment the selection, write the editorial, publish.

The page shows the sections the email will have, decided by the same function
(``newsletter.edition.build_edition``): a curated article sits where a curator
put it, in both; the week's regulation updates nobody curated appear, read
only, in « Évolutions réglementaires ». Publishing asks for a confirmation.
"""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from db.models import Edition, EditionItem
from db.repos import curation as repo
from db.repos.curation import EditionNotEditable
from newsletter.content import EditionContent, Item
from newsletter.edition import build_edition
from newsletter.render import editorial_html
from newsletter.weeks import IsoWeek
from veille import newsletter_config
from veille.web.csrf import CSRF
from veille.web.deps import CurrentUser, DbSession
from veille.web.views import (
    RowId,
    back_to,
    flash,
    page,
    require_section,
    week_param,
)

router = APIRouter()
FormText = Annotated[str, Form()]
Entry = tuple[Item, EditionItem | None]  # an item of the email, and its curated row if any


def week_content(
    request: Request, db: Session, week: IsoWeek, draft_automatically: bool = False
) -> EditionContent:
    """The edition as the email will show it (by default nothing is drafted)."""
    options = newsletter_config.edition_options(request.app.state.settings)
    now = datetime.now(UTC)
    return build_edition(db, week, options, now, draft_automatically=draft_automatically)


def sections_of(
    content: EditionContent, edition: Edition | None
) -> list[tuple[str, str, list[Entry]]]:
    """(key, title, entries) of each section of the email, in its order."""
    rows = {row.article_id: row for row in edition.items} if edition is not None else {}
    return [
        (section.key, section.title, [(item, rows.get(item.article_id)) for item in section.items])
        for section in content.sections
    ]


def _context(request: Request, db: Session, week: IsoWeek) -> dict[str, Any]:
    edition = repo.edition_for_week(db, str(week))
    content = week_content(request, db, week)
    return {
        "nav": "edition",
        "week": week,
        "edition": edition,
        "sections": sections_of(content, edition),
        "editorial": editorial_html(edition.editorial_md if edition is not None else ""),
        "editable": edition is None or edition.status == "draft",
        "here": f"/edition?week={week}",
    }


@router.get("/edition")
def show(request: Request, user: CurrentUser, db: DbSession, week: str | None = None) -> Response:
    chosen = week_param(request, week)
    return page(request, "pages/edition.html", _context(request, db, chosen), user)


@router.get("/edition/publier")
def confirm_publish(
    request: Request, user: CurrentUser, db: DbSession, week: str | None = None
) -> Response:
    """What publishing will fix, and the button that does it."""
    chosen = week_param(request, week)
    return page(request, "pages/edition_publish.html", _context(request, db, chosen), user)


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
def publish(
    request: Request,
    user: CurrentUser,
    db: DbSession,
    week: FormText = "",
    confirmed: FormText = "",
) -> Response:
    chosen = week_param(request, week)
    if confirmed != "oui":
        return back_to(f"/edition/publier?week={chosen}")
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
