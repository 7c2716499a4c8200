"""Sign-in and sign-out of the watch team.

The error never says whether the address exists (an unknown address costs
the same Argon2 verification as a wrong password), and repeated failures
from one address or for one account are refused for a while.
"""

import threading
import time
from collections import deque
from collections.abc import Callable
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

router = APIRouter()
BAD_CREDENTIALS = "Adresse ou mot de passe incorrect."
TOO_MANY = "Trop de tentatives de connexion. Réessayez dans quelques minutes."


class LoginThrottle:
    """At most ``limit`` failures per key within ``window`` seconds (in memory)."""

    def __init__(
        self, limit: int = 5, window: float = 900.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()  # requests run in a thread pool

    def _recent(self, key: str) -> int:
        """Failures of ``key`` still inside the window; forgets the expired ones."""
        failures = self._failures.get(key)
        if failures is None:
            return 0
        horizon = self.clock() - self.window
        while failures and failures[0] <= horizon:
            failures.popleft()
        if not failures:
            del self._failures[key]
        return len(failures)

    def blocked(self, *keys: str) -> bool:
        with self._lock:
            return any(self._recent(key) >= self.limit for key in keys)

    def fail(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.setdefault(key, deque()).append(self.clock())

    def reset(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


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
    keys = (f"ip:{request.client.host if request.client else '?'}", f"email:{email}")
    throttle: LoginThrottle = request.app.state.login_throttle
    if throttle.blocked(*keys):
        return _login_page(request, safe_next(next), TOO_MANY, status=429)
    user = _authenticate(db, email, password)
    if user is None:
        throttle.fail(*keys)
        return _login_page(request, safe_next(next), BAD_CREDENTIALS, status=400)
    throttle.reset(keys[1])
    new_hash = hash_password(password) if needs_rehash(user.password_hash) else None
    curation.record_login(db, user, datetime.now(UTC), new_hash)
    db.commit()
    sign_in(request, user)
    rotate_csrf_token(request)
    return RedirectResponse(safe_next(next), status_code=303)


def _authenticate(db: DbSession, email: str, password: str) -> User | None:
    user = get_by_email(db, email) if email else None
    if user is None or not user.active:
        verify_password(_dummy_hash(), password)
        return None
    return user if verify_password(user.password_hash, password) else None


@router.post("/logout", dependencies=[CSRF])
def logout(request: Request) -> Response:
    sign_out(request)
    return RedirectResponse("/login", status_code=303)
