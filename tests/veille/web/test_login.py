"""Sign-in, sign-out, redirects, CSRF and security headers."""

import dataclasses

from conftest import CURATOR_EMAIL, PASSWORD, Client, open_client
from sqlalchemy.orm import Session, sessionmaker

from veille.settings import Settings
from veille.web.app import create_app
from veille.web.login import LoginThrottle


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


def test_login_is_throttled_after_repeated_failures(
    client: Client, accounts: dict[str, str]
) -> None:
    for _ in range(5):
        assert client.login(password="mauvais mot de passe").status_code == 400
    blocked = client.login(password=PASSWORD)
    assert blocked.status_code == 429
    assert "Trop de tentatives" in blocked.text
    assert client.get("/").status_code == 303


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


def test_throttle_forgets_failures_after_the_window() -> None:
    now = [0.0]
    throttle = LoginThrottle(limit=2, window=60, clock=lambda: now[0])
    throttle.fail("ip:1")
    throttle.fail("ip:1")
    assert throttle.blocked("ip:1", "email:x")
    now[0] = 61.0
    assert not throttle.blocked("ip:1", "email:x")


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
