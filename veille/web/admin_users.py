"""Administrator page « Utilisateurs »: the watch team's accounts.

    GET  /admin/utilisateurs                      the accounts, and a form to add one
    POST /admin/utilisateurs                      add an account (address, role, password)
    POST /admin/utilisateurs/{id}/desactiver      disable it: its sessions end at once
    POST /admin/utilisateurs/{id}/reactiver       enable it again
    POST /admin/utilisateurs/{id}/role            change its role
    POST /admin/utilisateurs/{id}/mot-de-passe    give it a new password: its sessions end

The administrator types the first password and any new one (Argon2id, as
``veille users add``) and hands it over by another channel. No change may
leave the team without an active administrator.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from db.errors import AlreadyExistsError, LastAdminError
from db.models import USER_ROLES, User
from db.repos import users as repo
from newsletter.subscriptions import valid_email
from veille.auth import hash_password
from veille.web.csrf import CSRF
from veille.web.deps import AdminUser, DbSession
from veille.web.views import RowId, flash, page, sentence

router = APIRouter(prefix="/admin/utilisateurs")
FormText = Annotated[str, Form()]
HOME = "/admin/utilisateurs"
ROLE_NAMES = {"admin": "administrateur", "curator": "curateur"}


def _list(
    request: Request, user: User, db: DbSession, status_code: int = 200, **form: Any
) -> Response:
    context = {
        "nav": "users",
        "users": repo.all_users(db),
        "role_names": ROLE_NAMES,
        "form": {"email": "", "role": "curator", "error": None, **form},
    }
    return page(request, "pages/admin_users.html", context, user, status_code)


def _role(value: str) -> str:
    if value not in USER_ROLES:
        raise HTTPException(status_code=400, detail=f"Rôle inconnu : {value!r}.")
    return value


def _done(request: Request, message: str) -> Response:
    flash(request, message)
    return RedirectResponse(HOME, status_code=303)


@router.get("")
def users(request: Request, user: AdminUser, db: DbSession) -> Response:
    return _list(request, user, db)


@router.post("", dependencies=[CSRF])
def add(
    request: Request,
    user: AdminUser,
    db: DbSession,
    email: FormText = "",
    role: FormText = "curator",
    password: FormText = "",
) -> Response:
    email, role = email.strip().lower(), _role(role)
    if not valid_email(email):
        error = f"« {email} » n'est pas une adresse électronique valide."
        return _list(request, user, db, 422, email=email, role=role, error=error)
    try:
        repo.create(db, email, role, hash_password(password))
    except (ValueError, AlreadyExistsError) as error:
        return _list(request, user, db, 422, email=email, role=role, error=sentence(f"{error}."))
    db.commit()
    return _done(request, f"Compte {email} créé ({ROLE_NAMES[role]}).")


@router.post("/{user_id}/desactiver", dependencies=[CSRF])
def disable(request: Request, user_id: RowId, user: AdminUser, db: DbSession) -> Response:
    account = repo.get(db, user_id)
    try:
        repo.set_active(db, account, False)
    except LastAdminError as error:
        return _done(request, f"Compte {account.email} non désactivé : {error}.")
    db.commit()
    return _done(request, f"Compte {account.email} désactivé ; ses sessions sont fermées.")


@router.post("/{user_id}/reactiver", dependencies=[CSRF])
def enable(request: Request, user_id: RowId, user: AdminUser, db: DbSession) -> Response:
    account = repo.get(db, user_id)
    repo.set_active(db, account, True)
    db.commit()
    return _done(request, f"Compte {account.email} réactivé.")


@router.post("/{user_id}/role", dependencies=[CSRF])
def change_role(
    request: Request, user_id: RowId, user: AdminUser, db: DbSession, role: FormText = ""
) -> Response:
    account, role = repo.get(db, user_id), _role(role)
    try:
        repo.set_role(db, account, role)
    except LastAdminError as error:
        return _done(request, f"Rôle de {account.email} inchangé : {error}.")
    db.commit()
    return _done(request, f"{account.email} est désormais {ROLE_NAMES[role]}.")


@router.post("/{user_id}/mot-de-passe", dependencies=[CSRF])
def reset_password(
    request: Request, user_id: RowId, user: AdminUser, db: DbSession, password: FormText = ""
) -> Response:
    account = repo.get(db, user_id)
    try:
        repo.set_password(db, account, hash_password(password))
    except ValueError as error:
        return _done(request, f"Mot de passe de {account.email} inchangé : {error}.")
    db.commit()
    return _done(
        request,
        f"Nouveau mot de passe enregistré pour {account.email} ; ses sessions sont fermées.",
    )
