"""``veille db``: schema administration."""

from pathlib import Path

import click

from veille.commands._context import AppContext, pass_app


@click.group(name="db")
def database() -> None:
    """Administration de la base de données."""


@database.command()
@pass_app
def upgrade(app: AppContext) -> None:
    """Crée la base ou la met à jour vers la dernière version du schéma."""
    from db.engine import make_engine
    from db.migrate import upgrade as upgrade_schema

    engine = make_engine(app.settings.database_url)
    try:
        before, after = upgrade_schema(engine)
    finally:
        engine.dispose()
    if before == after:
        click.echo(f"Base déjà à jour (révision {after}).")
    else:
        click.echo(f"Base mise à jour : {before or 'vide'} → {after}.")


@database.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@pass_app
def backup(app: AppContext, file: Path) -> None:
    """Copie la base SQLite dans FILE, sans arrêter le service (copie cohérente)."""
    from db.backup import sqlite_backup

    size = sqlite_backup(app.engine(), file)
    click.echo(f"Copie de la base écrite dans {file} ({size // 1024} Kio).")
