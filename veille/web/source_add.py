"""The « ajouter une source » form: a site's address, its feeds, one click to add one.

    GET  /admin/sources/add           the form
    POST /admin/sources/add/discover  look for the feeds of the typed address
    POST /admin/sources/add           append the chosen feed to sources.toml

The chosen address is fetched again and must answer a feed before it is
appended (with tomlkit, comments kept); the database then follows the
catalogue.
"""

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from db.models import User
from db.repos.sources import sync_from_catalogue
from veille.catalogue import load_catalogue
from veille.catalogue_edit import add_feeds
from veille.discovery import Discovery, discover, site_address
from veille.errors import ConfigError, SourceError
from veille.fetch import Fetcher
from veille.fetch_limits import limits_from
from veille.labels import known_label_ids
from veille.opml import OpmlFeed
from veille.web.csrf import CSRF
from veille.web.deps import AdminUser, DbSession
from veille.web.views import flash, page

router = APIRouter(prefix="/admin/sources/add")
FormText = Annotated[str, Form()]
TEMPLATE = "pages/source_add.html"


def _form(request: Request, user: User, status_code: int = 200, **context: Any) -> Response:
    values = {"nav": "sources", "address": "", "found": None, "error": None, **context}
    return page(request, TEMPLATE, values, user, status_code=status_code)


async def _discover(request: Request, address: str) -> Discovery:
    async with Fetcher(limits_from(request.app.state.settings)) as fetcher:
        return await discover(fetcher, address)


@router.get("")
def add_form(request: Request, user: AdminUser) -> Response:
    return _form(request, user)


@router.post("/discover", dependencies=[CSRF])
async def find(request: Request, user: AdminUser, address: FormText = "") -> Response:
    try:
        found = await _discover(request, site_address(address))
    except (ConfigError, SourceError) as error:
        return _form(request, user, 422, address=address, error=f"{address.strip()} : {error}")
    if not found.feeds:
        nothing = f"Aucun flux trouvé à partir de {found.page_url}."
        return _form(request, user, 200, address=address, error=nothing)
    return _form(request, user, address=address, found=found)


@router.post("", dependencies=[CSRF])
async def add(
    request: Request,
    user: AdminUser,
    db: DbSession,
    url: FormText = "",
    name: FormText = "",
    category: FormText = "",
) -> Response:
    if not name.strip():
        return _form(request, user, 422, address=url, error="Donnez un nom à la source.")
    try:
        checked = await _discover(request, site_address(url))
    except (ConfigError, SourceError) as error:
        return _form(request, user, 422, address=url, error=f"{url} : {error}")
    if not checked.is_feed:
        return _form(request, user, 422, address=url, error=f"{url} ne répond pas un flux.")
    path = Path(request.app.state.settings.sources)
    feed = OpmlFeed(name.strip(), checked.feeds[0].url, category.strip() or None)
    try:
        added, _skipped = add_feeds(path, [feed])
    except ConfigError as error:
        return _form(request, user, 422, address=url, error=str(error))
    if not added:
        known = "Une source du catalogue porte déjà ce nom ou cette adresse."
        return _form(request, user, 409, address=url, error=known)
    specs = load_catalogue(path, known_label_ids())
    sync_from_catalogue(db, [spec.to_fields() for spec in specs])
    db.commit()
    flash(request, f"« {feed.name} » ajoutée au catalogue ({feed.url}).")
    return RedirectResponse("/admin/sources", status_code=303)
