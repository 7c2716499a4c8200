"""``veille serve`` (web app + jobs), ``veille web`` (web app alone), ``veille demo``."""

import errno
import socket
from pathlib import Path
from typing import TYPE_CHECKING

import click

from veille.commands._context import AppContext, pass_app, sources_option
from veille.errors import ConfigError
from veille.settings import check_secret_key

if TYPE_CHECKING:
    from fastapi import FastAPI

    from veille.demo.builder import Demo
    from veille.scheduler import VeilleScheduler
    from veille.settings import Settings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def _check_port_free(host: str, port: int) -> None:
    """Refuse early, in French, a port already taken (uvicorn would only log it)."""
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise ConfigError(
                f"le port {port} est déjà utilisé sur {host} : choisissez-en un autre avec --port"
            ) from error
        raise ConfigError(f"impossible d'écouter sur {host}:{port} : {error.strerror}") from error


def run_server(app: "FastAPI", host: str, port: int) -> None:
    """Serve until Ctrl-C (uvicorn, in this process)."""
    import uvicorn

    # Forwarded headers are read by the app, only from VEILLE_TRUSTED_PROXIES.
    config = uvicorn.Config(app, host=host, port=port, proxy_headers=False, log_level="info")
    uvicorn.Server(config).run()


def configure_logging(settings: "Settings | None" = None) -> None:
    from veille.logs import configure

    configure(settings.log_format if settings is not None else "text")


host_option = click.option("--host", default=DEFAULT_HOST, show_default=True,
                           help="Adresse d'écoute.")  # fmt: skip
port_option = click.option("--port", default=DEFAULT_PORT, show_default=True,
                           type=click.IntRange(1, 65535), help="Port d'écoute.")  # fmt: skip


@click.command()
@host_option
@port_option
@click.option("--no-scheduler", is_flag=True, help="Ne pas lancer les tâches planifiées.")
@sources_option
@pass_app
def serve(
    app: AppContext, host: str, port: int, no_scheduler: bool, sources_path: Path | None
) -> None:
    """Lance l'application web et les tâches planifiées dans un seul processus.

    Tâches : collecte et classement (VEILLE_COLLECT_EVERY), rappel aux curateurs,
    sélection automatique, envoi de l'édition publiée (VEILLE_SEND_AT),
    réentraînement (VEILLE_RETRAIN_AT). Voir la page « Tâches ».
    """
    web = _web_app(app, host, port)
    scheduler = None if no_scheduler else start_scheduler(app, sources_path)
    click.echo(f"Veille IA : http://{host}:{port}/ (Ctrl-C pour arrêter)")
    try:
        run_server(web, host, port)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)


@click.command()
@host_option
@port_option
@pass_app
def web(app: AppContext, host: str, port: int) -> None:
    """Lance l'application web seule, sans tâches planifiées (mode réparti, avec veille worker)."""
    application = _web_app(app, host, port)
    click.echo(f"Veille IA (web) : http://{host}:{port}/ (Ctrl-C pour arrêter)")
    run_server(application, host, port)


def _web_app(app: AppContext, host: str, port: int) -> "FastAPI":
    from veille.web.app import create_app

    check_secret_key(app.settings.secret_key)
    _check_port_free(host, port)
    configure_logging(app.settings)
    return create_app(app.settings, app.session_factory())


def start_scheduler(app: AppContext, sources_path: Path | None) -> "VeilleScheduler":
    from veille.scheduler import build_scheduler

    scheduler = build_scheduler(
        app.settings, app.session_factory(), sources_path=app.sources_path(sources_path)
    )
    scheduler.start()
    return scheduler


@click.command()
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(1, 65535),
              help="Port de la démonstration (sur 127.0.0.1).")  # fmt: skip
def demo(port: int) -> None:
    """Démonstration hors ligne : sources fictives, base temporaire, compte de démonstration."""
    import tempfile

    from veille.demo.builder import build_demo
    from veille.web.app import create_app

    _check_port_free(DEFAULT_HOST, port)
    configure_logging()
    click.echo("Préparation de la démonstration (collecte des sources fictives)…")
    with tempfile.TemporaryDirectory(prefix="veille-demo-") as directory:
        built = build_demo(Path(directory), port=port)
        try:
            _announce(built, port)
            run_server(create_app(built.settings, built.session_factory), DEFAULT_HOST, port)
        finally:
            built.feed_server.stop()


def _announce(built: "Demo", port: int) -> None:
    click.echo("")
    click.echo(f"Démonstration prête : http://{DEFAULT_HOST}:{port}/")
    click.echo(f"  Adresse électronique : {built.email}")
    click.echo(f"  Mot de passe         : {built.password}")
    click.echo(f"  Édition en brouillon : {built.week}")
    click.echo("Données temporaires, effacées à l'arrêt. Ctrl-C pour arrêter.")
