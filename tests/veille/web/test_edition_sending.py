"""« Envoyer l'édition » from the web: now or at a time, progress and report, and never twice
(two requests at once, or a request and the scheduler), through a real SMTP server."""

import dataclasses
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from db.models import Delivery, Edition, EditionSend, Subscriber
from tests.newsletter.smtp_server import RecordingHandler
from tests.veille.web.conftest import ADMIN_EMAIL, WEEK, Client, open_client
from tests.veille.web.test_edition_preview import EDITION
from tests.veille.web.test_edition_preview import select as select_article
from veille.jobs.base import JobContext
from veille.jobs.sending import run_due
from veille.settings import Settings
from veille.web.app import create_app

SEND = f"/edition/envoi?week={WEEK}"
READERS = ["agent.un@grandreims.fr", "agent.deux@grandreims.fr", "referente@grandreims.fr"]


@pytest.fixture
def mail_settings(settings: Settings, smtp: tuple[RecordingHandler, int]) -> Settings:
    return dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=smtp[1], smtp_rate=0)


@pytest.fixture
def app(mail_settings: Settings, session_factory: sessionmaker[Session]) -> FastAPI:
    return create_app(mail_settings, session_factory)


@pytest.fixture
def readers(session_factory: sessionmaker[Session]) -> list[str]:
    with session_scope(session_factory) as session:
        for email in READERS:
            session.add(Subscriber(email=email, status="active", themes=[], jobs=[]))
    return READERS


@pytest.fixture
def published(curator: Client, week_articles: dict[str, int], readers: list[str]) -> Client:
    """The week's edition, published by the curator, with three readers subscribed."""
    select_article(curator, week_articles["story"], "juridique")
    answer = curator.form("/edition/publish", {"week": WEEK, "confirmed": "oui"}, page=EDITION)
    assert answer.status_code == 303
    return curator


def send_now(client: Client) -> str:
    """Post « Envoyer maintenant » and return the flash the page then shows."""
    form = {"week": WEEK, "confirmed": "oui", "moment": "maintenant"}
    assert client.form("/edition/envoi", form, page=SEND).status_code == 303
    return unescape(client.get(SEND).text)


def sent_rows(session_factory: sessionmaker[Session]) -> int:
    with session_factory() as session:
        query = select(func.count()).select_from(Delivery).where(Delivery.status == "sent")
        return int(session.scalar(query) or 0)


def test_send_now_delivers_once_then_shows_the_report(
    published: Client, smtp: tuple[RecordingHandler, int]
) -> None:
    handler = smtp[0]
    before = unescape(published.get(SEND).text)
    assert "La lettre partira vers 3 abonnés actifs" in before
    page = send_now(published)
    assert sorted(handler.recipients()) == sorted(READERS)
    assert "Envoi de l'édition 2026-W20 lancé." in page
    assert "Rapport d'envoi" in page and "<dt>Envoyés</dt><dd>3</dd>" in page
    assert "Confirmer : envoyer maintenant" not in page
    state = published.get(f"/edition/envoi/etat?week={WEEK}").json()
    assert state == {"status": "done", "finished": True, "done": 3, "total": 3}
    again = send_now(published)  # a reload of the form, or a second tab
    assert "Rien à envoyer" in again
    assert len(handler.messages) == 3


def test_a_refused_address_is_reported_with_its_reason_and_can_be_retried(
    published: Client, smtp: tuple[RecordingHandler, int]
) -> None:
    handler = smtp[0]
    handler.reject[READERS[0]] = "450 4.2.1 Boîte momentanément pleine"
    page = send_now(published)
    assert "<dt>Envoyés</dt><dd>2</dd>" in page
    assert f"{READERS[0]} (à réessayer) : 450" in page
    assert "Relancer l'envoi" in page
    handler.reject.clear()
    retried = send_now(published)
    assert "<dt>Envoyés</dt><dd>1</dd>" in retried
    assert "<dt>Déjà envoyés avant</dt><dd>2</dd>" in retried
    assert sorted(handler.recipients()) == sorted(READERS)


def test_a_draft_is_not_sent(
    curator: Client, week_articles: dict[str, int], readers: list[str],
    smtp: tuple[RecordingHandler, int],
) -> None:  # fmt: skip
    select_article(curator, week_articles["story"], "juridique")
    page = unescape(curator.get(SEND).text)
    assert "n'est pas publiée : publiez-la avant de l'envoyer" in page
    assert "Rien à envoyer" in send_now(curator)
    assert smtp[0].messages == []


def paris(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("Europe/Paris")).strftime("%Y-%m-%dT%H:%M")


def test_a_programmed_send_leaves_when_the_scheduler_finds_it_due(
    published: Client,
    smtp: tuple[RecordingHandler, int],
    mail_settings: Settings,
    session_factory: sessionmaker[Session],
) -> None:
    due = (datetime.now(UTC) + timedelta(days=2)).replace(second=0, microsecond=0)
    form = {"week": WEEK, "confirmed": "oui", "moment": "programmer", "when": paris(due)}
    assert published.form("/edition/envoi", form, page=SEND).status_code == 303
    page = unescape(published.get(SEND).text)
    shown = due.astimezone(ZoneInfo("Europe/Paris")).strftime("%d/%m/%Y %H:%M")
    assert f"L'édition partira le {shown} (heure de Paris)" in page
    context = JobContext(mail_settings, session_factory, Path(mail_settings.sources), "worker")
    assert run_due(context, due - timedelta(minutes=1)) == 0
    assert smtp[0].messages == []
    assert run_due(context, due + timedelta(seconds=30)) == 1
    assert sorted(smtp[0].recipients()) == sorted(READERS)
    assert run_due(context, due + timedelta(minutes=2)) == 0


def test_a_time_already_past_is_refused_and_a_programmed_send_can_be_cancelled(
    published: Client, smtp: tuple[RecordingHandler, int]
) -> None:
    past = paris(datetime.now(UTC) - timedelta(hours=1))
    form = {"week": WEEK, "confirmed": "oui", "moment": "programmer", "when": past}
    published.form("/edition/envoi", form, page=SEND)
    assert "Indiquez une date et une heure à venir" in unescape(published.get(SEND).text)
    later = paris(datetime.now(UTC) + timedelta(days=1))
    published.form("/edition/envoi", {**form, "when": later}, page=SEND)
    assert "Envoi programmé" in unescape(published.get(SEND).text)
    published.form("/edition/envoi/annuler", {"week": WEEK}, page=SEND)
    page = unescape(published.get(SEND).text)
    assert "Envoi programmé annulé." in page and "Confirmer : programmer l'envoi" in page


def test_sending_needs_a_signed_in_team_member_and_a_token(
    client: Client, accounts: dict[str, str], smtp: tuple[RecordingHandler, int]
) -> None:
    assert client.get(SEND).status_code == 303
    assert client.get(f"/edition/envoi/etat?week={WEEK}").status_code == 303
    client.login(email=ADMIN_EMAIL)  # an administrator may send too
    assert client.get(SEND).status_code == 200
    data = {"week": WEEK, "confirmed": "oui", "moment": "maintenant"}
    assert client.post("/edition/envoi", data=data).status_code == 403
    assert client.post("/edition/envoi/annuler", data={"week": WEEK}).status_code == 403
    assert smtp[0].messages == []


def race(*actions: Callable[[], object]) -> None:
    """Run the actions at the same instant, each in its own thread."""
    barrier = threading.Barrier(len(actions))
    errors: list[BaseException] = []

    def run(action: Callable[[], object]) -> None:
        barrier.wait()
        try:
            action()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


def test_two_send_requests_at_once_deliver_each_email_once(
    published: Client,
    app: FastAPI,
    accounts: dict[str, str],
    smtp: tuple[RecordingHandler, int],
    session_factory: sessionmaker[Session],
) -> None:
    with open_client(app, "192.0.2.11") as other:
        other.login(email=ADMIN_EMAIL)
        race(lambda: send_now(published), lambda: send_now(other))
    assert sorted(smtp[0].recipients()) == sorted(READERS)
    assert sent_rows(session_factory) == 3


def test_a_send_request_and_the_scheduler_at_once_deliver_each_email_once(
    published: Client,
    mail_settings: Settings,
    smtp: tuple[RecordingHandler, int],
    session_factory: sessionmaker[Session],
) -> None:
    due = datetime.now(UTC) + timedelta(hours=1)
    form = {"week": WEEK, "confirmed": "oui", "moment": "programmer", "when": paris(due)}
    published.form("/edition/envoi", form, page=SEND)
    context = JobContext(mail_settings, session_factory, Path(mail_settings.sources), "worker")
    race(lambda: send_now(published), lambda: run_due(context, due + timedelta(minutes=1)))
    assert sorted(smtp[0].recipients()) == sorted(READERS)
    assert sent_rows(session_factory) == 3


def test_a_running_send_is_not_started_again_unless_its_process_died(
    published: Client, smtp: tuple[RecordingHandler, int], session_factory: sessionmaker[Session]
) -> None:
    with session_scope(session_factory) as session:
        edition = session.scalars(select(Edition).where(Edition.week == WEEK)).one()
        session.add(EditionSend(edition_id=edition.id, status="running", due_at=datetime.now(UTC),
                                started_at=datetime.now(UTC), requested_by=READERS[0]))  # fmt: skip
    page = send_now(published)  # a second click while another process sends
    assert "Envoi en cours" in page and "Confirmer : envoyer maintenant" not in page
    assert smtp[0].messages == []
    with session_scope(session_factory) as session:
        row = session.scalars(select(EditionSend)).one()
        row.started_at = datetime.now(UTC) - timedelta(hours=7)  # its process died long ago
    assert "Confirmer : envoyer maintenant" in unescape(published.get(SEND).text)
    assert "<dt>Envoyés</dt><dd>3</dd>" in send_now(published)
    assert sorted(smtp[0].recipients()) == sorted(READERS)
