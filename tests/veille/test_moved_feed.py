"""A feed address that starts answering a web page: a new address is suggested, never adopted
until an administrator says so."""

import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from db.engine import make_engine, make_session_factory
from db.repos.sources import get_by_name
from tests.veille.conftest import data
from veille.cli import main

RSS = "application/rss+xml"
NAME = "Presse locale"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def home_page(*feeds: str) -> str:
    links = "".join(
        f'<link rel="alternate" type="{RSS}" title="Flux {index}" href="{href}">'
        for index, href in enumerate(feeds)
    )
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Presse locale</title>'
        f'<link rel="stylesheet" href="/style.css">{links}</head>'
        "<body><h1>Presse locale</h1><p>Toute l'actualité du territoire.</p></body></html>"
    )


@pytest.fixture
def catalogue(cli_env: dict[str, str], server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VEILLE_HTTP_TIMEOUT", "2s")
    monkeypatch.setenv("VEILLE_ALLOW_PRIVATE_NETWORKS", "127.0.0.0/8,::1/128")
    path = Path(cli_env["VEILLE_SOURCES"])
    path.write_text(
        "# Catalogue de test\n\n[[feeds]]\n# réf. : page de l'éditeur\n"
        f'name = "{NAME}"\nurl = "{server.url_for("/rss/actualites.xml")}"\n'
        'category = "Presse"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def other_site() -> Iterator[HTTPServer]:
    httpd = HTTPServer(host="127.0.0.2", port=0)
    httpd.start()
    yield httpd
    httpd.stop()


def stored_source(catalogue: Path) -> SimpleNamespace:
    """The source's row, as the administrator's pages read it."""
    engine = make_engine(os.environ["VEILLE_DATABASE_URL"])
    try:
        with make_session_factory(engine)() as session:
            source = get_by_name(session, NAME)
            return SimpleNamespace(
                last_error=source.last_error or "", suggested_url=source.suggested_url
            )
    finally:
        engine.dispose()


def serve_home_at_the_old_address(server: HTTPServer, *feeds: str) -> None:
    """The old feed address now redirects to the site's home page (HTML)."""
    server.expect_request("/rss/actualites.xml").respond_with_data(
        "", status=302, headers={"Location": "/"}
    )
    server.expect_request("/").respond_with_data(
        home_page(*feeds), content_type="text/html; charset=utf-8"
    )


def test_html_at_a_feed_address_suggests_the_one_feed_without_adopting_it(
    catalogue: Path, server: HTTPServer
) -> None:
    serve_home_at_the_old_address(server, "/feed/")
    server.expect_request("/feed/").respond_with_data(data("feeds/rss2.xml"), content_type=RSS)
    before = catalogue.read_text(encoding="utf-8")

    collected = run("collect", "--no-classify")
    assert "page HTML" in collected.output
    assert catalogue.read_text(encoding="utf-8") == before, "never switched silently"

    health = run("sources", "health")
    assert f"nouvelle adresse proposée : {server.url_for('/feed/')}" in health.output
    assert "veille sources accept-move 'Presse locale'" in health.output
    again = run("collect", "--no-classify")
    assert "0 nouveau(x)" in again.output and "1 en échec" in again.output, "still the old one"

    adopted = run("sources", "accept-move", NAME)
    assert adopted.exit_code == 0, adopted.output
    text = catalogue.read_text(encoding="utf-8")
    assert f'url = "{server.url_for("/feed/")}"' in text
    assert f"ancienne : {server.url_for('/rss/actualites.xml')}" in text
    assert "# réf. : page de l'éditeur" in text and 'category = "Presse"' in text

    after = run("collect", "--no-classify")
    assert "2 nouveau(x)" in after.output and "0 en échec" in after.output
    assert "nouvelle adresse proposée" not in run("sources", "health").output


def test_a_feed_on_another_site_is_not_proposed(
    catalogue: Path, server: HTTPServer, other_site: HTTPServer
) -> None:
    elsewhere = other_site.url_for("/flux.xml")
    other_site.expect_request("/flux.xml").respond_with_data(
        data("feeds/rss2.xml"), content_type=RSS
    )
    serve_home_at_the_old_address(server, elsewhere)
    run("collect", "--no-classify")
    source = stored_source(catalogue)
    assert f"flux d'un autre site ({elsewhere}), non proposé" in source.last_error
    assert source.suggested_url is None
    assert "nouvelle adresse proposée" not in run("sources", "health").output
    refused = CliRunner().invoke(main, ["sources", "accept-move", NAME])
    assert refused.exit_code == 1
    assert "aucune nouvelle adresse" in refused.output


def test_several_feeds_on_the_site_are_not_a_suggestion(
    catalogue: Path, server: HTTPServer
) -> None:
    serve_home_at_the_old_address(server, "/feed/", "/feed/atom/")
    server.expect_request("/feed/").respond_with_data(data("feeds/rss2.xml"), content_type=RSS)
    server.expect_request("/feed/atom/").respond_with_data(
        data("feeds/atom.xml"), content_type="application/atom+xml"
    )
    run("collect", "--no-classify")
    assert "2 flux trouvés sur le site" in stored_source(catalogue).last_error
    assert "nouvelle adresse proposée" not in run("sources", "health").output
