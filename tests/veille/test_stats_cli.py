"""``veille stats`` agrees with ``sources health``; French for people, English JSON keys."""

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from tests.veille.conftest import data
from veille.cli import main

SOURCE_KEYS = {"total", "ok", "failing", "broken", "selector_lost", "disabled", "never_fetched"}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def collected(cli_env: dict[str, str], server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two sources fail, one answers, one was never collected."""
    monkeypatch.setenv("VEILLE_ALLOW_PRIVATE_NETWORKS", "127.0.0.0/8,::1/128")
    server.expect_request("/flux").respond_with_data(
        data("feeds/rss2.xml"), content_type="application/rss+xml"
    )
    server.expect_request("/absent").respond_with_data("non", status=404)
    server.expect_request("/panne").respond_with_data("panne", status=500)
    entries = {"Bon": "/flux", "Absent": "/absent", "En panne": "/panne", "Plus tard": "/x"}
    Path(cli_env["VEILLE_SOURCES"]).write_text(
        "".join(
            f'[[feeds]]\nname = "{name}"\nurl = "{server.url_for(path)}"\n'
            for name, path in entries.items()
        ),
        encoding="utf-8",
    )
    for name in ("Bon", "Absent", "En panne"):
        run("collect", "--no-classify", "--only", name)


def test_stats_counts_sources_as_sources_health_does(collected: None) -> None:
    counts = json.loads(run("stats", "--json").output)["sources"]
    assert set(counts) == SOURCE_KEYS
    assert counts == {
        "total": 4, "ok": 1, "failing": 2, "broken": 0, "selector_lost": 0,
        "disabled": 0, "never_fetched": 1,
    }  # fmt: skip
    health = run("sources", "health").output
    statuses = Counter(
        word for line in health.splitlines() for word in ("en échec", "jamais collectée")
        if word in line
    )  # fmt: skip
    assert statuses == {"en échec": 2, "jamais collectée": 1}


def test_stats_speaks_french_to_people(collected: None) -> None:
    output = run("stats").output
    assert "en échec : 2" in output and "jamais collectées : 1" in output
    for english in ("failing", "never_fetched", "by_kind", "by_status", "regulation_update"):
        assert english not in output


def test_stats_json_keeps_its_english_keys(collected: None) -> None:
    counts = json.loads(run("stats", "--json").output)
    assert set(counts) == {
        "sources", "articles", "duplicates_merged", "labelled_articles", "page_changes",
        "editions", "subscribers", "deliveries",
    }  # fmt: skip
    assert counts["articles"]["total"] > 0 and "by_kind" in counts["articles"]
