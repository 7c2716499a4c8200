"""``/healthz``: 200 when the database answers, 503 otherwise."""

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from db.repos import curation
from veille.web.deps import DbSession

router = APIRouter()


@router.get("/healthz", response_class=PlainTextResponse)
def healthz(db: DbSession) -> PlainTextResponse:
    if curation.database_answers(db):
        return PlainTextResponse("ok")
    return PlainTextResponse("base de données injoignable", status_code=503)
