"""End to end in Debian's Chromium: a real uvicorn server, a curator's first week."""

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.veille.web.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CURATOR_EMAIL,
    PASSWORD,
    WEEK,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Chromium absent ({CHROMIUM})"),
]


def test_curator_logs_in_selects_and_sees_the_edition(
    live_url: str, accounts: dict[str, str], week_articles: dict[str, int]
) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{live_url}/?week={WEEK}")
        expect(page).to_have_url(f"{live_url}/login?next=/%3Fweek%3D{WEEK}")
        page.get_by_label("Adresse électronique").fill(CURATOR_EMAIL)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(
            "semaine 20, du 11 au 17 mai 2026"
        )
        page.wait_for_load_state("load")  # the keys need the page's script

        page.keyboard.press("j")  # keyboard navigation between cards
        page.keyboard.press("j")
        expect(page.locator("article[data-card]").nth(1)).to_be_focused()
        page.keyboard.press("k")
        card = page.locator(f"#article-{week_articles['story']}")
        expect(card).to_be_focused()
        page.keyboard.press("Enter")  # the line unfolds: summary, explanations, actions
        card.get_by_label("Commentaire").fill("À transmettre aux juristes.")
        card.get_by_role("button", name="Retenir pour l'édition").click()
        expect(page.get_by_role("status").first).to_contain_text("est retenu pour l'édition")

        page.get_by_role("link", name="Édition", exact=True).click()
        expect(page.get_by_role("heading", name="Juridique et réglementaire")).to_be_visible()
        expect(page.get_by_role("link", name="La CNIL publie ses recommandations")).to_be_visible()
        expect(page.locator("textarea[name=comment]")).to_have_value("À transmettre aux juristes.")
        browser.close()


def test_keyboard_triage_retains_rejects_and_undoes(
    live_url: str,
    accounts: dict[str, str],
    week_articles: dict[str, int],
    session_factory: sessionmaker[Session],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    from db.repos.curation import get_article

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{live_url}/login?next=/%3Fweek%3D{WEEK}")
        page.get_by_label("Adresse électronique").fill(CURATOR_EMAIL)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("semaine 20")
        page.wait_for_load_state("load")  # the keys need the page's script
        page.keyboard.press("?")
        expect(page.get_by_role("heading", name="Raccourcis clavier")).to_be_visible()
        page.keyboard.press("j")  # the most relevant article: the CNIL story
        page.keyboard.press("s")
        expect(page.get_by_role("status").first).to_contain_text("est retenu pour l'édition")
        story = page.locator(f"#article-{week_articles['story']}")
        expect(story).to_be_focused()
        page.keyboard.press("j")
        page.keyboard.press("x")
        expect(page.get_by_role("status").first).to_contain_text("écarté")
        page.keyboard.press("u")  # undo: the chatbot article is back to triage
        expect(page.get_by_role("status").first).to_contain_text("Action annulée")
        expect(page.locator(f"#article-{week_articles['chatbot']}")).to_have_attribute(
            "data-status", "new"
        )
        browser.close()
    with session_factory() as session:
        assert get_article(session, week_articles["story"]).status == "selected"
        assert get_article(session, week_articles["chatbot"]).status == "new"
