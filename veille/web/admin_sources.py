"""Administrator actions on one source: edit, disable, enable, « collecter maintenant ».

    GET  /admin/sources/{id}/modifier     the form, filled from sources.toml
    POST /admin/sources/{id}/modifier     rewrite the entry, then sync the database
    POST /admin/sources/{id}/desactiver   ``enabled = false`` in the entry, then sync
    POST /admin/sources/{id}/activer      ``enabled = true`` in the entry, then sync
    POST /admin/sources/{id}/collecter    collect this source now (bounded), report it

``sources.toml`` is the source of truth (see ``veille.source_admin``): a
change that cannot be written there is refused with its French reason.
"""

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from db.models import Source, User
from db.tables import SOURCE_KINDS
from veille import source_admin
from veille.catalogue_edit import SourceEdit, read_entry
from veille.errors import ConfigError
from veille.jobs.collecting import label_new_articles
from veille.web.csrf import CSRF
from veille.web.deps import AdminUser, DbSession
from veille.web.views import RowId, flash, page, sentence

router = APIRouter(prefix="/admin/sources")
FormText = Annotated[str, Form()]
FormList = Annotated[list[str], Form()]
HOME = "/admin/sources"


def _catalogue(request: Request) -> Path:
    return Path(request.app.state.settings.sources)


def _form(
    request: Request, user: User, source: Source, values: dict[str, Any], **context: Any
) -> Response:
    status_code = 422 if context.get("error") else 200
    full = {"nav": "sources", "source": source, "values": values, "error": None, **context}
    return page(request, "pages/admin_source_edit.html", full, user, status_code)


def _values_of(request: Request, source: Source) -> dict[str, Any]:
    """The entry as sources.toml writes it (the file is the reference)."""
    kind, entry = read_entry(_catalogue(request), source.name)
    return {
        "name": entry.get("name", source.name),
        "url": entry.get("url", source.url),
        "kind": kind,
        "category": entry.get("category", ""),
        "interval": entry.get("interval", ""),
        "hints": list(entry.get("hints", [])),
    }


@router.get("/{source_id}/modifier")
def edit_form(request: Request, source_id: RowId, user: AdminUser, db: DbSession) -> Response:
    source = source_admin.get_source(db, source_id)
    try:
        values = _values_of(request, source)
    except ConfigError as error:
        flash(request, f"« {source.name} » ne peut pas être modifiée : {error}.")
        return RedirectResponse(HOME, status_code=303)
    return _form(request, user, source, values)


@router.post("/{source_id}/modifier", dependencies=[CSRF])
def edit(
    request: Request,
    source_id: RowId,
    user: AdminUser,
    db: DbSession,
    name: FormText = "",
    url: FormText = "",
    kind: FormText = "feed",
    category: FormText = "",
    interval: FormText = "",
    hints: FormList = [],  # noqa: B006 - FastAPI copies form defaults
) -> Response:
    if kind not in SOURCE_KINDS:
        raise HTTPException(status_code=400, detail=f"Type de source inconnu : {kind!r}.")
    source = source_admin.get_source(db, source_id)
    edit = SourceEdit(
        name.strip(), url.strip(), kind, category.strip(), interval.strip(), tuple(hints)
    )
    try:
        source_admin.edit_source(db, _catalogue(request), source, edit)
    except ConfigError as error:
        db.rollback()
        return _form(request, user, source, asdict(edit), error=sentence(str(error)))
    db.commit()
    flash(request, f"« {edit.name} » enregistrée dans sources.toml.")
    return RedirectResponse(HOME, status_code=303)


def _switch(request: Request, source_id: int, db: DbSession, enabled: bool) -> Response:
    source = source_admin.get_source(db, source_id)
    try:
        source_admin.set_enabled(db, _catalogue(request), source, enabled)
    except ConfigError as error:
        db.rollback()
        flash(request, f"« {source.name} » inchangée : {error}.")
        return RedirectResponse(HOME, status_code=303)
    db.commit()
    done = "réactivée" if enabled else "désactivée"
    flash(request, f"« {source.name} » {done} dans sources.toml.")
    return RedirectResponse(HOME, status_code=303)


@router.post("/{source_id}/desactiver", dependencies=[CSRF])
def disable(request: Request, source_id: RowId, user: AdminUser, db: DbSession) -> Response:
    return _switch(request, source_id, db, False)


@router.post("/{source_id}/activer", dependencies=[CSRF])
def enable(request: Request, source_id: RowId, user: AdminUser, db: DbSession) -> Response:
    return _switch(request, source_id, db, True)


@router.post("/{source_id}/collecter", dependencies=[CSRF])
def collect_now(
    request: Request,
    source_id: RowId,
    user: AdminUser,
    db: DbSession,
    background: BackgroundTasks,
) -> Response:
    """Collect now, within a minute; the new articles are classified after the answer."""
    name = source_admin.get_source(db, source_id).name
    db.rollback()  # the pass uses sessions of its own
    state = request.app.state
    try:
        outcome = source_admin.collect_now(
            state.settings, state.session_factory, _catalogue(request), name
        )
    except ConfigError as error:
        flash(request, f"« {name} » non collectée : {error}.")
        return RedirectResponse(HOME, status_code=303)
    if outcome.new_article_ids:
        background.add_task(
            label_new_articles, state.settings, state.session_factory, outcome.new_article_ids
        )
    flash(request, source_admin.describe(outcome))
    return RedirectResponse(HOME, status_code=303)
