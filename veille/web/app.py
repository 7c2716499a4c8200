"""The web application's composition root: ``create_app(settings, session_factory)``.

One FastAPI app serves the watch team's pages (login, curation inbox,
regulation changes, source health) and the public pages (subscriptions,
archive). Tests and ``veille serve`` build it the same way.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from db.errors import NotFoundError
from veille.networks import parse_networks
from veille.settings import Settings, check_secret_key
from veille.web import (
    admin,
    admin_jobs,
    admin_sources,
    admin_subscribers,
    admin_users,
    archive,
    calendars,
    changes,
    curation,
    dashboard,
    deadlines,
    edition,
    edition_order,
    edition_preview,
    health,
    login,
    send_approval,
    sending,
    source_add,
    subscriptions,
    triage,
)
from veille.web.deps import LoginRequired, optional_user
from veille.web.inbox_rows import wants_json
from veille.web.security import SecurityHeadersMiddleware
from veille.web.templating import templates
from veille.web.throttle import LoginThrottle
from veille.web.views import Labels

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

STATIC_DIR = Path(__file__).with_name("static")
SESSION_COOKIE = "veille_session"
SESSION_MAX_AGE = 12 * 3600
SESSION_ENDED = "Votre session a pris fin : rechargez la page pour vous reconnecter."


def create_app(settings: Settings, session_factory: "sessionmaker[Session]") -> FastAPI:
    """Build the app; refuses to run without a signing key."""
    check_secret_key(settings.secret_key)
    app = FastAPI(title="Veille IA", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.session_factory = session_factory
    app.state.login_throttle = LoginThrottle()
    app.state.labels = Labels.load(settings)
    _add_middleware(app, settings)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _include_routers(app)
    _add_exception_handlers(app)
    return app


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=settings.public_url.startswith("https://"),
    )
    app.add_middleware(SecurityHeadersMiddleware, https=settings.public_url.startswith("https://"))
    trusted = [str(network) for network in parse_networks(settings.trusted_proxies)]
    if trusted:
        # Outermost: the client address is the forwarded one before anything reads it.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=trusted)


def _include_routers(app: FastAPI) -> None:
    app.add_api_route("/favicon.ico", _favicon, include_in_schema=False)
    app.include_router(health.router)
    app.include_router(login.router)
    app.include_router(curation.router)
    app.include_router(triage.router)
    app.include_router(edition.router)
    app.include_router(edition_order.router)
    app.include_router(sending.router)
    app.include_router(dashboard.router)
    app.include_router(edition_preview.router)
    app.include_router(changes.router)
    app.include_router(admin.router)
    app.include_router(source_add.router)
    app.include_router(admin_jobs.router)
    app.include_router(admin_sources.router)
    app.include_router(admin_users.router)
    app.include_router(admin_subscribers.router)
    app.include_router(send_approval.router)
    # Public pages (subscriptions, archive) are included below.
    app.include_router(subscriptions.router)
    app.include_router(subscriptions.admin_router)
    app.include_router(archive.router)
    app.include_router(calendars.router)
    app.include_router(deadlines.router)


async def _favicon() -> Response:
    return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")


def _add_exception_handlers(app: FastAPI) -> None:
    app.add_exception_handler(LoginRequired, _redirect_to_login)
    app.add_exception_handler(NotFoundError, _not_found)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)


async def _redirect_to_login(request: Request, exc: Any) -> Response:
    if wants_json(request):
        return JSONResponse({"message": SESSION_ENDED}, status_code=401)
    return RedirectResponse(f"/login?next={quote(exc.next_path, safe='/')}", status_code=303)


async def _not_found(request: Request, exc: Any) -> Response:
    return error_page(request, 404, str(exc) or "Page introuvable.")


async def _http_error(request: Request, exc: Any) -> Response:
    detail = exc.detail if isinstance(exc.detail, str) else "Requête refusée."
    if exc.status_code == 404 and detail == "Not Found":
        detail = "Page introuvable."
    elif exc.status_code == 405:
        detail = "Méthode non autorisée."
    return error_page(request, exc.status_code, detail, getattr(exc, "headers", None))


async def _invalid_request(request: Request, exc: Any) -> Response:
    fields = sorted({str(error["loc"][-1]) for error in exc.errors() if error.get("loc")})
    detail = "Requête invalide" + (f" (champ : {', '.join(fields)})." if fields else ".")
    return error_page(request, 400, detail)


def error_page(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    """The error, inside the usual page: a signed-in user keeps the navigation."""
    if wants_json(request):  # the page's script shows the message in its status line
        return JSONResponse({"message": message}, status_code=status, headers=headers)
    session = request.app.state.session_factory()
    try:
        user = optional_user(request, session) if "session" in request.scope else None
        return templates.TemplateResponse(
            request,
            "pages/error.html",
            {"status": status, "message": message, "user": user},
            status_code=status,
            headers=headers,
        )
    finally:
        session.rollback()
        session.close()
