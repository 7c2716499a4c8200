"""How ``veille collect`` ends: every source failed (exit 3), interrupted (exit 130)."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from werkzeug import Request, Response

from db.engine import make_engine, make_session_factory
from db.models import Article, Source
from tests.veille.conftest import data
from veille.cli import main

LOOPBACK = "127.0.0.0/8,::1/128"


def write_catalogue(path: Path, entries: dict[str, str]) -> None:
    path.write_text(
        "".join(f'[[feeds]]\nname = "{name}"\nurl = "{url}"\n' for name, url in entries.items()),
        encoding="utf-8",
    )


@pytest.fixture
def env(cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("VEILLE_ALLOW_PRIVATE_NETWORKS", LOOPBACK)
    monkeypatch.setenv("VEILLE_HTTP_TIMEOUT", "5s")
    monkeypatch.setenv("VEILLE_PARSE_WORKERS", "0")
    return cli_env


def test_every_source_failing_exits_3_and_names_the_likely_cause(
    env: dict[str, str], server: HTTPServer
) -> None:
    server.expect_request("/absent").respond_with_data("non", status=404)
    server.expect_request("/panne").respond_with_data("panne", status=503)
    write_catalogue(
        Path(env["VEILLE_SOURCES"]),
        {"Absent": server.url_for("/absent"), "En panne": server.url_for("/panne")},
    )
    result = CliRunner().invoke(main, ["collect", "--no-classify"])
    assert result.exit_code == 3, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Aucune source n'a pu être jointe")
    assert "HTTPS_PROXY" in last and "Internet" in last


def test_one_source_answering_is_enough_for_exit_0(env: dict[str, str], server: HTTPServer) -> None:
    server.expect_request("/absent").respond_with_data("non", status=404)
    server.expect_request("/flux").respond_with_data(
        data("feeds/rss2.xml"), content_type="application/rss+xml"
    )
    write_catalogue(
        Path(env["VEILLE_SOURCES"]),
        {"Absent": server.url_for("/absent"), "Bon": server.url_for("/flux")},
    )
    result = CliRunner().invoke(main, ["collect", "--no-classify"])
    assert result.exit_code == 0, result.output
    assert "Aucune source" not in result.output


def test_no_source_attempted_exits_0(env: dict[str, str]) -> None:
    Path(env["VEILLE_SOURCES"]).write_text(
        '[[feeds]]\nname = "Éteinte"\nurl = "https://exemple.invalid/f"\nenabled = false\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["collect", "--no-classify"])
    assert result.exit_code == 0, result.output


def test_sigterm_mid_collection_prints_what_was_done_and_exits_130(
    env: dict[str, str], server: HTTPServer, release: threading.Event
) -> None:
    entered = threading.Event()

    def hang(request: Request) -> Response:
        entered.set()
        release.wait(30)
        return Response("trop tard", status=200)

    server.expect_request("/flux").respond_with_data(
        data("feeds/rss2.xml"), content_type="application/rss+xml"
    )
    server.expect_request("/lent").respond_with_handler(hang)
    write_catalogue(
        Path(env["VEILLE_SOURCES"]),
        {"Rapide": server.url_for("/flux"), "Lent": server.url_for("/lent")},
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "veille", "collect", "--no-classify"],
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert entered.wait(60), "la source lente n'a jamais été relevée"
        wait_for_success(env["VEILLE_DATABASE_URL"], "Rapide")
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130, stdout + stderr
    assert "Traceback" not in stderr and "Aborted" not in stderr
    assert (
        stdout.strip()
        .splitlines()[-1]
        .startswith("Collecte interrompue : 1 source(s) traitée(s) sur 2")
    )
    assert "Rapide" in stdout and "Lent" not in stdout
    assert_consistent(env["VEILLE_DATABASE_URL"])


def wait_for_success(url: str, name: str) -> None:
    """Poll the database (bounded) until the source's pass is stored."""
    engine = make_engine(url)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            with make_session_factory(engine)() as session:
                stored = session.scalar(select(Source.last_success_at).where(Source.name == name))
            if stored is not None:
                return
            threading.Event().wait(0.05)
        raise AssertionError(f"{name} jamais enregistrée")
    finally:
        engine.dispose()


def assert_consistent(url: str) -> None:
    """No lease left behind; the finished source has its articles, the other none."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            sources = {s.name: s for s in session.scalars(select(Source))}
            assert all(source.lease_owner is None for source in sources.values())
            articles = session.scalars(select(Article)).all()
            assert {a.source_id for a in articles} == {sources["Rapide"].id}
            assert sources["Lent"].last_success_at is None
    finally:
        engine.dispose()
