"""End to end in Debian's Chromium: an administrator adds an account, finds a subscriber
and disables a source, from the « Administration » area of the header."""

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from db.models import Subscriber
from db.repos.users import get_by_email
from tests.veille.web.conftest import ADMIN_EMAIL, CHROMIUM, CHROMIUM_ARGS, PASSWORD
from veille.catalogue import load_catalogue
from veille.settings import Settings
from veille.source_admin import sync_catalogue

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Chromium absent ({CHROMIUM})"),
]


@pytest.fixture
def catalogue(settings: Settings, session_factory: sessionmaker[Session]) -> Path:
    path = Path(settings.sources)
    path.write_text(
        '# Catalogue\n[[feeds]]\nname = "Presse locale"\nurl = "https://presse.example/rss"\n',
        encoding="utf-8",
    )
    with session_scope(session_factory) as session:
        sync_catalogue(session, path)
        session.add(Subscriber(email="marie.dupont@grandreims.fr", name="Marie Dupont",
                               status="active", themes=["juridique"]))  # fmt: skip
        for number in range(30):
            session.add(Subscriber(email=f"agent{number}@grandreims.fr", status="active"))
    return path


def test_admin_adds_a_user_finds_a_subscriber_and_disables_a_source(
    live_url: str,
    accounts: dict[str, str],
    catalogue: Path,
    session_factory: sessionmaker[Session],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{live_url}/login")
        page.get_by_label("Adresse électronique").fill(ADMIN_EMAIL)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.get_by_role("link", name="Administration").click()

        admin_nav = page.get_by_role("navigation", name="Administration")
        admin_nav.get_by_role("link", name="Utilisateurs").click()
        add = page.get_by_role("region", name="Ajouter un compte")
        add.get_by_label("Adresse électronique").fill("paul.martin@grandreims.fr")
        add.get_by_label("Rôle").select_option("curator")
        add.get_by_label("Mot de passe").fill("une phrase de passe neuve")
        add.get_by_role("button", name="Créer le compte").click()
        expect(page.get_by_role("status").first).to_contain_text(
            "Compte paul.martin@grandreims.fr créé (curateur)."
        )
        expect(page.get_by_role("row", name="paul.martin@grandreims.fr")).to_be_visible()

        admin_nav.get_by_role("link", name="Abonnés", exact=True).click()
        page.get_by_label("Adresse ou nom").fill("dupont")
        page.get_by_label("Thème", exact=True).select_option("juridique")
        page.get_by_role("button", name="Chercher").click()
        expect(page.get_by_text("1 abonné(s) trouvé(s)")).to_be_visible()
        expect(page.get_by_role("rowheader", name="marie.dupont@grandreims.fr")).to_be_visible()

        admin_nav.get_by_role("link", name="Sources").click()
        page.get_by_role("button", name="Désactiver Presse locale").click()
        expect(page.get_by_role("status").first).to_contain_text(
            "« Presse locale » désactivée dans sources.toml."
        )
        expect(page.get_by_role("button", name="Réactiver Presse locale")).to_be_visible()
        browser.close()

    assert not load_catalogue(catalogue)[0].enabled
    with session_scope(session_factory) as session:
        added = get_by_email(session, "paul.martin@grandreims.fr")
        assert added is not None and added.role == "curator" and added.active
