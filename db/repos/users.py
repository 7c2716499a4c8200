"""Accounts of the watch team."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import User


def get_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def add_or_update(session: Session, email: str, role: str, password_hash: str) -> tuple[User, bool]:
    """Create the account, or reset its role and password; True when created."""
    user = get_by_email(session, email)
    created = user is None
    if user is None:
        user = User(email=email.strip().lower(), role=role, password_hash=password_hash)
        session.add(user)
    else:
        user.role, user.password_hash, user.active = role, password_hash, True
        user.session_version += 1  # a reset password ends the sessions opened with the old one
    session.flush()
    return user, created


def disable(session: Session, email: str) -> User | None:
    """Disable the account and end its sessions; None when there is no such account."""
    user = get_by_email(session, email)
    if user is not None:
        user.active = False
        user.session_version += 1
        session.flush()
    return user


def team_emails(session: Session) -> list[str]:
    """Addresses of the active members of the watch team (curators and administrators)."""
    query = select(User.email).where(User.active.is_(True)).order_by(User.email)
    return list(session.scalars(query))
