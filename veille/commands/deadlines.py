"""``veille deadlines``: the regulatory obligations drawn from the watched pages."""

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.table import Table

from veille.commands._context import AppContext, pass_app
from veille.durations import parse_duration

STATUSES = ("active", "superseded", "hidden")
STATUS_NAMES = {"active": "en vigueur", "superseded": "remplacée", "hidden": "masquée"}


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Un objet JSON par échéance, une par ligne.")
@click.option(
    "--within",
    default=None,
    metavar="DURÉE",
    help="Seulement les échéances des prochains jours (exemples : 90d, 180d).",
)
@click.option(
    "--from",
    "start",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Point de départ de --within, AAAA-MM-JJ (défaut : aujourd'hui).",
)
@click.option(
    "--status",
    "statuses",
    type=click.Choice(STATUSES),
    multiple=True,
    help="Seulement ces statuts (répétable ; défaut : tous).",
)
@pass_app
def deadlines(
    app: AppContext,
    as_json: bool,
    within: str | None,
    start: datetime | None,
    statuses: tuple[str, ...],
) -> None:
    """Liste les échéances réglementaires extraites des pages surveillées, par date.

    Chaque échéance porte sa date, la phrase qui l'énonce, l'article, la page
    source, son statut (active, superseded : remplacée par une nouvelle date,
    hidden : masquée par l'équipe) et si l'équipe l'a confirmée.
    """
    from db.engine import session_scope
    from db.repos.obligations import ObligationFilter, listing
    from veille.obligations import as_record

    chosen = ObligationFilter(statuses=statuses or STATUSES)
    if within is not None:
        first = start.date() if start else datetime.now(ZoneInfo(app.settings.timezone)).date()
        chosen = ObligationFilter(chosen.statuses, first, first + _days(within))
    with session_scope(app.session_factory()) as session:
        records = [as_record(row) for row in listing(session, chosen)]
    if as_json:
        for record in records:
            click.echo(json.dumps(record, ensure_ascii=False, sort_keys=True))
        return
    _print_table(records)


def _days(within: str) -> timedelta:
    try:
        return timedelta(days=parse_duration(within).days)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--within") from error


def _print_table(records: list[dict[str, object]]) -> None:
    if not records:
        click.echo("Aucune échéance.")
        return
    table = Table(title="Échéances réglementaires")
    for title in ("Date", "Article", "Énoncé", "Statut", "Confirmée", "Source"):
        table.add_column(title)
    for record in records:
        table.add_row(
            date.fromisoformat(str(record["date"])).strftime("%d/%m/%Y"),
            str(record["reference"] or "—"),
            str(record["text"]),
            STATUS_NAMES[str(record["status"])],
            "oui" if record["confirmed"] else "non",
            str(record["source_name"] or record["source"] or "—"),
        )
    Console().print(table)
