"""Split mode: two worker processes on one database run each job once per slot."""

import multiprocessing
import os
import signal
import subprocess
import sys
from collections import Counter

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.models import JobRun
from tests.veille.jobs.conftest import stepped, utc
from tests.veille.jobs.workers import run_once, work
from veille.jobs.schedule import JOBS
from veille.settings import Settings


def test_two_workers_run_each_job_once(
    job_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    with time_machine.travel(utc("2026-11-25T12:00:00"), tick=False):
        stepped(job_settings, session_factory).shutdown(wait=False)  # the schedule, stored
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(2)
    monday = utc("2026-11-30T07:00:01")  # every job is due: the whole week went by
    workers = [spawn.Process(target=work, args=(job_settings, monday, barrier)) for _ in "ab"]
    for process in workers:
        process.start()
    for process in workers:
        process.join(120)
    assert [process.exitcode for process in workers] == [0, 0]
    with session_factory() as session:
        runs = session.scalars(select(JobRun)).all()
    assert Counter(run.job_id for run in runs) == dict.fromkeys(JOBS, 1)
    assert all(run.finished_at is not None for run in runs)


def test_the_same_slot_claimed_at_once_by_two_processes_runs_once(
    job_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    spawn = multiprocessing.get_context("spawn")
    barrier, results = spawn.Barrier(2), spawn.Queue()
    friday = utc("2026-11-27T09:00:05")
    workers = [
        spawn.Process(target=run_once, args=(job_settings, friday, barrier, results)) for _ in "ab"
    ]
    for process in workers:
        process.start()
    ran = sorted(results.get(timeout=120) for _ in workers)
    for process in workers:
        process.join(60)
    assert ran == [False, True]
    with session_factory() as session:
        [run] = session.scalars(select(JobRun)).all()
    assert (run.job_id, run.slot) == ("brouillon", utc("2026-11-27T09:00:00"))


def test_a_worker_stops_cleanly_on_sigterm(cli_env: dict[str, str]) -> None:
    env = os.environ | {"PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "veille", "worker"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        assert "en marche" in process.stdout.readline()
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    assert "Tâches arrêtées." in stdout and "Traceback" not in stderr


def test_a_job_handed_over_during_shutdown_is_declined_in_one_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from datetime import UTC, datetime

    from apscheduler.schedulers.background import BackgroundScheduler

    from veille.scheduler import StoppingExecutor

    scheduler = BackgroundScheduler()
    job = scheduler.add_job(
        print, "interval", minutes=15, id="collecte", max_instances=1, misfire_grace_time=None
    )
    executor = StoppingExecutor()
    executor.start(scheduler, "default")
    executor.shutdown(wait=True)
    executor.submit_job(job, [datetime.now(UTC)])  # APScheduler's thread, an instant too late
    assert "Tâche « collecte » non lancée : arrêt en cours." in caplog.text
