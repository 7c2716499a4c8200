"""The curation inbox: the week's articles, to select, comment, reject or relabel."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from veille.web.deps import CurrentUser
from veille.web.templating import templates

router = APIRouter()


@router.get("/")
def inbox(request: Request, user: CurrentUser) -> Response:
    return templates.TemplateResponse(request, "pages/inbox.html", {"user": user})
