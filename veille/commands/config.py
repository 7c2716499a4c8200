"""``veille config``: the effective settings, secrets masked."""

import os

import click
from rich.console import Console
from rich.table import Table

from veille.commands._context import AppContext, pass_app
from veille.settings import describe, env_name


def mask(value: object, secret: bool) -> str:
    if secret:
        return "(défini, masqué)" if value else "(non défini)"
    return str(value)


@click.command()
@pass_app
def config(app: AppContext) -> None:
    """Affiche les réglages en vigueur (les secrets sont masqués)."""
    table = Table(title="Réglages de Veille IA")
    for column in ("Variable", "Valeur", "Origine", "Description"):
        table.add_column(column)
    for name, variable, default, help_text, secret in describe():
        value = getattr(app.settings, name)
        origin = "environnement" if variable in os.environ else "défaut"
        if origin == "défaut" and value != default:
            origin = "veille.toml"
        table.add_row(env_name(name), mask(value, secret), origin, help_text)
    Console(width=160).print(table)
