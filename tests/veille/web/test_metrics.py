"""/metrics parses with prometheus-client's parser; /healthz watches the collection; JSON logs."""

import dataclasses
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from pytest_httpserver import HTTPServer
from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from db.models import JobRun
from tests.veille.conftest import data
from tests.veille.web.conftest import Client, open_client
from veille.jobs.base import JobContext
from veille.jobs.runner import run_job
from veille.logs import configure
from veille.settings import Settings
from veille.web.app import create_app


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@pytest.mark.usefixtures("trained_model")
def test_metrics_after_a_scheduled_collection(
    settings: Settings,
    session_factory: sessionmaker[Session],
    httpserver: HTTPServer,
    tmp_path: Path,
    client: Client,
) -> None:
    httpserver.expect_request("/flux").respond_with_data(
        data("feeds/rss2.xml"), content_type="application/rss+xml"
    )
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(f'[[feeds]]\nname = "Flux"\nurl = "{httpserver.url_for("/flux")}"\n')
    before = samples(client.get("/metrics").text)
    fast = dataclasses.replace(settings, parse_workers=0)
    outcome = run_job(JobContext(fast, session_factory, catalogue), "collecte", manual=True)
    assert outcome is not None and outcome.ok
    response = client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    after = samples(response.text)

    def grew(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after[key] - before.get(key, 0.0)

    assert grew("veille_fetches_total", outcome="ok") == 1
    assert grew("veille_fetch_duration_seconds_count") == 1
    assert grew("veille_job_runs_total", job="collecte", outcome="ok") == 1
    assert after[("veille_job_runs_recorded_total", (("job", "collecte"), ("outcome", "ok")))] == 1
    assert after[("veille_articles", (("kind", "article"),))] > 0
    assert after[("veille_sources", (("health", "ok"),))] == 1
    assert after[("veille_last_successful_collection_timestamp_seconds", ())] > 0
    assert ("veille_classification_duration_seconds_count", ()) in after


@pytest.mark.parametrize(
    ("age", "status"), [(timedelta(minutes=40), 200), (timedelta(hours=1), 503)]
)
def test_healthz_answers_503_when_the_collection_stopped(
    client: Client, session_factory: sessionmaker[Session], age: timedelta, status: int
) -> None:
    finished = datetime.now(UTC) - age  # VEILLE_COLLECT_EVERY: 15 minutes
    with session_scope(session_factory) as session:
        session.add(
            JobRun(job_id="collecte", slot=finished, owner="w", started_at=finished,
                   finished_at=finished, ok=True, outcome="")
        )  # fmt: skip
    response = client.get("/healthz")
    assert response.status_code == status
    if status == 503:
        assert "collecte arrêtée" in response.text


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level


def test_json_logs_are_one_object_per_line(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure("json")
    logging.getLogger("veille.test").info("collecte : %d source(s)", 3)
    line = capsys.readouterr().err.strip().splitlines()[-1]
    entry = json.loads(line)
    assert entry["message"] == "collecte : 3 source(s)"
    assert (entry["level"], entry["logger"]) == ("INFO", "veille.test")


def test_metrics_need_no_login(settings: Settings, session_factory: sessionmaker[Session]) -> None:
    with open_client(create_app(settings, session_factory)) as client:
        assert client.get("/metrics").status_code == 200
