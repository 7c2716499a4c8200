"""Sign-in, sign-out, redirects, CSRF and security headers."""

import dataclasses

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from db.repos.users import add_or_update, disable
from tests.veille.web.conftest import ADMIN_EMAIL, CURATOR_EMAIL, PASSWORD, Client, open_client
from veille.auth import hash_password
from veille.settings import Settings
from veille.web.app import SESSION_COOKIE, create_app
from veille.web.throttle import LoginThrottle


def test_inbox_redirects_to_login_when_signed_out(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/"


def test_login_then_inbox(client: Client, accounts: dict[str, str]) -> None:
    response = client.login()
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    inbox = client.get("/")
    assert inbox.status_code == 200
    assert CURATOR_EMAIL in inbox.text


def test_bad_password_and_unknown_address_get_the_same_answer(
    client: Client, accounts: dict[str, str]
) -> None:
    wrong = client.login(password="pas le bon mot de passe")
    unknown = client.login(email="personne@grandreims.fr")
    assert wrong.status_code == unknown.status_code == 400
    assert "Adresse ou mot de passe incorrect." in wrong.text
    assert "Adresse ou mot de passe incorrect." in unknown.text
    assert client.get("/").status_code == 303


def test_login_is_slowed_after_repeated_failures(client: Client, accounts: dict[str, str]) -> None:
    for _ in range(3):
        assert client.login(password="mauvais mot de passe").status_code == 400
    blocked = client.login(password=PASSWORD)
    assert blocked.status_code == 429
    assert "Trop de tentatives" in blocked.text and "Réessayez dans 1 s" in blocked.text
    assert client.get("/").status_code == 303


def test_an_attacker_cannot_lock_the_owner_out(app: FastAPI, accounts: dict[str, str]) -> None:
    with open_client(app, address="198.51.100.7") as attacker:
        for _ in range(10):
            attacker.login(password="mauvais mot de passe")
        assert attacker.login(password=PASSWORD).status_code == 429
    with open_client(app) as owner:
        assert owner.login().status_code == 303
        assert owner.get("/").status_code == 200


def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(
    settings: Settings, session_factory: sessionmaker[Session], accounts: dict[str, str]
) -> None:
    def attempts(app: FastAPI) -> list[int]:
        codes = []
        with open_client(app, address="127.0.0.1") as client:
            for n in range(6):
                forwarded = {"X-Forwarded-For": f"203.0.113.{n}"}
                token = client.csrf("/login")
                data = {"csrf_token": token, "email": CURATOR_EMAIL, "password": "faux"}
                codes.append(client.post("/login", data=data, headers=forwarded).status_code)
        return codes

    assert attempts(create_app(settings, session_factory))[-1] == 429  # one client: slowed
    behind_proxy = dataclasses.replace(settings, trusted_proxies="127.0.0.1/32")
    assert attempts(create_app(behind_proxy, session_factory)) == [400] * 6  # six clients


def test_delays_grow_and_a_success_clears_them() -> None:
    now = [0.0]
    throttle = LoginThrottle(clock=lambda: now[0])
    for _ in range(5):
        throttle.fail("a@x.fr", "192.0.2.1")
    assert throttle.wait("a@x.fr", "192.0.2.1") == 4.0
    assert throttle.wait("a@x.fr", "192.0.2.2") == 0.0  # another client
    now[0] = 4.0
    assert throttle.wait("a@x.fr", "192.0.2.1") == 0.0
    throttle.fail("a@x.fr", "192.0.2.1")
    assert throttle.wait("a@x.fr", "192.0.2.1") == 8.0
    throttle.succeed("a@x.fr", "192.0.2.1")
    assert throttle.wait("a@x.fr", "192.0.2.1") == 0.0


def test_login_without_csrf_token_is_refused(client: Client, accounts: dict[str, str]) -> None:
    client.get("/login")
    response = client.post("/login", data={"email": CURATOR_EMAIL, "password": PASSWORD})
    assert response.status_code == 403
    assert "Formulaire expiré" in response.text
    forged = client.post(
        "/login", data={"email": CURATOR_EMAIL, "password": PASSWORD, "csrf_token": "faux"}
    )
    assert forged.status_code == 403
    assert client.get("/").status_code == 303


def test_next_is_kept_but_never_leaves_the_site(client: Client, accounts: dict[str, str]) -> None:
    assert client.get("/edition").headers["location"] == "/login?next=/edition"
    token = client.csrf("/login")
    response = client.post(
        "/login",
        data={
            "csrf_token": token,
            "email": CURATOR_EMAIL,
            "password": PASSWORD,
            "next": "//evil.example/",
        },
    )
    assert response.headers["location"] == "/"


def test_logout_ends_the_session(curator: Client) -> None:
    assert curator.get("/").status_code == 200
    assert curator.form("/logout", {}).status_code == 303
    assert curator.get("/").status_code == 303


def sign_in_admin(client: Client, app: FastAPI) -> str:
    """Sign the administrator in; a copy of their session cookie, checked to work."""
    assert client.login(email=ADMIN_EMAIL).status_code == 303
    cookie = client.cookie(SESSION_COOKIE)
    assert replay(app, cookie) == 200
    return cookie


def replay(app: FastAPI, cookie: str) -> int:
    """Status of /admin/sources for a stolen copy of a session cookie."""
    with open_client(app, address="198.51.100.7") as thief:
        thief.set_cookie(SESSION_COOKIE, cookie)
        return thief.get("/admin/sources").status_code


def test_a_captured_cookie_is_dead_after_logout(app: FastAPI, accounts: dict[str, str]) -> None:
    with open_client(app) as client:
        cookie = sign_in_admin(client, app)
        assert client.form("/logout", {}).status_code == 303
    assert replay(app, cookie) == 303


def set_password(factory: sessionmaker[Session], password: str) -> None:
    with session_scope(factory) as session:
        add_or_update(session, ADMIN_EMAIL, "admin", hash_password(password))


def test_a_password_change_or_disabling_ends_sessions(
    app: FastAPI, accounts: dict[str, str], session_factory: sessionmaker[Session]
) -> None:
    with open_client(app) as client:
        cookie = sign_in_admin(client, app)
    set_password(session_factory, "un tout nouveau mot de passe")
    assert replay(app, cookie) == 303
    set_password(session_factory, PASSWORD)
    with open_client(app) as client:
        cookie = sign_in_admin(client, app)
    with session_scope(session_factory) as session:
        disable(session, ADMIN_EMAIL)
    assert replay(app, cookie) == 303


def test_security_headers_and_session_cookie(client: Client) -> None:
    response = client.get("/login")
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie
    assert "strict-transport-security" not in response.headers


def test_throttle_forgets_old_failures() -> None:
    now = [0.0]
    throttle = LoginThrottle(forget_after=600, clock=lambda: now[0])
    for _ in range(4):
        throttle.fail("a@x.fr", "192.0.2.1")
    assert throttle.wait("a@x.fr", "192.0.2.1") > 0
    now[0] = 601.0
    assert throttle.wait("a@x.fr", "192.0.2.1") == 0.0


def test_session_cookie_is_secure_when_the_public_url_is_https(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    https = dataclasses.replace(settings, public_url="https://veille.grandreims.fr")
    with open_client(create_app(https, session_factory)) as client:
        response = client.get("/login")
    assert "; secure" in response.headers["set-cookie"].lower()
    assert response.headers["strict-transport-security"] == "max-age=31536000"


def test_invalid_query_gets_a_french_error_page(curator: Client) -> None:
    response = curator.get("/?page=zéro")
    assert response.status_code == 400
    assert "Requête invalide (champ : page)." in response.text
