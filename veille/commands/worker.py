"""``veille worker``: the scheduled jobs without the web app (split mode)."""

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import click

from veille.commands._context import AppContext, pass_app, sources_option
from veille.commands.serve import configure_logging, start_scheduler


@contextmanager
def stop_requested() -> Iterator[threading.Event]:
    """An event set by SIGINT or SIGTERM, the previous handlers restored afterwards."""
    stop = threading.Event()

    def request(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@click.command()
@sources_option
@click.option("--metrics-port", type=click.IntRange(1, 65535), default=None,
              help="Publier /metrics (Prometheus) de ce worker sur 127.0.0.1:PORT.")  # fmt: skip
@pass_app
def worker(app: AppContext, sources_path: Path | None, metrics_port: int | None) -> None:
    """Lance les tâches planifiées seules, sans application web (mode réparti).

    Plusieurs workers peuvent partager une base PostgreSQL : chaque tâche ne
    s'exécute qu'une fois par échéance. SIGTERM ou Ctrl-C : arrêt après la
    tâche en cours.
    """
    configure_logging(app.settings)
    if metrics_port is not None:
        from veille.metrics import serve_metrics

        serve_metrics(metrics_port, app.session_factory(), app.settings.failure_threshold)
    with stop_requested() as stop:
        scheduler = start_scheduler(app, sources_path)
        click.echo("Veille IA (tâches) : en marche ; Ctrl-C ou SIGTERM pour arrêter.")
        while not stop.wait(1.0):
            pass
        click.echo("Arrêt demandé : fin de la tâche en cours…")
        scheduler.shutdown(wait=True)
    click.echo("Tâches arrêtées.")
