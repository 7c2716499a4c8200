"""Small things a user notices: error pages keep the navigation, the archive says
when and how much, the pause box sits beside its label, nothing overflows at 390 px."""

from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from db.models import Edition
from tests.newsletter.factories import WEEK, sample_week, subscriber
from tests.veille.web.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CURATOR_EMAIL,
    PASSWORD,
    Client,
    add_article,
    add_source,
)
from tests.veille.web.conftest import WEEK as INBOX_WEEK
from veille.newsletter_config import signer
from veille.settings import Settings


def test_an_error_page_keeps_the_navigation_of_a_signed_in_curator(curator: Client) -> None:
    page = curator.get("/une-page-qui-n-existe-pas")
    assert page.status_code == 404 and "Page introuvable." in page.text
    assert 'href="/edition' in page.text and "Se déconnecter" in page.text
    refused = curator.get("/admin/sources")
    assert refused.status_code == 403 and 'href="/echeances"' in refused.text


def test_an_error_page_shows_no_curator_navigation_to_visitors(client: Client) -> None:
    page = client.get("/une-page-qui-n-existe-pas")
    assert page.status_code == 404 and 'href="/echeances"' not in page.text


def test_the_archive_lists_dates_and_article_counts(
    client: Client, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        sample_week(session)
        edition = session.scalar(select(Edition).where(Edition.week == WEEK))
        assert edition is not None
        edition.status, edition.published_at = "published", datetime(2026, 11, 27, 10, tzinfo=UTC)
        count = len(edition.items)
        session.commit()
    page = client.get("/editions")
    assert f"publiée le 27/11/2026, {count} articles" in page.text
    assert count > 1


def test_the_pause_box_sits_on_the_line_of_its_label(
    client: Client, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        row = subscriber(session, "ref@exemple.fr", themes=("technique",))
        session.commit()
    page = client.get(signer(settings).manage_url(row.id).split("://", 1)[1].split("/", 1)[1])
    assert '<div class="field check">\n      <input type="checkbox" id="paused"' in page.text


LONG_TITLE = "JORFTEXT000049999999_intelligence_artificielle_algorithmes_publics_décret"


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Chromium absent ({CHROMIUM})")
def test_nothing_overflows_a_390_px_screen(
    live_url: str,
    app: FastAPI,
    accounts: dict[str, str],
    week_articles: dict[str, int],
    session_factory: sessionmaker[Session],
) -> None:
    from playwright.sync_api import sync_playwright

    with session_scope(session_factory) as session:
        source = add_source(session, "Journal officiel")
        add_article(session, source, LONG_TITLE, summary_html=f"<p>{LONG_TITLE}</p>")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(f"{live_url}/login")
        page.get_by_label("Adresse électronique").fill(CURATOR_EMAIL)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(f"{live_url}/")
        paths = (f"/?week={INBOX_WEEK}", f"/edition?week={INBOX_WEEK}", "/tableau-de-bord")
        for path in (*paths, "/nulle-part"):
            page.goto(f"{live_url}{path}")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path} : {width} px"
        browser.close()
