"""``veille stats``: what the database holds, in French; ``--json`` keeps English keys.

The sources are counted by ``veille.health``, the function behind ``veille
sources health``, so the two always agree.
"""

import json
from typing import Any

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
WORDS = {
    # sources, as ``veille sources health`` names them
    "ok": "ok",
    "failing": "en échec",
    "broken": "en panne",
    "selector_lost": "sélecteur sans résultat",
    "disabled": "désactivées",
    "never_fetched": "jamais collectées",
    # articles
    "article": "articles",
    "regulation_update": "mises à jour réglementaires",
    "new": "nouveaux",
    "selected": "choisis",
    "rejected": "écartés",
    "archived": "archivés",
    # editions, subscribers, deliveries
    "draft": "brouillons",
    "published": "publiées",
    "sent": "envoyés",
    "pending": "en attente",
    "active": "actifs",
    "unsubscribed": "désabonnés",
    "bounced": "rejetés",
    "sending": "en cours",
    "failed": "en échec",
}


def gather(app: AppContext) -> dict[str, Any]:
    """Every count, sources by health as ``veille sources health`` sees them."""
    from db.engine import session_scope
    from db.repos.stats import collect_stats
    from veille.health import health_counts, health_report

    factory = app.session_factory()
    with session_scope(factory) as session:
        counts = collect_stats(session)
    report = health_report(factory, app.settings.failure_threshold)
    return {"sources": health_counts(report)} | counts


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Un objet JSON sur la sortie standard.")
@pass_app
def stats(app: AppContext, as_json: bool) -> None:
    """Compte sources (par santé), articles, doublons, étiquettes, éditions, abonnés, envois."""
    counts = gather(app)
    if as_json:
        click.echo(json.dumps(counts, ensure_ascii=False, sort_keys=True))
        return
    table = Table(title="Veille IA — état")
    table.add_column("Élément")
    table.add_column("Nombre", overflow="fold")
    for key, title in TITLES.items():
        table.add_row(title, describe(counts[key]))
    Console(width=max(Console().width, 100)).print(table)


def describe(value: int | dict[str, Any]) -> str:
    """« 66 (en échec : 66) »: the total, then the non-zero parts in French."""
    if not isinstance(value, dict):
        return str(value)
    flat: dict[str, int] = {}
    for key, part in value.items():
        if isinstance(part, dict):
            flat |= part
        elif key != "total":
            flat[key] = part
    detail = ", ".join(f"{WORDS.get(k, k)} : {n}" for k, n in flat.items() if n)
    total = value.get("total", 0)
    return f"{total} ({detail})" if detail else str(total)
