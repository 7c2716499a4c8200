"""``veille deadlines``: the obligations of the watched pages, for people and for scripts."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from tests.veille.conftest import data
from veille.cli import main

HTML = "text/html; charset=utf-8"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def serve(server: HTTPServer, page: str) -> None:
    server.clear()
    server.expect_request("/ai-act").respond_with_data(data(f"pages/{page}"), content_type=HTML)


@pytest.fixture
def collected(cli_env: dict[str, str], server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> str:
    """The AI Act page collected, then its amended copy."""
    monkeypatch.setenv("VEILLE_HTTP_TIMEOUT", "1s")
    monkeypatch.setenv("VEILLE_ALLOW_PRIVATE_NETWORKS", "127.0.0.0/8,::1/128")
    url = server.url_for("/ai-act")
    Path(cli_env["VEILLE_SOURCES"]).write_text(
        f'[[pages]]\nname = "AI Act"\nurl = "{url}"\n', encoding="utf-8"
    )
    for page in ("eurlex-ai-act-fr.html", "eurlex-ai-act-fr-modifie.html"):
        serve(server, page)
        assert run("collect", "--no-classify").exit_code == 0
    return url


def records(*args: str) -> list[dict[str, object]]:
    result = run("deadlines", "--json", *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_json_gives_one_object_per_obligation_with_the_contract_fields(collected: str) -> None:
    found = records()
    assert [(r["date"], r["status"]) for r in found] == [
        ("2025-02-02", "active"),
        ("2025-08-02", "active"),
        ("2026-08-02", "superseded"),
        ("2027-08-02", "active"),
        ("2027-12-02", "active"),
    ]
    moved = found[-1]
    assert moved["text"] == "Il est applicable à partir du 2 décembre 2027."
    assert moved["reference"] == "Article 113" and moved["source"] == collected
    assert moved["confirmed"] is False and moved["previous_date"] == "2026-08-02"
    assert {"date", "text", "reference", "source", "status", "confirmed"} <= set(moved)


def test_within_keeps_the_coming_dates_and_status_filters(collected: str) -> None:
    coming = records("--within", "180d", "--from", "2027-06-01")
    assert [r["date"] for r in coming] == ["2027-08-02"]
    assert [r["date"] for r in records("--within", "1j", "--from", "2027-12-02")] == ["2027-12-02"]
    assert [r["date"] for r in records("--status", "superseded")] == ["2026-08-02"]


def test_table_for_people_and_a_clear_error_for_a_bad_duration(collected: str) -> None:
    table = run("deadlines")
    assert "Article 113" in table.output and "remplacée" in table.output
    bad = CliRunner().invoke(main, ["deadlines", "--within", "bientôt"])
    assert bad.exit_code == 2 and "durée invalide" in bad.output


def test_no_obligation_yet(cli_env: dict[str, str]) -> None:
    assert run("deadlines").output.strip() == "Aucune échéance."
    assert run("deadlines", "--json").output == ""
