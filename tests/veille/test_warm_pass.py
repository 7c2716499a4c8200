"""The pass where nothing changed stays short: what it loads, what it prints."""

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from tests.veille.conftest import data
from veille.cli import main

PROBE = """
import sys
from veille.cli import main
try:
    main(["collect", "--no-classify"])
except SystemExit as end:
    assert not end.code, end.code
unused = sys.argv[1].split(",")
heavy = sorted(name for name in unused if name in sys.modules)
print("chargés :", ",".join(heavy))
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def catalogue(cli_env: dict[str, str], server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VEILLE_ALLOW_PRIVATE_NETWORKS", "127.0.0.0/8,::1/128")
    monkeypatch.setenv("VEILLE_HTTP_TIMEOUT", "2s")
    body = data("feeds/rss2.xml")
    server.expect_request("/flux").respond_with_data(
        body, content_type="application/rss+xml", headers={"ETag": '"v1"'}
    )
    server.expect_request("/absent").respond_with_data("non", status=404)
    path = Path(cli_env["VEILLE_SOURCES"])
    path.write_text(
        f"""
[[feeds]]
name = "Flux stable"
url = "{server.url_for("/flux")}"
hints = ["juridique"]
[[feeds]]
name = "Flux absent"
url = "{server.url_for("/absent")}"
""",
        encoding="utf-8",
    )
    return path


def test_collect_without_classification_never_loads_scikit_learn(catalogue: Path) -> None:
    """Label ids in ``hints`` are checked against taxonomy.toml, not through the model.

    Nor does a pass of feeds load the deadlines code of watched pages (icalendar,
    babel) or, in the main process, the feed parser (the parsing worker has it).
    """
    run("collect", "--no-classify")  # the schema is created: the probe only reads it
    unused = "sklearn,scipy,alembic,icalendar,babel,lxml,feedparser"
    done = subprocess.run([sys.executable, "-c", PROBE, unused], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("chargés :"), done.stdout


def test_a_pass_where_every_feed_answers_304_loads_neither_the_orm_nor_rich(
    catalogue: Path, server: HTTPServer
) -> None:
    """304s, leases and the catalogue check are Core statements on the sources table
    (``db.tables``); with nothing to draw on a pipe, rich stays unloaded, and httpx's
    command-line client (which would bring rich and pygments) is never imported."""
    catalogue.write_text(
        catalogue.read_text(encoding="utf-8").split('[[feeds]]\nname = "Flux absent"')[0],
        encoding="utf-8",
    )
    assert run("collect", "--no-classify").exit_code == 0
    server.clear()
    server.expect_request("/flux", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304, headers={"ETag": '"v1"'}
    )
    unused = "sqlalchemy.orm,db.models,rich,pygments,sklearn,feedparser"
    done = subprocess.run([sys.executable, "-c", PROBE, unused], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[-2] == (
        "1 source(s) : 0 nouveau(x), 0 mis à jour, 0 doublon(s), 1 inchangée(s) (304), 0 en échec."
    )
    assert lines[-1] == "chargés :"


def test_unknown_hint_is_still_refused(catalogue: Path) -> None:
    catalogue.write_text(
        catalogue.read_text(encoding="utf-8").replace("juridique", "inexistant"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["collect", "--no-classify"])
    assert result.exit_code != 0
    assert "hints : identifiant inconnu 'inexistant'" in result.output


def test_the_table_lists_only_what_changed_or_failed_unless_verbose(
    catalogue: Path, server: HTTPServer
) -> None:
    first = run("collect", "--no-classify")
    assert "Flux stable" in first.output and "Flux absent" in first.output
    server.clear()
    server.expect_request("/flux", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304, headers={"ETag": '"v1"'}
    )
    server.expect_request("/absent").respond_with_data("non", status=404)
    quiet = run("collect", "--no-classify")
    assert "Flux absent" in quiet.output and "HTTP 404" in quiet.output
    assert "Flux stable" not in quiet.output
    assert quiet.output.strip().splitlines()[-1] == (
        "2 source(s) : 0 nouveau(x), 0 mis à jour, 0 doublon(s), 1 inchangée(s) (304), 1 en échec."
    )
    verbose = run("collect", "--no-classify", "--verbose")
    assert "Flux stable" in verbose.output and "inchangée" in verbose.output


def test_label_ids_read_from_the_file_are_the_taxonomys() -> None:
    from classement.taxonomy import load_taxonomy
    from veille.labels import known_label_ids

    assert known_label_ids() == frozenset(load_taxonomy().ids)
