"""A worker process for the split-mode test: its own engine, the shared job store, one step."""

from datetime import datetime
from typing import Any

import time_machine

from db.engine import make_engine, make_session_factory
from tests.veille.jobs.conftest import step, stepped
from veille.settings import Settings


def work(settings: Settings, moment: datetime, barrier: Any) -> None:
    engine = make_engine(settings.database_url)
    try:
        with time_machine.travel(moment, tick=False):
            scheduler = stepped(settings, make_session_factory(engine))
            barrier.wait(60)
            step(scheduler)
            scheduler.shutdown(wait=False)
    finally:
        engine.dispose()


def run_once(settings: Settings, moment: datetime, barrier: Any, results: Any) -> None:
    """Run the « brouillon » job for the slot of ``moment``; report whether it ran here."""
    from pathlib import Path

    from veille.jobs.base import JobContext
    from veille.jobs.runner import run_job

    engine = make_engine(settings.database_url)
    try:
        context = JobContext(settings, make_session_factory(engine), Path(settings.sources))
        barrier.wait(60)
        results.put(run_job(context, "brouillon", now=moment) is not None)
    finally:
        engine.dispose()
