"""FastAPI dependencies: settings, a database session per request, the signed-in user.

Routers write through the session and call ``db.commit()`` themselves
before answering, so a redirect never races the commit; the dependency
rolls back whatever was left uncommitted and closes the session.
"""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from db.models import User
from db.repos import curation
from veille.settings import Settings

SESSION_USER = "uid"
SESSION_VERSION = "ver"


class LoginRequired(Exception):  # a signal, not a failure
    """No valid signed-in user: the app answers with a redirect to /login."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_db(request: Request) -> Iterator[Session]:
    session: Session = request.app.state.session_factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def sign_in(request: Request, user: User) -> None:
    request.session.clear()
    request.session[SESSION_USER] = user.id
    request.session[SESSION_VERSION] = user.session_version


def sign_out(request: Request, db: Session) -> None:
    """End this session and, server-side, every copy of its cookie."""
    user = optional_user(request, db)
    if user is not None:
        curation.end_sessions(db, user)
        db.commit()
    request.session.clear()


def optional_user(request: Request, db: Annotated[Session, Depends(get_db)]) -> User | None:
    user_id = request.session.get(SESSION_USER)
    if not isinstance(user_id, int):
        return None
    user = curation.get_user(db, user_id)
    if user is None or not user.active:
        return None
    if request.session.get(SESSION_VERSION) != user.session_version:
        return None  # signed out, password changed or account disabled since
    return user


def current_user(request: Request, user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        raise LoginRequired(target if request.method == "GET" else "/")
    return user


def admin_user(user: Annotated[User, Depends(current_user)]) -> User:
    if user.role != "admin":
        raise HTTPException(status_code=403, detail="Page réservée aux administrateurs.")
    return user


SettingsDep = Annotated[Settings, Depends(get_settings)]
DbSession = Annotated[Session, Depends(get_db)]
CurrentUser = Annotated[User, Depends(current_user)]
AdminUser = Annotated[User, Depends(admin_user)]
