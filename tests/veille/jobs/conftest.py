"""Fixtures of the job tests: a real SMTP server, a team, a scheduler stepped by hand."""

import dataclasses
import shutil
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy.orm import Session, sessionmaker

from db.models import User
from tests.newsletter.smtp_server import RecordingHandler
from veille.scheduler import VeilleScheduler, build_scheduler
from veille.settings import Settings

CURATOR = "curatrice@exemple.fr"


class SteppedScheduler(BaseScheduler):  # type: ignore[misc]
    """Runs due jobs only when told to, at the (travelled) current time."""

    def wakeup(self) -> None:
        pass

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)

    def step(self) -> None:
        self._process_jobs()


@pytest.fixture
def job_settings(
    settings: Settings, smtp: tuple[RecordingHandler, int], corpus_model: Path, tmp_path: Path
) -> Settings:
    models = tmp_path / "modeles-taches"
    shutil.copytree(corpus_model, models)
    return dataclasses.replace(
        settings,
        model_dir=str(models),
        smtp_host="127.0.0.1",
        smtp_port=smtp[1],
        smtp_rate=0.0,
        mail_from="Veille IA <veille@exemple.fr>",
        public_url="https://veille.exemple.fr",
    )


@pytest.fixture
def team(session_factory: sessionmaker[Session]) -> str:
    with session_factory() as session:
        session.add(User(email=CURATOR, role="curator", password_hash="x"))
        session.commit()
    return CURATOR


def stepped(
    settings: Settings, session_factory: sessionmaker[Session], sources: Path | None = None
) -> VeilleScheduler:
    scheduler = build_scheduler(
        settings, session_factory, sources_path=sources, start_now=False,
        scheduler_class=SteppedScheduler, executor=DebugExecutor(),
    )  # fmt: skip
    scheduler.start()
    return scheduler


def step(scheduler: VeilleScheduler) -> None:
    scheduler.scheduler.step()


def subjects(handler: RecordingHandler, to: str) -> list[str]:
    found = []
    for _from, recipients, data in handler.messages:
        if to in recipients:
            found.append(str(message_from_bytes(data, policy=policy.default)["Subject"]))
    return found


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text + "+00:00")
