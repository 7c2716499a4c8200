"""CSRF protection: one random token per session, checked on every unsafe request.

Templates render the hidden field with ``{{ csrf_field() }}`` inside each
``<form method="post">``. Routers add ``Depends(verify_csrf)`` (or use
``CSRF`` below) and any POST, PUT, PATCH or DELETE without the right token,
from the form field or the ``X-CSRF-Token`` header, gets a 403.
"""

import hmac
import secrets
from typing import Any

from fastapi import Depends, HTTPException, Request
from jinja2 import pass_context
from markupsafe import Markup, escape

FIELD_NAME = "csrf_token"
HEADER_NAME = "X-CSRF-Token"
SESSION_KEY = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REFUSED = "Formulaire expiré ou invalide : rechargez la page et recommencez."


def csrf_token(request: Request) -> str:
    """The session's token, created on first use."""
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = token
    return token


def rotate_csrf_token(request: Request) -> None:
    """Forget the token (after login or logout) so a new one is drawn."""
    request.session.pop(SESSION_KEY, None)


def csrf_input(request: Request) -> Markup:
    """The hidden input carrying the session's token."""
    token = csrf_token(request)
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD_NAME, escape(token))


@pass_context
def csrf_field(context: Any) -> Markup:
    """Jinja global: the hidden input carrying the session's token."""
    return csrf_input(context["request"])


async def verify_csrf(request: Request) -> None:
    """FastAPI dependency refusing an unsafe request without the session's token."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get(SESSION_KEY)
    given = request.headers.get(HEADER_NAME)
    if given is None:
        form = await request.form()
        value = form.get(FIELD_NAME)
        given = value if isinstance(value, str) else None
    if not expected or not given or not hmac.compare_digest(str(expected), given):
        raise HTTPException(status_code=403, detail=REFUSED)


CSRF = Depends(verify_csrf)
