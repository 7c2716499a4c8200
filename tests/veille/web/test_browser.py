"""End to end in Debian's Chromium: a real uvicorn server, a curator's first week."""

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from conftest import CURATOR_EMAIL, PASSWORD, WEEK
from fastapi import FastAPI

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Chromium absent ({CHROMIUM})"),
]


@pytest.fixture
def live_url(app: FastAPI) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, in a thread."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    started = threading.Event()
    original_startup = server.startup

    async def startup(sockets: list[socket.socket] | None = None) -> None:
        await original_startup(sockets)
        started.set()

    server.startup = startup  # type: ignore[method-assign]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    assert started.wait(timeout=30), "le serveur n'a pas démarré"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


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

        page.keyboard.press("j")  # keyboard navigation between cards
        page.keyboard.press("j")
        expect(page.locator("article[data-card]").nth(1)).to_be_focused()
        page.keyboard.press("k")
        card = page.locator(f"#article-{week_articles['story']}")
        expect(card).to_be_focused()
        card.get_by_label("Commentaire").fill("À transmettre aux juristes.")
        card.get_by_role("button", name="Retenir pour l'édition").click()
        expect(page.get_by_role("status").first).to_contain_text("est retenu pour l'édition")

        page.get_by_role("link", name="Édition", exact=True).click()
        expect(page.get_by_role("heading", name="Juridique et réglementaire")).to_be_visible()
        expect(page.get_by_role("link", name="La CNIL publie ses recommandations")).to_be_visible()
        expect(page.locator("textarea[name=comment]")).to_have_value("À transmettre aux juristes.")
        browser.close()
