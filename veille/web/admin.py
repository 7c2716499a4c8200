"""Administrator pages: the health of every source, and adopting a moved feed's address."""

from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from db.errors import NotFoundError
from db.models import Source
from db.repos import curation as repo
from veille.errors import ConfigError
from veille.moves import accept_move
from veille.web.csrf import CSRF
from veille.web.deps import AdminUser, DbSession
from veille.web.views import flash, page

router = APIRouter(prefix="/admin")


def health_of(source: Source, failure_threshold: int) -> tuple[str, str]:
    """(CSS class, French state) of a source."""
    if not source.enabled:
        return "state-warn", "désactivée"
    if source.consecutive_failures >= failure_threshold:
        return "state-bad", "en panne"
    if source.consecutive_failures:
        return "state-warn", "en échec"
    if source.last_success_at is None:
        return "muted", "jamais collectée"
    return "state-ok", "en service"


@router.get("")
def home(request: Request, user: AdminUser) -> Response:
    """The « Administration » area: sources, users, subscribers, jobs."""
    return page(request, "pages/admin.html", {"nav": "admin"}, user)


@router.get("/sources")
def sources(request: Request, user: AdminUser, db: DbSession) -> Response:
    threshold = request.app.state.settings.failure_threshold
    rows = [(source, *health_of(source, threshold)) for source in repo.sources_by_health(db)]
    return page(request, "pages/sources.html", {"nav": "sources", "rows": rows}, user)


@router.post("/sources/{source_id}/adopt", dependencies=[CSRF])
def adopt(request: Request, source_id: int, user: AdminUser, db: DbSession) -> Response:
    """Adopt the suggested address: written to sources.toml, then the source follows."""
    source = db.get(Source, source_id)
    if source is None:
        raise HTTPException(status_code=404, detail="Source introuvable.")
    try:
        move = accept_move(db, Path(request.app.state.settings.sources), source.name)
    except (ConfigError, NotFoundError) as error:
        db.rollback()
        flash(request, f"Adresse non modifiée : {error}")
    else:
        db.commit()
        flash(request, f"« {move.name} » suit désormais {move.new_url}.")
    return RedirectResponse("/admin/sources", status_code=303)
