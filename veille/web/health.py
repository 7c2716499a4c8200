"""Monitoring: ``/healthz`` (database and collection freshness) and ``/metrics`` (Prometheus).

``/healthz`` answers 503 when the database does not answer, or when the
last collection is older than three collection intervals (the jobs have
stopped: a worker down, a scheduler disabled).
"""

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from db.repos import curation
from db.repos.stats import last_collection_at
from veille.durations import parse_duration
from veille.web.deps import DbSession

router = APIRouter()
COLLECT_JOB = "collecte"
MISSED_INTERVALS = 3


@router.get("/healthz", response_class=PlainTextResponse)
def healthz(request: Request, db: DbSession) -> PlainTextResponse:
    if not curation.database_answers(db):
        return PlainTextResponse("base de données injoignable", status_code=503)
    last = last_collection_at(db, COLLECT_JOB)
    interval = parse_duration(request.app.state.settings.collect_every)
    if last is not None and datetime.now(UTC) - last > MISSED_INTERVALS * interval:
        when = last.strftime("%d/%m/%Y %H:%M UTC")
        return PlainTextResponse(
            f"collecte arrêtée : la dernière date du {when}, plus de {MISSED_INTERVALS} "
            "intervalles (VEILLE_COLLECT_EVERY)",
            status_code=503,
        )
    return PlainTextResponse("ok")


@router.get("/metrics")
def metrics(request: Request) -> Response:
    from veille.metrics import CONTENT_TYPE, exposition

    state = request.app.state
    body = exposition(state.session_factory, state.settings.failure_threshold)
    return Response(body, media_type=CONTENT_TYPE)
