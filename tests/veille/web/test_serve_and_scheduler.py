"""``veille serve`` refusals, the scheduler's collection job, the offline demonstration."""

import logging
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from db.models import Article, Edition, Label, PageChange
from newsletter.weeks import date_fr as email_date
from tests.veille.web.conftest import Client, open_client
from veille.cli import main
from veille.deadlines.wording import date_fr
from veille.demo.builder import FILES, build_demo, render
from veille.jobs.collecting import collect_due_sources
from veille.scheduler import COLLECT_JOB, SENDS_JOB, build_scheduler
from veille.settings import Settings
from veille.web.app import create_app


def test_serve_refuses_to_start_without_a_secret_key(
    cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VEILLE_SECRET_KEY")
    result = CliRunner().invoke(main, ["serve", "--no-scheduler"])
    assert result.exit_code == 1
    assert "VEILLE_SECRET_KEY n'est pas définie" in result.output


def test_serve_refuses_a_port_already_taken(cli_env: dict[str, str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--no-scheduler", "--port", str(port)])
    assert result.exit_code == 1
    assert f"le port {port} est déjà utilisé" in result.output


def test_web_alone_also_refuses_to_start_without_a_secret_key(
    cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VEILLE_SECRET_KEY")
    result = CliRunner().invoke(main, ["web"])
    assert result.exit_code == 1
    assert "VEILLE_SECRET_KEY n'est pas définie" in result.output


def test_demo_refuses_a_port_already_taken() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["demo", "--port", str(port)])
    assert result.exit_code == 1
    assert f"le port {port} est déjà utilisé" in result.output


def test_scheduler_keeps_every_job_in_the_database_with_its_schedule(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    scheduler = build_scheduler(settings, session_factory, start_now=False)
    scheduler.start()
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)
    assert set(jobs) == {
        COLLECT_JOB, "classement", "reentrainement", "rappel", "brouillon", "envoi", SENDS_JOB
    }  # fmt: skip
    assert jobs[SENDS_JOB].trigger.interval == timedelta(minutes=1)  # programmed sends
    assert jobs[COLLECT_JOB].trigger.interval == timedelta(minutes=15)
    send = jobs["envoi"].next_run_time
    assert (send.weekday(), send.hour, send.minute) == (0, 8, 0)  # Monday 08:00, Paris time
    again = build_scheduler(settings, session_factory, start_now=False)
    again.start()
    try:
        assert again.get_jobs()[0].next_run_time is not None
        assert {job.id: job.next_run_time for job in again.get_jobs()}["envoi"] == send
    finally:
        again.shutdown(wait=False)


def _serve_feed(httpserver: HTTPServer) -> str:
    now = datetime.now(UTC)
    body = render(
        (FILES / "fil-collectivites.xml").read_text(encoding="utf-8"),
        httpserver.url_for("").rstrip("/"),
        now - timedelta(days=2),
        now,
    )
    httpserver.expect_request("/flux.xml").respond_with_data(
        body, content_type="application/rss+xml"
    )
    return httpserver.url_for("/flux.xml")


@pytest.mark.usefixtures("trained_model")
def test_collection_job_collects_due_sources_once(
    settings: Settings,
    session_factory: sessionmaker[Session],
    httpserver: HTTPServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    catalogue = tmp_path / "sources.toml"
    catalogue.write_text(f'[[feeds]]\nname = "Fil"\nurl = "{_serve_feed(httpserver)}"\n', "utf-8")
    caplog.set_level(logging.INFO, logger="veille.jobs.collecting")
    first = collect_due_sources(settings, session_factory, catalogue)
    assert len(first) == 5
    assert collect_due_sources(settings, session_factory, catalogue) == []  # not due again
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 5
    assert "5 nouvel(s) article(s)" in caplog.text


def test_collection_job_survives_a_broken_catalogue(
    settings: Settings,
    session_factory: sessionmaker[Session],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    catalogue = tmp_path / "sources.toml"
    catalogue.write_text("[[feeds]]\nname = \n", "utf-8")
    assert collect_due_sources(settings, session_factory, catalogue) == []
    assert "collecte planifiée impossible" in caplog.text
    assert "sources.toml" in caplog.text


def _assert_demo_deadlines(client: Client, week: str) -> None:
    """The demo regulation's second version moved one date: page, calendar, email show it."""
    today = datetime.now(UTC).date()
    moved, before = today + timedelta(days=160), today + timedelta(days=40)
    page = client.get("/echeances").text
    assert f"{moved:%d/%m/%Y}" in page and f"avant : {before:%d/%m/%Y}" in page
    calendar = Calendar.from_ical(client.get("/echeances.ics").content)
    events = calendar.walk("VEVENT")
    sequences = {event.decoded("dtstart"): int(event["sequence"]) for event in events}
    assert sequences[moved] == 1 and before not in sequences and len(sequences) == 4
    email = client.get(f"/edition/apercu?week={week}").text
    assert "Échéances à venir" in email and f"auparavant le {email_date(before)}" in email
    changes = client.get(f"/?week={week}&kind=regulation_update").text
    assert f"Article 12 : {date_fr(before)} → {date_fr(moved)}" in changes


def test_demo_is_built_offline_and_ready_to_log_in(tmp_path: Path, trained_model: Path) -> None:
    """The corpus model is already in the demo's folder (training it is tested elsewhere)."""
    demo = build_demo(tmp_path, port=8000)
    assert Path(demo.settings.model_dir) == trained_model
    try:
        with demo.session_factory() as session:
            primaries = select(func.count()).where(Article.duplicate_of_id.is_(None))
            assert session.scalar(primaries.select_from(Article)) == 14
            assert session.scalar(select(func.count()).select_from(PageChange)) == 2
            assert session.scalar(select(func.count()).select_from(Label)) > 0  # classified
            edition = session.scalar(select(Edition))
            assert edition is not None
            assert (edition.week, edition.status) == (demo.week, "draft")
            assert {item.section for item in edition.items} == {
                "juridique", "ethique", "technique", "reglementation"
            }  # fmt: skip
        with open_client(create_app(demo.settings, demo.session_factory)) as client:
            client.login(demo.email, demo.password)
            inbox = client.get("/")
            assert inbox.status_code == 200
            assert "Aussi publié par 1 autre source" in inbox.text
            assert "Observatoire de l&#39;IA publique (démo)" in inbox.text
            _assert_demo_deadlines(client, demo.week)
    finally:
        demo.feed_server.stop()
