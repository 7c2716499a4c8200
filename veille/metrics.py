"""Prometheus metrics: what this process did, plus what the database holds.

Process instruments (counters, histograms) are fed by the jobs as they run:
in ``veille serve`` they cover the whole instance; in split mode each
``veille worker --metrics-port N`` exposes its own. The database figures
(articles, sources by health, deliveries, job runs, last collection) are
read at each scrape, so any ``/metrics`` gives the same totals.

prometheus-client's instruments are module-level objects by design; they
live in this module's own registry, never in the library's global one.
"""

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from veille.types import CollectOutcome

CONTENT_TYPE = CONTENT_TYPE_LATEST
PROCESS = CollectorRegistry()
FETCHES = Counter("veille_fetches", "Sources relevées, par résultat", ["outcome"], registry=PROCESS)
FETCH_SECONDS = Histogram(
    "veille_fetch_duration_seconds", "Durée de relève d'une source", registry=PROCESS,
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80),
)  # fmt: skip
CLASSIFY_SECONDS = Histogram(
    "veille_classification_duration_seconds", "Durée du classement d'un lot d'articles",
    registry=PROCESS,
)  # fmt: skip
DELIVERIES = Counter(
    "veille_deliveries", "Messages de la lettre, par résultat", ["outcome"], registry=PROCESS
)
JOB_RUNS = Counter("veille_job_runs", "Exécutions de tâches", ["job", "outcome"], registry=PROCESS)


def observe_collection(outcomes: Iterable["CollectOutcome"]) -> None:
    from veille.types import Collected, Failed, NotModified

    for outcome in outcomes:
        value = outcome.value
        word = (
            "ok" if isinstance(value, Collected)
            else "not_modified" if isinstance(value, NotModified)
            else "failed" if isinstance(value, Failed)
            else "skipped"
        )  # fmt: skip
        FETCHES.labels(word).inc()
        if word != "skipped":
            FETCH_SECONDS.observe(outcome.elapsed)


class DatabaseCollector(Collector):
    """Figures read from the database at each scrape."""

    def __init__(self, session_factory: "sessionmaker[Session]", failure_threshold: int) -> None:
        self.session_factory, self.failure_threshold = session_factory, failure_threshold

    def collect(self) -> Iterator[Metric]:
        from db.engine import session_scope
        from db.repos import stats
        from db.repos.jobs import run_counts
        from veille.health import health_counts, health_report

        with session_scope(self.session_factory) as session:
            articles = stats.counts_by(session, "articles")
            deliveries = stats.counts_by(session, "deliveries")
            runs = run_counts(session)
            last = stats.last_success_at(session)
        health = health_counts(health_report(self.session_factory, self.failure_threshold))
        yield _gauge("veille_articles", "Articles en base, par nature", "kind", articles)
        yield _gauge("veille_deliveries_stored", "Envois consignés, par état", "status", deliveries)
        health.pop("total")
        yield _gauge("veille_sources", "Sources, par santé", "health", health)
        yield _runs(runs)
        yield _timestamp(last)


def _gauge(name: str, text: str, label: str, values: dict[str, int]) -> Metric:
    family = GaugeMetricFamily(name, text, labels=[label])
    for key, value in sorted(values.items()):
        family.add_metric([key], value)
    return family


def _runs(runs: dict[tuple[str, str], int]) -> Metric:
    family = CounterMetricFamily(
        "veille_job_runs_recorded", "Exécutions de tâches consignées en base, par résultat",
        labels=["job", "outcome"],
    )  # fmt: skip
    for (job, outcome), count in sorted(runs.items()):
        family.add_metric([job, outcome], count)
    return family


def _timestamp(moment: datetime | None) -> Metric:
    family = GaugeMetricFamily(
        "veille_last_successful_collection_timestamp_seconds",
        "Dernière relève réussie d'une source (secondes depuis 1970)",
    )
    family.add_metric([], moment.timestamp() if moment is not None else 0.0)
    return family


def exposition(session_factory: "sessionmaker[Session]", failure_threshold: int) -> bytes:
    """The text format of this process's instruments and of the database's figures."""
    database = CollectorRegistry()
    database.register(DatabaseCollector(session_factory, failure_threshold))
    return generate_latest(PROCESS) + generate_latest(database)


class _Everything(Collector):
    def __init__(self, database: DatabaseCollector) -> None:
        self.database = database

    def collect(self) -> Iterator[Metric]:
        yield from PROCESS.collect()
        yield from self.database.collect()


def serve_metrics(
    port: int, session_factory: "sessionmaker[Session]", failure_threshold: int
) -> None:
    """Expose ``/metrics`` on 127.0.0.1:``port`` from a background thread (``veille worker``)."""
    from prometheus_client import start_http_server

    registry = CollectorRegistry()
    registry.register(_Everything(DatabaseCollector(session_factory, failure_threshold)))
    start_http_server(port, addr="127.0.0.1", registry=registry)
