"""Accounts of the watch team."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.errors import AlreadyExistsError, LastAdminError, NotFoundError
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


# --- administration in the browser ---------------------------------------------------------

LAST_ADMIN = "il doit rester au moins un administrateur actif"


def all_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))


def get(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError("Compte introuvable.")
    return user


def create(session: Session, email: str, role: str, password_hash: str) -> User:
    """A new account; AlreadyExistsError when the address already has one."""
    if get_by_email(session, email) is not None:
        raise AlreadyExistsError(f"un compte existe déjà pour {email.strip().lower()}")
    user = User(email=email.strip().lower(), role=role, password_hash=password_hash)
    session.add(user)
    session.flush()
    return user


def set_active(session: Session, user: User, active: bool) -> None:
    """Disable (ending every session) or re-enable; never the last active administrator."""
    if not active:
        _keep_an_admin(session, user)
    if user.active != active:
        user.active = active
        user.session_version += 1
    session.flush()


def set_role(session: Session, user: User, role: str) -> None:
    if role != "admin":
        _keep_an_admin(session, user)
    user.role = role
    session.flush()


def set_password(session: Session, user: User, password_hash: str) -> None:
    """A new password, which ends the sessions opened with the old one."""
    user.password_hash = password_hash
    user.session_version += 1
    session.flush()


def _keep_an_admin(session: Session, leaving: User) -> None:
    """Raise LastAdminError when ``leaving`` is the only active administrator."""
    others = select(func.count()).where(
        User.role == "admin", User.active.is_(True), User.id != leaving.id
    )
    if leaving.role == "admin" and leaving.active and not session.scalar(others):
        raise LastAdminError(LAST_ADMIN)
