"""Every administration page and action: login required, CSRF refused, curator refused."""

from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from db.models import Subscriber
from db.repos.users import get_by_email
from tests.veille.web.conftest import ADMIN_EMAIL, Client, add_source

PAGES = [
    "/admin",
    "/admin/utilisateurs",
    "/admin/abonnes/liste",
    "/admin/abonnes/1/modifier",
    "/admin/abonnes/1/effacer",
    "/admin/sources/1/modifier",
]
ACTIONS = [
    "/admin/utilisateurs",
    "/admin/utilisateurs/1/desactiver",
    "/admin/utilisateurs/1/reactiver",
    "/admin/utilisateurs/1/role",
    "/admin/utilisateurs/1/mot-de-passe",
    "/admin/abonnes/1/modifier",
    "/admin/abonnes/1/effacer",
    "/admin/sources/1/modifier",
    "/admin/sources/1/desactiver",
    "/admin/sources/1/activer",
    "/admin/sources/1/collecter",
]
REFUSED = "Page réservée aux administrateurs"


FORM = {"role": "admin", "password": "x" * 12}


def test_every_page_asks_to_sign_in_then_refuses_a_curator(
    client: Client, accounts: dict[str, str]
) -> None:
    for path in PAGES:
        anonymous = client.get(path)
        assert anonymous.status_code == 303, path
        assert anonymous.headers["location"].startswith("/login?next=/admin"), path
    client.login()
    for path in PAGES:
        refused = client.get(path)
        assert refused.status_code == 403 and REFUSED in refused.text, path


def test_every_action_asks_to_sign_in_then_refuses_a_curator(
    client: Client, accounts: dict[str, str]
) -> None:
    token = client.csrf("/login")
    for path in ACTIONS:
        response = client.post(path, data={"csrf_token": token, **FORM})
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login"), path
    client.login()
    token = client.csrf("/")
    for path in ACTIONS:
        response = client.post(path, data={"csrf_token": token, **FORM})
        assert response.status_code == 403 and REFUSED in response.text, path


def test_every_action_without_the_csrf_token_is_refused(
    admin: Client, session_factory: sessionmaker[Session]
) -> None:
    with session_scope(session_factory) as session:
        add_source(session, "Presse locale")
        subscriber = Subscriber(email="agent@grandreims.fr", status="active")
        session.add(subscriber)
    for path in ACTIONS:
        response = admin.post(path, data=FORM)
        assert response.status_code == 403 and "Formulaire expiré" in response.text, path
        forged = admin.post(path, data={"csrf_token": "faux", **FORM})
        assert forged.status_code == 403 and "Formulaire expiré" in forged.text, path
    with session_scope(session_factory) as session:
        assert session.get(Subscriber, 1) is not None, "nothing was erased"
        admin_account = get_by_email(session, ADMIN_EMAIL)
        assert admin_account is not None and admin_account.role == "admin"


def test_the_header_leads_an_admin_to_the_administration_and_hides_it_from_a_curator(
    client: Client, accounts: dict[str, str]
) -> None:
    client.login()
    assert 'href="/admin"' not in client.get("/").text
    client.post("/logout", data={"csrf_token": client.csrf("/")})
    client.login(email=ADMIN_EMAIL)
    home = client.get("/").text
    assert '<a href="/admin">Administration</a>' in home
    area = client.get("/admin").text
    for link in ("/admin/sources", "/admin/utilisateurs", "/admin/abonnes/liste"):
        assert f'href="{link}"' in area
