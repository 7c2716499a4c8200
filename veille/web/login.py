"""Sign-in and sign-out of the watch team.

The error never says whether the address exists (an unknown address costs
the same Argon2 verification as a wrong password), and repeated failures
are slowed by growing delays per account and client address
(``veille.web.throttle``), never by locking the account.
"""

from datetime import UTC, datetime
from functools import cache
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from db.models import User
from db.repos import curation
from db.repos.users import get_by_email
from veille.auth import hash_password, needs_rehash, verify_password
from veille.web.csrf import CSRF, rotate_csrf_token
from veille.web.deps import DbSession, optional_user, sign_in, sign_out
from veille.web.safety import safe_next
from veille.web.templating import templates
from veille.web.throttle import LoginThrottle

router = APIRouter()
BAD_CREDENTIALS = "Adresse ou mot de passe incorrect."
TOO_MANY = "Trop de tentatives de connexion. Réessayez dans {wait}."


@cache
def _dummy_hash() -> str:
    return hash_password("mot de passe factice pour égaliser les temps")


def _login_page(request: Request, next_path: str, error: str = "", status: int = 200) -> Response:
    return templates.TemplateResponse(
        request,
        "pages/login.html",
        {"next": next_path, "error": error},
        status_code=status,
    )


@router.get("/login")
def login_form(request: Request, db: DbSession, next: str = "/") -> Response:
    if optional_user(request, db) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, safe_next(next))


@router.post("/login", dependencies=[CSRF])
def login(
    request: Request,
    db: DbSession,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    email = email.strip().lower()
    client = request.client.host if request.client else "?"
    throttle: LoginThrottle = request.app.state.login_throttle
    wait = throttle.wait(email, client)
    if wait > 0:
        message = TOO_MANY.format(wait=_duration(wait))
        return _login_page(request, safe_next(next), message, status=429)
    user = _authenticate(db, email, password)
    if user is None:
        throttle.fail(email, client)
        return _login_page(request, safe_next(next), BAD_CREDENTIALS, status=400)
    throttle.succeed(email, client)
    new_hash = hash_password(password) if needs_rehash(user.password_hash) else None
    curation.record_login(db, user, datetime.now(UTC), new_hash)
    db.commit()
    sign_in(request, user)
    rotate_csrf_token(request)
    return RedirectResponse(safe_next(next), status_code=303)


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    return f"{-(-seconds // 60):.0f} min"


def _authenticate(db: DbSession, email: str, password: str) -> User | None:
    user = get_by_email(db, email) if email else None
    if user is None or not user.active:
        verify_password(_dummy_hash(), password)
        return None
    return user if verify_password(user.password_hash, password) else None


@router.post("/logout", dependencies=[CSRF])
def logout(request: Request, db: DbSession) -> Response:
    sign_out(request, db)
    return RedirectResponse("/login", status_code=303)
