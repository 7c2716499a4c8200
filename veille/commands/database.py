"""``veille db``: schema administration."""

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
