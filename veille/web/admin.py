"""Administrator pages: the health of every source (read-only)."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from db.models import Source
from db.repos import curation as repo
from veille.web.deps import AdminUser, DbSession
from veille.web.views import page

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


@router.get("/sources")
def sources(request: Request, user: AdminUser, db: DbSession) -> Response:
    threshold = request.app.state.settings.failure_threshold
    rows = [(source, *health_of(source, threshold)) for source in repo.sources_by_health(db)]
    return page(request, "pages/sources.html", {"nav": "sources", "rows": rows}, user)
