"""``veille sources check --online``: one fetch per source, a report, nothing stored."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from tests.veille.conftest import data
from veille.cli import main

RSS = "application/rss+xml"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def catalogue(cli_env: dict[str, str], server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VEILLE_HTTP_TIMEOUT", "2s")
    monkeypatch.setenv("VEILLE_ALLOW_PRIVATE_NETWORKS", "127.0.0.0/8,::1/128")
    server.expect_request("/flux", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304, headers={"ETag": '"v1"'}
    )
    server.expect_request("/flux").respond_with_data(
        data("feeds/rss2.xml"), content_type=RSS, headers={"ETag": '"v1"'}
    )
    server.expect_request("/devenu-page").respond_with_data(
        data("discovery/no-link.html"), content_type="text/html; charset=utf-8"
    )
    server.expect_request("/absent").respond_with_data("non", status=404)
    server.expect_request("/page").respond_with_data(
        data("pages/reglement-v1.html"), content_type="text/html; charset=utf-8"
    )
    path = Path(cli_env["VEILLE_SOURCES"])
    path.write_text(
        f"""
[[feeds]]
name = "Bon flux"
url = "{server.url_for("/flux")}"
[[feeds]]
name = "Devenu page"
url = "{server.url_for("/devenu-page")}"
[[feeds]]
name = "Absent"
url = "{server.url_for("/absent")}"
[[feeds]]
name = "Suspendu"
url = "{server.url_for("/suspendu")}"
enabled = false
[[pages]]
name = "Calendrier"
url = "{server.url_for("/page")}"
""",
        encoding="utf-8",
    )
    return path


def row(output: str, name: str) -> str:
    return next(line for line in output.splitlines() if name in line)


def test_every_source_is_fetched_once_and_reported(catalogue: Path, server: HTTPServer) -> None:
    result = run("sources", "check", "--online")
    assert result.exit_code == 0, result.output
    good = row(result.output, "Bon flux")
    assert "200" in good and RSS in good and " 2 " in good and "03/11/2026 15:00" in good
    assert "page HTML" in row(result.output, "Devenu page")
    assert "HTTP 404" in row(result.output, "Absent")
    assert "text/html" in row(result.output, "Calendrier")
    assert "désactivée" in row(result.output, "Suspendu")
    assert "5 source(s) : 2 répondent, 0 inchangée(s) (304), 2 en erreur, 1 désactivée(s)." in (
        result.output
    )
    asked = [request.path for request, _response in server.log]
    assert sorted(asked) == ["/absent", "/devenu-page", "/flux", "/page"], "once each"

    stats = json.loads(run("stats", "--json").output)
    assert stats["articles"]["total"] == 0, "nothing is stored"


def test_the_get_is_conditional_after_a_collection(catalogue: Path, server: HTTPServer) -> None:
    run("collect", "--no-classify")
    server.clear_log()
    result = run("sources", "check", "--online")
    good = row(result.output, "Bon flux")
    assert "304" in good and "03/11/2026 15:00" in good, "the newest stored item's date"
    request = next(request for request, _response in server.log if request.path == "/flux")
    assert request.headers["If-None-Match"] == '"v1"'
