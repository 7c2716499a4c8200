"""The edition in Debian's Chromium: reorder by dragging and by Alt+↑/↓, preview as a referent,
« M'envoyer un test », publish with its confirmation, send now and follow it to the report."""

import dataclasses
from html import unescape
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from db.models import Subscriber
from db.repos.curation import select_article
from tests.newsletter.smtp_server import RecordingHandler
from tests.veille.web.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CURATOR_EMAIL,
    PASSWORD,
    WEEK,
    add_article,
    add_source,
)
from veille.settings import Settings
from veille.web.app import create_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Chromium absent ({CHROMIUM})"),
]
READERS = [f"agent.{n}@grandreims.fr" for n in range(6)]


@pytest.fixture
def app(
    settings: Settings, session_factory: sessionmaker[Session], smtp: tuple[RecordingHandler, int]
) -> FastAPI:
    # Four messages a second: the send lasts long enough to be seen in progress.
    configured = dataclasses.replace(
        settings, smtp_host="127.0.0.1", smtp_port=smtp[1], smtp_rate=4
    )
    return create_app(configured, session_factory)


@pytest.fixture
def items(session_factory: sessionmaker[Session]) -> dict[str, int]:
    """A, B, C in « Juridique », D in « Éthique » (D labelled ethique); item ids by name."""
    ids = {}
    with session_scope(session_factory) as session:
        source = add_source(session, "CNIL")
        for n, name in enumerate("ABCD"):
            labels = {"ethique": 0.9} if name == "D" else {"juridique": 0.9}
            article = add_article(session, source, f"Article {name}", relevance=0.9 - n / 10,
                                  labels=labels)  # fmt: skip
            section = "ethique" if name == "D" else "juridique"
            ids[name] = select_article(session, article, WEEK, section, "").id
        for email in READERS:
            session.add(Subscriber(email=email, status="active", themes=[], jobs=[]))
    return ids


def signed_in(playwright: Any, live_url: str, path: str) -> Any:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    page = browser.new_page(viewport={"width": 1280, "height": 2400})  # the items all in view
    page.goto(f"{live_url}/login?next={path}")
    page.get_by_label("Adresse électronique").fill(CURATOR_EMAIL)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    return page


def drag(page: Any, source: Any, target: Any) -> None:
    """Press on the source, move in steps to the top of the target, release."""
    start, end = source.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + 40, end["y"] + 5, steps=10)
    page.mouse.up()


def order(text: str) -> list[str]:
    plain = unescape(text)
    names = [f"Article {name}" for name in "ABCD"]
    return sorted((name for name in names if name in plain), key=plain.index)


def test_drag_and_drop_and_alt_arrows_reorder_and_the_email_follows(
    live_url: str, accounts: dict[str, str], items: dict[str, int]
) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        page = signed_in(playwright, live_url, f"/edition%3Fweek%3D{WEEK}")
        status = page.locator("#order-status")
        handle = page.locator(f"#item-{items['C']} .drag-handle")
        drag(page, handle, page.locator(f"#item-{items['A']}"))
        expect(status).to_have_text(
            "Article déplacé en 1re position de « Juridique et réglementaire »."
        )
        item_b = page.locator(f"#item-{items['B']}")
        item_b.focus()
        page.keyboard.press("Alt+ArrowDown")  # the last of « Juridique »: into « Éthique »
        expect(status).to_have_text("Article déplacé en 1re position de « Éthique et sociétal ».")
        expect(item_b).to_be_focused()
        page.keyboard.press("Alt+ArrowUp")
        expect(status).to_contain_text("en 3e position de « Juridique")
        page.keyboard.press("Alt+ArrowUp")
        expect(status).to_contain_text("en 2e position de « Juridique")
        expect(item_b).to_be_focused()
        expected = ["Article C", "Article B", "Article A", "Article D"]
        page.reload()
        assert order(page.locator("main").inner_text()) == expected
        page.goto(f"{live_url}/edition/apercu?week={WEEK}")
        assert order(page.content()) == expected
        page.context.browser.close()


def test_preview_as_a_referent_and_send_me_a_test(
    live_url: str,
    accounts: dict[str, str],
    items: dict[str, int],
    smtp: tuple[RecordingHandler, int],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        page = signed_in(playwright, live_url, f"/edition%3Fweek%3D{WEEK}")
        page.get_by_role("checkbox", name="Éthique et sociétal").check()
        with page.context.expect_page() as opened:
            page.get_by_role("button", name="Voir l'aperçu").click()
        preview = opened.value
        expect(preview.get_by_text("Votre sélection : Éthique et sociétal")).to_be_visible()
        assert "Article D" in preview.content() and "Article A" not in preview.content()
        page.get_by_role("checkbox", name="Éthique et sociétal").check()
        page.get_by_role("button", name="M'envoyer un test").click()
        expect(page.get_by_role("status").first).to_contain_text(
            f"Un message de test est parti vers {CURATOR_EMAIL}"
        )
        page.context.browser.close()
    assert smtp[0].recipients() == [CURATOR_EMAIL]
    body = smtp[0].parsed()[0].get_body(("plain",))
    assert body is not None and "Article D" in body.get_content()
    assert "Article A" not in body.get_content()


def test_publish_then_send_now_shows_progress_then_the_report(
    live_url: str,
    accounts: dict[str, str],
    items: dict[str, int],
    smtp: tuple[RecordingHandler, int],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        page = signed_in(playwright, live_url, f"/edition%3Fweek%3D{WEEK}")
        page.get_by_role("link", name=f"Publier l'édition {WEEK}…").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Publier l'édition")
        page.get_by_role("button", name="Confirmer la publication").click()
        expect(page.get_by_role("status").first).to_contain_text("est publiée")
        page.get_by_role("link", name=f"Envoyer l'édition {WEEK}…").click()
        expect(page.get_by_text("La lettre partira vers 6 abonnés actifs")).to_be_visible()
        page.get_by_role("button", name="Confirmer : envoyer maintenant").click()
        expect(page.get_by_role("heading", name="Envoi en cours")).to_be_visible()
        expect(page.locator("#send-count")).to_contain_text("/ 6 message(s) traité(s)")
        expect(page.get_by_role("heading", name="Rapport d'envoi")).to_be_visible(timeout=30_000)
        report = page.locator(".send-report")
        expect(report).to_contain_text("Envoyés")
        assert report.locator("dd").first.inner_text() == "6"
        page.context.browser.close()
    assert sorted(smtp[0].recipients()) == sorted(READERS)
