"""``veille collect`` and ``veille sources health``, run as an administrator would."""

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from tests.veille.conftest import data
from veille.cli import main


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def catalogue(cli_env: dict[str, str], server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VEILLE_HTTP_TIMEOUT", "1s")
    server.expect_request("/flux").respond_with_data(
        data("feeds/rss2.xml"), content_type="application/rss+xml"
    )
    server.expect_request("/page").respond_with_data(
        data("pages/reglement-v1.html"), content_type="text/html"
    )
    server.expect_request("/absent").respond_with_data("non", status=404)
    path = Path(cli_env["VEILLE_SOURCES"])
    path.write_text(
        f"""
[[feeds]]
name = "Bon flux"
url = "{server.url_for("/flux")}"
[[feeds]]
name = "Flux absent"
url = "{server.url_for("/absent")}"
[[pages]]
name = "Calendrier"
url = "{server.url_for("/page")}"
""",
        encoding="utf-8",
    )
    return path


def test_collect_reports_every_source_and_exits_zero_despite_failures(catalogue: Path) -> None:
    result = run("collect", "--no-classify")
    assert result.exit_code == 0, result.output
    assert "Bon flux" in result.output and "Flux absent" in result.output
    assert "HTTP 404 : adresse introuvable" in result.output
    assert "3 source(s) : 2 nouveau(x)" in result.output
    assert "1 en échec" in result.output
    again = run("collect", "--no-classify")
    assert "3 source(s) : 0 nouveau(x)" in again.output


def test_collect_only_some_sources(catalogue: Path) -> None:
    result = run("collect", "--no-classify", "--only", "Bon flux", "--only", "calendrier")
    assert result.exit_code == 0
    assert "Flux absent" not in result.output
    assert "2 source(s)" in result.output


def test_collect_with_an_unknown_source_name_is_a_configuration_error(catalogue: Path) -> None:
    result = CliRunner().invoke(main, ["collect", "--only", "Inconnue"])
    assert result.exit_code != 0
    assert "source inconnue du catalogue : « Inconnue »" in result.output


def test_collect_with_an_invalid_catalogue_fails(tmp_path: Path, cli_env: dict[str, str]) -> None:
    bad = tmp_path / "mauvais.toml"
    bad.write_text('[[feeds]]\nname = "Sans adresse"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["collect", "--sources", str(bad)])
    assert result.exit_code != 0
    assert "url : champ obligatoire manquant" in result.output


@pytest.mark.usefixtures("trained_model")
def test_collect_classifies_what_it_added_and_what_was_left(catalogue: Path) -> None:
    skipped = run("collect", "--only", "Bon flux", "--no-classify")
    assert skipped.exit_code == 0
    stats = json.loads(run("stats", "--json").output)
    assert stats["articles"]["total"] > 0 and stats["labelled_articles"] == 0
    again = run("collect", "--only", "Bon flux")
    assert again.exit_code == 0
    assert f"{stats['articles']['total']} article(s) classé(s)" in again.output
    labelled = json.loads(run("stats", "--json").output)["labelled_articles"]
    assert labelled > 0


def test_sources_health(catalogue: Path) -> None:
    run("collect", "--no-classify")
    result = run("sources", "health")
    assert result.exit_code == 0
    assert "Santé des sources" in result.output
    for expected in ("Flux absent", "en échec", "HTTP 404", "Bon flux", "ok"):
        assert expected in result.output


def test_collect_on_a_terminal_draws_a_progress_bar_then_the_summary(catalogue: Path) -> None:
    """On a terminal only: a timer's run (no terminal) does not even load the bar's library."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "veille", "collect", "--no-classify"],
        stdin=subprocess.DEVNULL, stdout=follower, stderr=follower,
        env=os.environ | {"COLUMNS": "120", "TERM": "xterm"},
    )  # fmt: skip
    os.close(follower)
    output = _read_all(leader)
    assert process.wait(timeout=60) == 0, output
    assert "Collecte" in output  # the bar, redrawn then erased
    assert "3 source(s) : 2 nouveau(x)" in output and "HTTP 404" in output


def _read_all(descriptor: int) -> str:
    chunks = []
    while True:
        try:
            chunk = os.read(descriptor, 65536)
        except OSError:  # the terminal's other end closed: the program ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(descriptor)
    return b"".join(chunks).decode("utf-8", "replace")
