"""Queries of the curation inbox: the week's articles, selections, labels, editions."""

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from db.models import User


def database_answers(session: Session) -> bool:
    """True when a trivial query succeeds (for /healthz)."""
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def record_login(
    session: Session, user: User, when: datetime, new_password_hash: str | None = None
) -> None:
    """Note the sign-in; store a stronger hash when the parameters changed."""
    user.last_login_at = when
    if new_password_hash is not None:
        user.password_hash = new_password_hash
    session.flush()
