"""A send more than a day late waits; a team member gives the go-ahead on « Envoi »."""

import dataclasses
from pathlib import Path

import time_machine
from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from db.repos.users import add_or_update
from tests.newsletter.smtp_server import RecordingHandler
from tests.veille.jobs.test_weekly_cycle import READERS, readers_and_week
from tests.veille.web.conftest import PASSWORD, open_client
from veille.auth import hash_password
from veille.jobs.base import JobContext
from veille.jobs.runner import run_job
from veille.settings import Settings
from veille.web.app import create_app

CURATOR = "equipe@exemple.fr"


def test_a_curator_gives_the_go_ahead_for_a_late_send(
    job_settings: Settings,
    session_factory: sessionmaker[Session],
    smtp: tuple[RecordingHandler, int],
) -> None:
    handler = smtp[0]
    job_settings = dataclasses.replace(job_settings, public_url="http://127.0.0.1:8000")
    readers_and_week(session_factory, published=True)
    with session_scope(session_factory) as session:
        add_or_update(session, CURATOR, "curator", hash_password(PASSWORD))
    context = JobContext(job_settings, session_factory, Path(job_settings.sources))
    with time_machine.travel("2026-12-01T10:00:00+00:00"):  # Monday's send: 27 hours late
        held = run_job(context, "envoi")
        assert held is not None and held.ok is None
        assert handler.recipients() == [CURATOR]  # told, with the link
        with open_client(create_app(job_settings, session_factory)) as client:
            client.form("/login", {"email": CURATOR, "password": PASSWORD}, page="/login")
            page = client.get("/envoi").text
            assert "Envoyer maintenant" in page
            response = client.form("/envoi", {}, page="/envoi")
            assert response.status_code == 303
            after = client.get("/envoi").text
            assert "2 message(s) envoyé(s)" in after and "Envoyer maintenant" not in after
            again = client.form("/envoi", {}, page="/envoi")
            assert again.status_code == 303
            assert "Aucun envoi n&#39;attend d&#39;accord." in client.get("/envoi").text
    assert sorted(r for r in handler.recipients() if r != CURATOR) == sorted(READERS)
