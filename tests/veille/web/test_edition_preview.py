"""The edition page and the email show the same sections; previews as a profile; a test
message to the signed-in curator, through a real SMTP server."""

import dataclasses
import re
from html import unescape

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from tests.newsletter.smtp_server import RecordingHandler
from tests.veille.web.conftest import CURATOR_EMAIL, WEEK, Client
from veille.settings import Settings
from veille.web.app import create_app

EDITION = f"/edition?week={WEEK}"


@pytest.fixture
def app(
    settings: Settings, session_factory: sessionmaker[Session], smtp: tuple[RecordingHandler, int]
) -> FastAPI:
    configured = dataclasses.replace(
        settings, smtp_host="127.0.0.1", smtp_port=smtp[1], smtp_rate=0
    )
    return create_app(configured, session_factory)


def select(client: Client, article_id: int, section: str) -> None:
    data = {"week": WEEK, "section": section, "comment": "", "back": EDITION}
    assert client.form(f"/articles/{article_id}/select", data, page=EDITION).status_code == 303


def headings(html: str) -> list[str]:
    return [unescape(title).strip() for title in re.findall(r"<h2[^>]*>([^<]+)</h2>", html)]


def sections_in_order(html: str, titles: list[str]) -> list[str]:
    """The given titles, in the order they appear in the page."""
    text = unescape(html)
    return sorted((title for title in titles if title in text), key=text.index)


def test_a_moved_regulation_update_sits_in_its_new_section_on_the_page_and_in_the_email(
    curator: Client, week_articles: dict[str, int]
) -> None:
    select(curator, week_articles["decree"], "juridique")
    select(curator, week_articles["story"], "juridique")
    expected = ["Juridique et réglementaire", "Décret relatif aux algorithmes publics"]
    page = curator.get(EDITION).text
    email = curator.get(f"/edition/apercu?week={WEEK}").text
    for shown in (page, email):
        assert sections_in_order(shown, expected) == expected
        assert "Évolutions réglementaires" not in headings(shown)


def test_an_uncurated_regulation_update_shows_on_the_page_as_in_the_email(
    curator: Client, week_articles: dict[str, int]
) -> None:
    select(curator, week_articles["story"], "juridique")
    expected = ["Évolutions réglementaires", "Décret relatif aux algorithmes publics"]
    page = curator.get(EDITION).text
    assert sections_in_order(page, expected) == expected
    assert "ajouté d'office" in unescape(page)
    email = curator.get(f"/edition/apercu?week={WEEK}").text
    assert sections_in_order(email, expected) == expected


def test_preview_as_a_referent_profile(curator: Client, week_articles: dict[str, int]) -> None:
    select(curator, week_articles["story"], "juridique")
    select(curator, week_articles["chatbot"], "ethique")
    whole = unescape(curator.get(f"/edition/apercu?week={WEEK}").text)
    assert "La CNIL publie" in whole and "Un agent conversationnel" in whole
    profile = curator.get(f"/edition/apercu?week={WEEK}&themes=ethique&themes=inconnu")
    text = unescape(profile.text)
    assert "Votre sélection : Éthique et sociétal" in text
    assert "Un agent conversationnel" in text and "La CNIL publie" not in text
    assert "default-src 'none'" in profile.headers["content-security-policy"]


def test_send_me_a_test_as_a_profile(
    curator: Client, week_articles: dict[str, int], smtp: tuple[RecordingHandler, int]
) -> None:
    handler, _port = smtp
    select(curator, week_articles["story"], "juridique")
    select(curator, week_articles["chatbot"], "ethique")
    sent = curator.form("/edition/test", {"week": WEEK, "jobs": ["agent_accueil"]}, page=EDITION)
    assert sent.status_code == 303 and sent.headers["location"] == EDITION
    assert handler.recipients() == [CURATOR_EMAIL]
    body = str(handler.parsed()[0].get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert "Un agent conversationnel" in body and "La CNIL publie" not in body
    assert f"Un message de test est parti vers {CURATOR_EMAIL}" in unescape(
        curator.get(EDITION).text
    )


def test_previews_and_tests_need_a_signed_in_curator_and_a_token(
    client: Client, accounts: dict[str, str], smtp: tuple[RecordingHandler, int]
) -> None:
    handler, _port = smtp
    assert client.get(f"/edition/apercu?week={WEEK}").status_code == 303
    assert client.get(f"/edition/publier?week={WEEK}").status_code == 303
    client.login()
    assert client.post("/edition/test", data={"week": WEEK}).status_code == 403
    assert handler.messages == []
