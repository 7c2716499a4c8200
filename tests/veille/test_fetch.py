"""The fetcher against a real local HTTP server."""

import asyncio
import gzip
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.conftest import LOOPBACK
from tests.veille.conftest import data
from veille.errors import FetchError
from veille.fetch import Fetcher, FetchLimits, GoneError, RetryLater, retry_after_seconds
from veille.networks import parse_networks
from veille.types import Fetched, NotModified

LIMITS = FetchLimits(
    timeout=1,
    max_bytes=100_000,
    max_concurrency=40,
    max_per_host=2,
    user_agent="VeilleIA/test (+https://veille.test)",
    allowed_networks=parse_networks(LOOPBACK),
)


def fetch(url: str, **kwargs: str) -> Fetched | NotModified:
    async def run() -> Fetched | NotModified:
        async with Fetcher(LIMITS) as fetcher:
            return await fetcher.fetch(url, **kwargs)

    return asyncio.run(run())


def test_conditional_get_and_user_agent(server: HTTPServer) -> None:
    server.expect_request("/flux", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304, headers={"ETag": '"v1"'}
    )
    server.expect_request("/flux").respond_with_data(
        data("feeds/rss2.xml"),
        headers={"ETag": '"v1"', "Last-Modified": "Mon, 02 Nov 2026 08:00:00 GMT",
                 "Cache-Control": "max-age=3600"},
        content_type="application/rss+xml",
    )  # fmt: skip
    first = fetch(server.url_for("/flux"))
    assert isinstance(first, Fetched)
    assert first.etag == '"v1"' and first.max_age_seconds == 3600
    assert first.body == data("feeds/rss2.xml")
    second = fetch(server.url_for("/flux"), etag='"v1"')
    assert isinstance(second, NotModified)
    request, _response = server.log[0]
    assert request.headers["User-Agent"] == LIMITS.user_agent


def test_gzip_is_decompressed(server: HTTPServer) -> None:
    server.expect_request("/gz").respond_with_data(
        gzip.compress(data("feeds/atom.xml")), headers={"Content-Encoding": "gzip"}
    )
    result = fetch(server.url_for("/gz"))
    assert isinstance(result, Fetched) and result.body == data("feeds/atom.xml")


def test_gzip_bomb_stops_at_the_cap(server: HTTPServer) -> None:
    bomb = gzip.compress(b"\0" * 20_000_000, compresslevel=9)
    assert len(bomb) < LIMITS.max_bytes
    server.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="trop volumineuse"):
        fetch(server.url_for("/bomb"))


def test_declared_size_over_the_cap(server: HTTPServer) -> None:
    server.expect_request("/gros").respond_with_data(b"x" * 500_000)
    with pytest.raises(FetchError, match=r"trop volumineuse.*annoncés"):
        fetch(server.url_for("/gros"))


def test_streamed_size_over_the_cap(server: HTTPServer) -> None:
    def endless(_request: Request) -> Response:
        return Response((b"x" * 10_000 for _ in range(1000)), content_type="application/xml")

    server.expect_request("/flot").respond_with_handler(endless)
    with pytest.raises(FetchError, match="trop volumineuse"):
        fetch(server.url_for("/flot"))


def test_permanent_redirect_is_flagged(server: HTTPServer) -> None:
    server.expect_request("/ancien").respond_with_data(
        "", status=301, headers={"Location": server.url_for("/nouveau")}
    )
    server.expect_request("/nouveau").respond_with_data("<rss/>")
    result = fetch(server.url_for("/ancien"))
    assert isinstance(result, Fetched)
    assert result.permanent_redirect and result.final_url == server.url_for("/nouveau")


def test_temporary_redirect_is_not_permanent(server: HTTPServer) -> None:
    server.expect_request("/provisoire").respond_with_data(
        "", status=302, headers={"Location": server.url_for("/ici")}
    )
    server.expect_request("/ici").respond_with_data("<rss/>")
    result = fetch(server.url_for("/provisoire"))
    assert isinstance(result, Fetched) and not result.permanent_redirect


def test_redirect_loop(server: HTTPServer) -> None:
    server.expect_request("/boucle").respond_with_data(
        "", status=302, headers={"Location": "/boucle"}
    )
    with pytest.raises(FetchError, match="trop de redirections"):
        fetch(server.url_for("/boucle"))


@pytest.mark.parametrize(
    ("status", "error", "message"),
    [
        (404, FetchError, "HTTP 404 : adresse introuvable"),
        (500, FetchError, "HTTP 500 : erreur interne du serveur"),
        (410, GoneError, "HTTP 410"),
    ],
)
def test_http_errors(server: HTTPServer, status: int, error: type, message: str) -> None:
    server.expect_request("/x").respond_with_data("non", status=status)
    with pytest.raises(error, match=message):
        fetch(server.url_for("/x"))


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after(server: HTTPServer, status: int) -> None:
    server.expect_request("/x").respond_with_data("", status=status, headers={"Retry-After": "120"})
    with pytest.raises(RetryLater, match=f"HTTP {status}") as caught:
        fetch(server.url_for("/x"))
    assert caught.value.retry_after == 120


def test_retry_after_as_a_date() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 10, 8, 0, tzinfo=UTC)
    assert retry_after_seconds("Tue, 10 Nov 2026 08:10:00 GMT", now) == 600
    assert retry_after_seconds("n'importe quoi", now) is None


def test_server_that_never_answers(server: HTTPServer, release: threading.Event) -> None:
    def hang(_request: Request) -> Response:
        release.wait(10)
        return Response("trop tard")

    server.expect_request("/lent").respond_with_handler(hang)
    with pytest.raises(FetchError, match="ne répond pas"):
        fetch(server.url_for("/lent"))


def test_connection_refused() -> None:
    with pytest.raises(FetchError, match="connexion"):
        fetch("http://127.0.0.1:9/flux")


def test_unchanged_feeds_of_one_host_share_a_connection() -> None:
    """A 304 leaves its connection open for the host's next feed: one handshake, not ten."""
    ports: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            ports.append(self.client_address[1])
            self.send_response(304)
            self.send_header("ETag", '"v1"')
            self.end_headers()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    urls = [f"http://127.0.0.1:{httpd.server_address[1]}/flux{i}" for i in range(10)]

    async def run() -> list[Fetched | NotModified]:
        async with Fetcher(LIMITS, urls=urls) as fetcher:
            return [await fetcher.fetch(url, etag='"v1"') for url in urls]

    try:
        results = asyncio.run(run())
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert all(isinstance(result, NotModified) for result in results)
    assert len(ports) == 10 and len(set(ports)) == 1
