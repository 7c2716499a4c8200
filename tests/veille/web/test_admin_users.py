"""« Utilisateurs »: an administrator adds, disables, re-enables, resets and promotes accounts."""

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from db.repos.users import get_by_email
from tests.veille.web.conftest import ADMIN_EMAIL, CURATOR_EMAIL, PASSWORD, Client, open_client
from veille.auth import verify_password

NEW_EMAIL = "nouvelle.curatrice@grandreims.fr"
NEW_PASSWORD = "une phrase de passe neuve"
PAGE = "/admin/utilisateurs"


def user_id(session_factory: sessionmaker[Session], email: str) -> int:
    with session_scope(session_factory) as session:
        user = get_by_email(session, email)
        assert user is not None
        return user.id


def test_admin_adds_an_account_that_can_sign_in(
    admin: Client, app: FastAPI, session_factory: sessionmaker[Session]
) -> None:
    listing = admin.get(PAGE).text
    assert CURATOR_EMAIL in listing and "jamais" in listing  # the curator never signed in
    done = admin.form(PAGE, {"email": NEW_EMAIL, "role": "curator", "password": NEW_PASSWORD}, PAGE)
    assert done.status_code == 303
    assert f"Compte {NEW_EMAIL} créé (curateur)." in admin.get(PAGE).text
    with session_scope(session_factory) as session:
        user = get_by_email(session, NEW_EMAIL)
        assert user is not None and user.role == "curator" and user.active
        assert user.password_hash.startswith("$argon2id$")
        assert verify_password(user.password_hash, NEW_PASSWORD)
    with open_client(app, "192.0.2.20") as newcomer:
        assert newcomer.login(NEW_EMAIL, NEW_PASSWORD).status_code == 303
        assert newcomer.get("/").status_code == 200


def test_adding_refuses_a_bad_address_a_short_password_and_a_known_address(admin: Client) -> None:
    bad = admin.form(PAGE, {"email": "marie.dupont@grandreims", "password": NEW_PASSWORD}, PAGE)
    assert bad.status_code == 422 and "pas une adresse électronique valide" in bad.text
    short = admin.form(PAGE, {"email": NEW_EMAIL, "password": "court"}, PAGE)
    assert short.status_code == 422 and "Mot de passe trop court" in short.text
    assert f'value="{NEW_EMAIL}"' in short.text, "the typed address is kept"
    known = admin.form(PAGE, {"email": CURATOR_EMAIL, "password": NEW_PASSWORD}, PAGE)
    assert known.status_code == 422 and "Un compte existe déjà" in known.text


def test_a_disabled_account_loses_its_session_and_cannot_sign_in(
    admin: Client, app: FastAPI, session_factory: sessionmaker[Session]
) -> None:
    curator_id = user_id(session_factory, CURATOR_EMAIL)
    with open_client(app, "192.0.2.30") as curator:
        assert curator.login().status_code == 303
        assert curator.get("/").status_code == 200
        done = admin.form(f"{PAGE}/{curator_id}/desactiver", {}, PAGE)
        assert done.status_code == 303
        assert "désactivé ; ses sessions sont fermées" in admin.get(PAGE).text
        assert curator.get("/").headers["location"].startswith("/login"), "the session died"
        again = curator.login()
        assert again.status_code != 303 and "incorrect" in again.text.lower()
        admin.form(f"{PAGE}/{curator_id}/reactiver", {}, PAGE)
        assert curator.login().status_code == 303


def test_a_new_password_ends_the_sessions_and_replaces_the_old_one(
    admin: Client, app: FastAPI, session_factory: sessionmaker[Session]
) -> None:
    curator_id = user_id(session_factory, CURATOR_EMAIL)
    with open_client(app, "192.0.2.40") as curator:
        curator.login()
        short = admin.form(f"{PAGE}/{curator_id}/mot-de-passe", {"password": "court"}, PAGE)
        assert short.status_code == 303 and "inchangé" in admin.get(PAGE).text
        assert curator.get("/").status_code == 200, "a refused password changes nothing"
        admin.form(f"{PAGE}/{curator_id}/mot-de-passe", {"password": NEW_PASSWORD}, PAGE)
        assert curator.get("/").status_code == 303
        assert curator.login(CURATOR_EMAIL, PASSWORD).status_code != 303
        assert curator.login(CURATOR_EMAIL, NEW_PASSWORD).status_code == 303


def test_role_changes_and_the_last_admin_is_kept(
    admin: Client, session_factory: sessionmaker[Session]
) -> None:
    admin_id = user_id(session_factory, ADMIN_EMAIL)
    curator_id = user_id(session_factory, CURATOR_EMAIL)
    admin.form(f"{PAGE}/{admin_id}/role", {"role": "curator"}, PAGE)
    assert "il doit rester au moins un administrateur actif" in admin.get(PAGE).text
    admin.form(f"{PAGE}/{admin_id}/desactiver", {}, PAGE)
    assert "non désactivé : il doit rester" in admin.get(PAGE).text
    with session_scope(session_factory) as session:
        me = get_by_email(session, ADMIN_EMAIL)
        assert me is not None and me.role == "admin" and me.active

    admin.form(f"{PAGE}/{curator_id}/role", {"role": "admin"}, PAGE)
    assert f"{CURATOR_EMAIL} est désormais administrateur." in admin.get(PAGE).text
    unknown = admin.form(f"{PAGE}/{curator_id}/role", {"role": "roi"}, PAGE)
    assert unknown.status_code == 400 and "Rôle inconnu" in unknown.text
    admin.form(f"{PAGE}/{admin_id}/role", {"role": "curator"}, PAGE)  # another admin remains
    assert admin.get(PAGE).status_code == 403, "the former admin is a curator now"
