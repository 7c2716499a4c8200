"""``veille stats``: what the database holds."""

import json

import click
from rich.console import Console
from rich.table import Table

from veille.commands._context import AppContext, pass_app

TITLES = {
    "sources": "Sources",
    "articles": "Articles",
    "duplicates_merged": "Doublons fusionnés",
    "labelled_articles": "Articles étiquetés",
    "page_changes": "Changements de pages",
    "editions": "Éditions",
    "subscribers": "Abonnés",
    "deliveries": "Envois",
}


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Un objet JSON sur la sortie standard.")
@pass_app
def stats(app: AppContext, as_json: bool) -> None:
    """Compte les sources, articles, doublons, étiquettes, éditions, abonnés et envois."""
    from db.engine import session_scope
    from db.repos.stats import collect_stats

    with session_scope(app.session_factory()) as session:
        counts = collect_stats(session, app.settings.failure_threshold)
    if as_json:
        click.echo(json.dumps(counts, ensure_ascii=False, sort_keys=True))
        return
    table = Table(title="Veille IA — état")
    table.add_column("Élément")
    table.add_column("Nombre")
    for key, title in TITLES.items():
        value = counts[key]
        if isinstance(value, dict):
            detail = ", ".join(f"{k} : {v}" for k, v in value.items() if k != "total")
            value = f"{value.get('total', '')} ({detail})" if detail else value.get("total", 0)
        table.add_row(title, str(value))
    Console().print(table)
