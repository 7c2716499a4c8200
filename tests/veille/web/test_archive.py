"""Public archive of published editions and the Atom feeds."""

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.models import Edition
from tests.newsletter.factories import WEEK, sample_week
from tests.veille.web.conftest import Client

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def published(session_factory: sessionmaker[Session]) -> dict[str, int]:
    with session_factory() as session:
        rows = sample_week(session)
        edition = session.scalar(select(Edition).where(Edition.week == WEEK))
        assert edition is not None
        edition.status, edition.published_at = "published", datetime(2026, 11, 27, 10, tzinfo=UTC)
        session.add(Edition(week="2026-W49"))
        session.commit()
        return {key: row.id for key, row in rows.items()}


def entries(body: bytes) -> list[ET.Element]:
    root = ET.fromstring(body)
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def test_a_published_edition_has_its_public_page(client: Client, published: dict[str, int]) -> None:
    page = client.get(f"/editions/{WEEK}")
    assert page.status_code == 200
    text = page.text.replace("&#39;", "'")
    assert "Lettre de veille IA — semaine 48, du 23 au 29 novembre 2026" in text
    assert "À lire avant le comité de pilotage." in text
    assert "Évolutions réglementaires" in text and "23 novembre 2026" in text
    assert "<strong>toutes et tous</strong>" in text and "<script>alert" not in text


def test_drafts_and_bad_weeks_are_not_found(client: Client, published: dict[str, int]) -> None:
    assert client.get("/editions/2026-W49").status_code == 404
    assert client.get("/editions/2026-W50").status_code == 404
    assert client.get("/editions/semaine-48").status_code == 404


def test_the_index_lists_published_editions_only(client: Client, published: dict[str, int]) -> None:
    page = client.get("/editions")
    assert page.status_code == 200
    assert f'href="/editions/{WEEK}"' in page.text and "2026-W49" not in page.text


def test_editions_feed(client: Client, published: dict[str, int]) -> None:
    response = client.get("/editions.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    found = entries(response.content)
    assert len(found) == 1
    assert found[0].findtext(f"{ATOM}title") == "Veille IA — semaine 48, du 23 au 29 novembre 2026"
    assert found[0].find(f"{ATOM}link").get("href").endswith(f"/editions/{WEEK}")


def test_theme_and_job_feeds_list_selected_articles(
    client: Client, published: dict[str, int]
) -> None:
    legal = entries(client.get("/flux/themes/juridique.atom").content)
    titles = {entry.findtext(f"{ATOM}title") for entry in legal}
    assert titles == {"Le règlement IA entre en application", "La CNIL publie ses recommandations"}
    jurist = entries(client.get("/flux/metiers/juriste.atom").content)
    assert [entry.findtext(f"{ATOM}title") for entry in jurist] == [
        "La CNIL publie ses recommandations"
    ]
    assert entries(client.get("/flux/themes/social.atom").content) == []
    assert client.get("/flux/themes/juriste.atom").status_code == 404
    assert client.get("/flux/robots/juridique.atom").status_code == 404
