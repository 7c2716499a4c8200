"""The week runs by itself: jobs fire at their times under a travelled clock (no sleeps).

Week 2026-W48 (23–29 November 2026), Europe/Paris (UTC+1): reminder Thursday
10:00 (09:00 UTC), automatic draft Friday 10:00, send Monday 30 at 08:00
(07:00 UTC).
"""

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from db.models import Edition
from db.repos.jobs import runs_of
from tests.newsletter.factories import WEEK, article, sample_week, source, subscriber
from tests.newsletter.smtp_server import RecordingHandler
from tests.veille.jobs.conftest import CURATOR, step, stepped, subjects, utc
from veille.jobs.base import JobContext
from veille.jobs.runner import run_job
from veille.settings import Settings

READERS = ("agent1@exemple.fr", "agent2@exemple.fr")


def runs(session_factory: sessionmaker[Session], job_id: str) -> list[tuple[bool | None, str]]:
    with session_scope(session_factory) as session:
        return [(run.ok, run.outcome) for run in runs_of(session, job_id)]


def edition_status(session_factory: sessionmaker[Session], week: str = WEEK) -> str | None:
    with session_factory() as session:
        return session.scalar(select(Edition.status).where(Edition.week == week))


def readers_and_week(session_factory: sessionmaker[Session], *, published: bool) -> None:
    with session_factory() as session:
        sample_week(session)
        for email in READERS:
            subscriber(session, email)
        if published:
            edition = session.scalar(select(Edition).where(Edition.week == WEEK))
            assert edition is not None
            edition.status, edition.published_at = "published", datetime(2026, 11, 27, tzinfo=UTC)
        session.commit()


def test_reminder_draft_and_notice_fire_at_their_times(
    job_settings: Settings,
    session_factory: sessionmaker[Session],
    team: str,
    smtp: tuple[RecordingHandler, int],
) -> None:
    handler = smtp[0]
    with time_machine.travel(utc("2026-11-25T12:00:00"), tick=False) as clock:
        scheduler = stepped(job_settings, session_factory)
        try:
            clock.move_to(utc("2026-11-26T08:59:00"))
            step(scheduler)
            assert runs(session_factory, "rappel") == []
            clock.move_to(utc("2026-11-26T09:00:01"))
            step(scheduler)
            assert subjects(handler, CURATOR) == [
                f"Rappel : aucun article choisi pour l'édition {WEEK}"
            ]
            assert runs(session_factory, "brouillon") == []
            clock.move_to(utc("2026-11-27T09:00:01"))
            step(scheduler)
            assert len(runs(session_factory, "brouillon")) == 1
            clock.move_to(utc("2026-11-30T06:59:00"))
            step(scheduler)
            assert runs(session_factory, "envoi") == []
            clock.move_to(utc("2026-11-30T07:00:01"))
            step(scheduler)
        finally:
            scheduler.shutdown(wait=False)
    [(ok, outcome)] = runs(session_factory, "envoi")
    assert ok is None and "non publiée" in outcome
    assert subjects(handler, CURATOR)[-1] == f"Édition {WEEK} non envoyée : rien n'a été publié"
    assert len(runs(session_factory, "rappel")) == 1  # once, not at every step


@pytest.mark.parametrize("published", [True, False], ids=["publiée", "brouillon"])
def test_the_published_edition_leaves_on_monday_a_draft_never(
    published: bool,
    job_settings: Settings,
    session_factory: sessionmaker[Session],
    team: str,
    smtp: tuple[RecordingHandler, int],
) -> None:
    handler = smtp[0]
    readers_and_week(session_factory, published=published)
    with time_machine.travel(utc("2026-11-29T12:00:00"), tick=False) as clock:
        scheduler = stepped(job_settings, session_factory)
        try:
            clock.move_to(utc("2026-11-30T06:59:59"))
            step(scheduler)
            assert handler.recipients() == []
            clock.move_to(utc("2026-11-30T07:00:01"))
            step(scheduler)
        finally:
            scheduler.shutdown(wait=False)
    if published:
        assert sorted(handler.recipients()) == sorted(READERS)
        assert edition_status(session_factory) == "sent"
    else:
        assert handler.recipients() == [CURATOR]
        assert edition_status(session_factory) == "draft"


@pytest.mark.parametrize("policy", ["notify", "auto"])
def test_send_unpublished_auto_sends_the_automatic_draft(
    policy: str,
    job_settings: Settings,
    session_factory: sessionmaker[Session],
    team: str,
    smtp: tuple[RecordingHandler, int],
) -> None:
    handler = smtp[0]
    with session_factory() as session:
        src = source(session)
        for n in range(3):
            article(session, src, f"Article {n}", {"juridique": 0.9}, relevance=0.9 - n / 10)
        for email in READERS:
            subscriber(session, email)
        session.commit()
    settings = dataclasses.replace(job_settings, send_unpublished=policy)
    with time_machine.travel(utc("2026-11-27T08:00:00"), tick=False) as clock:
        scheduler = stepped(settings, session_factory)
        try:
            clock.move_to(utc("2026-11-27T09:00:01"))
            step(scheduler)
            assert (
                "sélection automatique de 3 article(s)" in runs(session_factory, "brouillon")[0][1]
            )
            clock.move_to(utc("2026-11-30T07:00:01"))
            step(scheduler)
        finally:
            scheduler.shutdown(wait=False)
    if policy == "auto":
        assert sorted(handler.recipients()) == sorted(READERS)
    else:
        assert handler.recipients() == [CURATOR]


def test_a_restart_after_two_missed_mondays_sends_nothing_without_a_go_ahead(
    job_settings: Settings,
    session_factory: sessionmaker[Session],
    team: str,
    smtp: tuple[RecordingHandler, int],
) -> None:
    handler = smtp[0]
    readers_and_week(session_factory, published=True)
    with time_machine.travel(utc("2026-11-29T12:00:00"), tick=False) as clock:
        stepped(job_settings, session_factory).shutdown(wait=False)  # then the server is down
        clock.move_to(utc("2026-12-09T12:00:00"))  # missed: Monday 30/11 and Monday 7/12
        scheduler = stepped(job_settings, session_factory)
        try:
            step(scheduler)
            step(scheduler)
        finally:
            scheduler.shutdown(wait=False)
    [(ok, outcome)] = runs(session_factory, "envoi")  # once, not once per missed Monday
    assert ok is None and "en attente d'un accord" in outcome
    assert READERS[0] not in handler.recipients()
    assert subjects(handler, CURATOR) == ["Envoi de l'édition 2026-W49 en attente de votre accord"]


def test_a_send_a_day_late_waits_then_leaves_once_on_the_go_ahead(
    job_settings: Settings,
    session_factory: sessionmaker[Session],
    team: str,
    smtp: tuple[RecordingHandler, int],
) -> None:
    handler = smtp[0]
    readers_and_week(session_factory, published=True)
    with time_machine.travel(utc("2026-11-29T12:00:00"), tick=False) as clock:
        stepped(job_settings, session_factory).shutdown(wait=False)
        clock.move_to(utc("2026-12-01T09:00:00"))  # Monday's send is 26 hours late
        scheduler = stepped(job_settings, session_factory)
        try:
            step(scheduler)
        finally:
            scheduler.shutdown(wait=False)
        assert READERS[0] not in handler.recipients()
        context = JobContext(job_settings, session_factory, Path(job_settings.sources))
        go_ahead = run_job(context, "envoi", manual=True)
        assert go_ahead is not None and "2 message(s) envoyé(s)" in go_ahead.text
        clock.shift(60)
        again = run_job(context, "envoi", manual=True)
        assert again is not None and "déjà envoyée" in again.text
    assert sorted(r for r in handler.recipients() if r != CURATOR) == sorted(READERS)
