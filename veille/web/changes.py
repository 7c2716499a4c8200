"""Regulation page changes of the week, each with its (sanitised) diff."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from db.repos import curation as repo
from veille.web.deps import CurrentUser, DbSession
from veille.web.views import page, week_param

router = APIRouter()


@router.get("/changements")
def changes(
    request: Request, user: CurrentUser, db: DbSession, week: str | None = None
) -> Response:
    chosen = week_param(request, week)
    start, end = chosen.bounds(request.app.state.settings.timezone)
    context = {"nav": "changes", "week": chosen, "changes": repo.page_changes(db, start, end)}
    return page(request, "pages/changes.html", context, user)
