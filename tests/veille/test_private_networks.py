"""The private-network guard: no followed site makes the collector read internal services.

The "internal service" is a second real server on 127.0.0.2 (loopback, like
an intranet host); the followed site is on 127.0.0.1, the only network the
tests admit here, as an administrator would admit an intranet source.
"""

import dataclasses
import ipaddress
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy.orm import Session, sessionmaker

from db.repos.articles import by_source
from tests.veille.conftest import data
from tests.veille.test_pipeline import RSS, feed, run, source
from veille.errors import ConfigError
from veille.netguard import refusal
from veille.networks import parse_networks
from veille.settings import Settings
from veille.types import Collected, Failed


@pytest.fixture(scope="module")
def internal() -> Iterator[HTTPServer]:
    """An internal service on another loopback address, never admitted."""
    httpd = HTTPServer(host="127.0.0.2", port=0)
    httpd.start()
    yield httpd
    httpd.stop()


@pytest.fixture
def secret_page(internal: HTTPServer) -> Iterator[str]:
    internal.clear()
    internal.expect_request("/admin").respond_with_data(
        "<html><body><main>Mot de passe du routeur : hunter2</main></body></html>",
        content_type="text/html",
    )
    yield internal.url_for("/admin")
    internal.clear()


@pytest.fixture
def only_site(collect_settings: Settings) -> Settings:
    """The followed site (127.0.0.1) admitted, nothing else of loopback."""
    return dataclasses.replace(collect_settings, allow_private_networks="127.0.0.1/32")


def test_loopback_is_refused_by_default(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    server.expect_request("/flux").respond_with_data(data("feeds/rss2.xml"), content_type=RSS)
    default = dataclasses.replace(collect_settings, allow_private_networks="")
    outcome = run(default, session_factory, [feed("Interne", server.url_for("/flux"))])["Interne"]
    assert isinstance(outcome.value, Failed)
    assert "adresse refusée" in outcome.value.reason
    assert "VEILLE_ALLOW_PRIVATE_NETWORKS" in outcome.value.reason
    assert server.log == []  # nothing was sent to the refused address


def test_a_host_name_resolving_to_loopback_is_refused(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    url = server.url_for("/flux").replace("127.0.0.1", "localhost")
    default = dataclasses.replace(collect_settings, allow_private_networks="")
    outcome = run(default, session_factory, [feed("Local", url)])["Local"]
    assert isinstance(outcome.value, Failed)
    assert "localhost" in outcome.value.reason and "adresse refusée" in outcome.value.reason


def test_a_redirect_to_an_internal_address_is_refused_and_keeps_the_url(
    server: HTTPServer,
    internal: HTTPServer,
    secret_page: str,
    only_site: Settings,
    session_factory: sessionmaker[Session],
) -> None:
    server.expect_request("/flux").respond_with_data(
        "", status=301, headers={"Location": secret_page}
    )
    url = server.url_for("/flux")
    outcome = run(only_site, session_factory, [feed("Piège", url)])["Piège"]
    assert isinstance(outcome.value, Failed)
    assert "127.0.0.2" in outcome.value.reason
    assert internal.log == []
    assert source(session_factory, "Piège").url == url


def test_full_text_of_an_internal_link_is_not_fetched(
    server: HTTPServer,
    internal: HTTPServer,
    secret_page: str,
    only_site: Settings,
    session_factory: sessionmaker[Session],
) -> None:
    body = (
        "<rss version='2.0'><channel><title>t</title>"
        f"<item><title>Lien piégé</title><link>{secret_page}</link>"
        "<description>Résumé du flux.</description></item></channel></rss>"
    )
    server.expect_request("/flux").respond_with_data(body, content_type=RSS)
    specs = [feed("Complet", server.url_for("/flux"), fulltext=True)]
    outcome = run(only_site, session_factory, specs)["Complet"]
    assert isinstance(outcome.value, Collected)
    with session_factory() as session:
        (article,) = by_source(session, "Complet")
    assert article.full_text is None
    assert "hunter2" not in (article.summary_html or "")
    assert internal.log == []


def test_an_admitted_network_is_collected(
    server: HTTPServer, only_site: Settings, session_factory: sessionmaker[Session]
) -> None:
    server.expect_request("/flux").respond_with_data(data("feeds/rss2.xml"), content_type=RSS)
    outcome = run(only_site, session_factory, [feed("Intranet", server.url_for("/flux"))])
    assert isinstance(outcome["Intranet"].value, Collected)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
        "0.0.0.0", "224.0.0.1", "100.64.0.1", "::1", "fe80::1", "fd12:3456::1", "::",
        "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
    ],
)  # fmt: skip
def test_private_and_local_addresses_are_refused(address: str) -> None:
    assert refusal("site.example", ipaddress.ip_address(address), ()) is not None


@pytest.mark.parametrize("address", ["93.184.215.14", "2a00:1450:4007:80e::200e"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert refusal("site.example", ipaddress.ip_address(address), ()) is None


def test_admitted_networks_include_mapped_addresses() -> None:
    allowed = parse_networks("10.20.0.0/16, 127.0.0.1/32")
    assert refusal("intranet", ipaddress.ip_address("10.20.4.5"), allowed) is None
    assert refusal("intranet", ipaddress.ip_address("::ffff:127.0.0.1"), allowed) is None
    assert refusal("intranet", ipaddress.ip_address("10.21.0.1"), allowed) is not None


def test_a_bad_network_list_is_a_clear_error(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="VEILLE_ALLOW_PRIVATE_NETWORKS : 'intranet'"):
        dataclasses.replace(settings, allow_private_networks="10.0.0.0/8, intranet")
