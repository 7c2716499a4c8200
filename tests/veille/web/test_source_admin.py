"""The sources page for an administrator: add a source from a site's address, adopt the
new address of a feed that turned into a web page."""

from pathlib import Path

from pytest_httpserver import HTTPServer
from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from db.repos.sources import get_by_name, sync_from_catalogue
from tests.veille.conftest import data
from tests.veille.web.conftest import ADMIN_EMAIL, Client
from veille.catalogue import load_catalogue
from veille.settings import Settings

RSS = "application/rss+xml"
CATALOGUE = """# Catalogue de la métropole

[[feeds]]
# réf. : page de l'éditeur
name = "Presse locale"
url = "https://presse.example/rss/actualites.xml"
"""


def write_catalogue(settings: Settings, session_factory: sessionmaker[Session]) -> Path:
    path = Path(settings.sources)
    path.write_text(CATALOGUE, encoding="utf-8")
    with session_scope(session_factory) as session:
        sync_from_catalogue(session, [spec.to_fields() for spec in load_catalogue(path)])
    return path


def test_admin_adds_a_feed_found_from_a_site_address(
    client: Client,
    accounts: dict[str, str],
    server: HTTPServer,
    settings: Settings,
    session_factory: sessionmaker[Session],
) -> None:
    path = write_catalogue(settings, session_factory)
    server.expect_request("/").respond_with_data(
        data("discovery/several-links.html"), content_type="text/html; charset=utf-8"
    )
    server.expect_request("/feed/").respond_with_data(data("feeds/rss2.xml"), content_type=RSS)
    server.expect_request("/feed/json/").respond_with_data(
        data("feeds/jsonfeed.json"), content_type="application/feed+json"
    )
    client.login(email=ADMIN_EMAIL)
    form = client.get("/admin/sources/add")
    assert form.status_code == 200 and "Chercher les flux" in form.text

    found = client.form(
        "/admin/sources/add/discover", {"address": server.url_for("/")}, "/admin/sources/add"
    )
    assert found.status_code == 200
    assert "Collectivités &amp; IA" in found.text and "2 élément(s)" in found.text
    assert "Journal numérique" in found.text
    assert server.url_for("/feed/") in found.text

    added = client.form(
        "/admin/sources/add",
        {"url": server.url_for("/feed/"), "name": "Collectivités & IA", "category": "Presse"},
        "/admin/sources/add",
    )
    assert added.status_code == 303, added.text
    text = path.read_text(encoding="utf-8")
    assert "# réf. : page de l'éditeur" in text, "the catalogue's comments are kept"
    names = {spec.name: spec.url for spec in load_catalogue(path)}
    assert names["Collectivités & IA"] == server.url_for("/feed/")
    listing = client.get("/admin/sources").text
    assert "Collectivités &amp; IA" in listing and "ajoutée au catalogue" in listing

    again = client.form(
        "/admin/sources/add",
        {"url": server.url_for("/feed/"), "name": "Autre nom", "category": ""},
        "/admin/sources/add",
    )
    assert again.status_code == 409 and "porte déjà" in again.text


def test_an_address_that_is_not_a_feed_is_not_added(
    client: Client,
    accounts: dict[str, str],
    server: HTTPServer,
    settings: Settings,
    session_factory: sessionmaker[Session],
) -> None:
    path = write_catalogue(settings, session_factory)
    server.expect_request("/").respond_with_data(
        data("discovery/no-link.html"), content_type="text/html"
    )
    client.login(email=ADMIN_EMAIL)
    answer = client.form(
        "/admin/sources/add",
        {"url": server.url_for("/"), "name": "Observatoire"},
        "/admin/sources/add",
    )
    assert answer.status_code == 422 and "ne répond pas un flux" in answer.text
    assert path.read_text(encoding="utf-8") == CATALOGUE
    nothing = client.form(
        "/admin/sources/add/discover", {"address": server.url_for("/")}, "/admin/sources/add"
    )
    assert "Aucun flux trouvé" in nothing.text


def test_curators_and_forged_forms_cannot_add(
    client: Client, accounts: dict[str, str], settings: Settings
) -> None:
    client.login()
    assert client.get("/admin/sources/add").status_code == 403
    forged = client.post("/admin/sources/add", data={"url": "https://a.example/", "name": "A"})
    assert forged.status_code == 403


def test_admin_adopts_the_suggested_address_in_one_click(
    client: Client,
    accounts: dict[str, str],
    settings: Settings,
    session_factory: sessionmaker[Session],
) -> None:
    path = write_catalogue(settings, session_factory)
    new_url = "https://presse.example/feed/"
    with session_scope(session_factory) as session:
        source = get_by_name(session, "Presse locale")
        source.consecutive_failures, source.suggested_url = 2, new_url
        source.last_error = "la réponse est une page HTML, pas un flux RSS/Atom"
        source_id = source.id
    client.login()
    refused = client.form(f"/admin/sources/{source_id}/adopt", {}, "/")
    assert refused.status_code == 403
    client.form("/logout", {})
    client.login(email=ADMIN_EMAIL)
    listing = client.get("/admin/sources").text
    assert f"Nouvelle adresse proposée : <code>{new_url}</code>" in listing
    assert path.read_text(encoding="utf-8") == CATALOGUE, "shown, not adopted"

    adopted = client.form(f"/admin/sources/{source_id}/adopt", {}, "/admin/sources")
    assert adopted.status_code == 303
    assert {spec.url for spec in load_catalogue(path)} == {new_url}
    assert "ancienne : https://presse.example/rss/actualites.xml" in path.read_text("utf-8")
    with session_scope(session_factory) as session:
        source = get_by_name(session, "Presse locale")
        assert (source.url, source.suggested_url, source.consecutive_failures) == (new_url, None, 0)
    assert "Nouvelle adresse proposée" not in client.get("/admin/sources").text
