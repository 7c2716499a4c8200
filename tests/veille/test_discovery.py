"""Feed autodiscovery on real-shaped pages served on 127.0.0.1."""

import asyncio
import dataclasses
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from tests.veille.conftest import data
from veille.cli import main
from veille.discovery import Discovery, discover, feed_links, same_site, site_address
from veille.errors import ConfigError
from veille.fetch import Fetcher
from veille.fetch_limits import limits_from
from veille.settings import Settings

LOOPBACK = "127.0.0.0/8,::1/128"
RSS = "application/rss+xml"


def run_discovery(settings: Settings, url: str) -> Discovery:
    quick = dataclasses.replace(settings, http_timeout="2s")

    async def run() -> Discovery:
        async with Fetcher(limits_from(quick)) as fetcher:
            return await discover(fetcher, url)

    return asyncio.run(run())


@pytest.fixture
def other_site() -> Iterator[HTTPServer]:
    """Another site: a server on another loopback address."""
    httpd = HTTPServer(host="127.0.0.2", port=0)
    httpd.start()
    yield httpd
    httpd.stop()


def serve_page(server: HTTPServer, path: str, body: bytes | str) -> None:
    server.expect_request(path).respond_with_data(body, content_type="text/html; charset=utf-8")


def test_several_alternate_links_give_every_working_feed(
    server: HTTPServer, settings: Settings
) -> None:
    serve_page(server, "/", data("discovery/several-links.html"))
    server.expect_request("/feed/").respond_with_data(data("feeds/rss2.xml"), content_type=RSS)
    server.expect_request("/feed/atom/").respond_with_data(
        data("feeds/atom.xml"), content_type="application/atom+xml"
    )
    server.expect_request("/feed/json/").respond_with_data(
        data("feeds/jsonfeed.json"), content_type="application/feed+json"
    )
    # The comments feed is announced but broken: it is left out.
    found = run_discovery(settings, server.url_for("/"))
    assert not found.is_feed
    assert [(feed.url, feed.title, feed.items) for feed in found.feeds] == [
        (server.url_for("/feed/"), "Collectivités & IA", 2),
        (server.url_for("/feed/atom/"), "AI Policy Watch", 1),
        (server.url_for("/feed/json/"), "Journal numérique", 2),
    ]
    assert all(feed.announced and feed.newest is not None for feed in found.feeds)
    assert "/wp-json/oembed/1.0/embed" not in str(server.log), "only feed types are fetched"


def test_relative_hrefs_are_resolved_against_the_page() -> None:
    body = b"""<html><head>
      <link rel="alternate" type="application/rss+xml" href="../flux/rss.xml" title="Flux">
      <link rel="alternate" type="application/atom+xml" href="//cdn.example.org/atom.xml">
      <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
    </head><body></body></html>"""
    links = feed_links(body, "https://exemple.fr/a/b/page.html")
    assert [(link.url, link.title) for link in links] == [
        ("https://exemple.fr/a/flux/rss.xml", "Flux"),
        ("https://cdn.example.org/atom.xml", None),
    ]


def test_a_base_element_sets_where_relative_hrefs_point(
    server: HTTPServer, settings: Settings
) -> None:
    serve_page(server, "/accueil/index.html", data("discovery/base-element.html"))
    server.expect_request("/portail/actualites/atom.xml").respond_with_data(
        data("feeds/atom.xml"), content_type="application/atom+xml"
    )
    found = run_discovery(settings, server.url_for("/accueil/index.html"))
    assert [feed.url for feed in found.feeds] == [server.url_for("/portail/actualites/atom.xml")]


def test_without_a_link_the_usual_addresses_are_tried(
    server: HTTPServer, settings: Settings
) -> None:
    serve_page(server, "/", data("discovery/no-link.html"))
    server.expect_request("/feed/").respond_with_data(data("feeds/rss2.xml"), content_type=RSS)
    found = run_discovery(settings, server.url_for("/"))
    assert [(feed.url, feed.announced) for feed in found.feeds] == [
        (server.url_for("/feed/"), False)
    ]
    asked = {request.path for request, _response in server.log}
    assert {"/feed", "/rss.xml", "/atom.xml", "/index.xml", "/feed/"} <= asked


def test_the_same_feed_at_two_usual_addresses_is_listed_once(
    server: HTTPServer, settings: Settings
) -> None:
    serve_page(server, "/", data("discovery/no-link.html"))
    for path in ("/feed", "/feed/"):
        server.expect_request(path).respond_with_data(data("feeds/rss2.xml"), content_type=RSS)
    found = run_discovery(settings, server.url_for("/"))
    assert len(found.feeds) == 1


def test_an_address_that_is_already_a_feed(server: HTTPServer, settings: Settings) -> None:
    server.expect_request("/rss.xml").respond_with_data(data("feeds/rss2.xml"), content_type=RSS)
    found = run_discovery(settings, server.url_for("/rss.xml"))
    assert found.is_feed and [feed.url for feed in found.feeds] == [server.url_for("/rss.xml")]


def test_a_feed_on_another_site_is_found_but_is_not_the_same_site(
    server: HTTPServer, other_site: HTTPServer, settings: Settings
) -> None:
    elsewhere = other_site.url_for("/partenaire/feed.xml")
    other_site.expect_request("/partenaire/feed.xml").respond_with_data(
        data("feeds/rss2.xml"), content_type=RSS
    )
    serve_page(
        server,
        "/",
        f'<html><head><link rel="alternate" type="{RSS}" href="{elsewhere}"></head></html>',
    )
    found = run_discovery(settings, server.url_for("/"))
    assert [feed.url for feed in found.feeds] == [elsewhere]
    assert not same_site(elsewhere, server.url_for("/"))
    assert same_site("https://www.exemple.fr/feed", "https://exemple.fr:443/actu/")


def test_site_address_accepts_what_an_administrator_types() -> None:
    assert site_address(" www.zdnet.fr ") == "https://www.zdnet.fr"
    assert site_address("http://exemple.fr/actu") == "http://exemple.fr/actu"
    with pytest.raises(ConfigError):
        site_address("ftp://exemple.fr/")


def test_cli_prints_candidates_with_titles_and_item_counts(
    server: HTTPServer, cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VEILLE_ALLOW_PRIVATE_NETWORKS", LOOPBACK)
    serve_page(server, "/", data("discovery/several-links.html"))
    server.expect_request("/feed/").respond_with_data(data("feeds/rss2.xml"), content_type=RSS)
    result = CliRunner().invoke(main, ["sources", "discover", server.url_for("/")])
    assert result.exit_code == 0, result.output
    assert server.url_for("/feed/") in result.output
    assert "Collectivités & IA" in result.output
    assert "lien annoncé" in result.output


def test_cli_says_when_nothing_is_found(
    server: HTTPServer, cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VEILLE_ALLOW_PRIVATE_NETWORKS", LOOPBACK)
    serve_page(server, "/", data("discovery/no-link.html"))
    result = CliRunner().invoke(main, ["sources", "discover", server.url_for("/")])
    assert result.exit_code == 1
    assert "aucun flux trouvé" in result.output
