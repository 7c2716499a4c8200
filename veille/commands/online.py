"""``veille sources check --online``: the report of one fetch per source."""

import asyncio
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.table import Table

from veille.catalogue import KIND_WORDS, SourceSpec
from veille.commands._context import AppContext
from veille.online_check import SourceCheck, Validators, check_sources


def check_online(app: AppContext, specs: Sequence[SourceSpec]) -> None:
    """Fetch every enabled source once and print what each answered."""
    from db.engine import session_scope
    from db.repos.sources import stored_states
    from veille.fetch import Fetcher
    from veille.fetch_limits import limits_from

    with session_scope(app.session_factory()) as session:
        stored = stored_states(session)
    validators = {name: Validators(s.url, s.etag, s.last_modified) for name, s in stored.items()}

    async def run() -> list[SourceCheck]:
        urls = [spec.url for spec in specs]
        async with Fetcher(limits_from(app.settings), urls=urls) as fetcher:
            return await check_sources(fetcher, specs, validators)

    checks = asyncio.run(run())
    zone = ZoneInfo(app.settings.timezone)
    table = Table(title="Relevé des sources (rien n'est enregistré)")
    columns = (
        "Nom",
        "Type",
        "Statut",
        "Type de contenu",
        "Éléments",
        "Dernier élément",
        "Remarque",
    )
    for column in columns:
        table.add_column(column, overflow="fold")
    for item in checks:
        known = stored.get(item.name)
        newest = item.newest or (
            known.newest_article_at if item.status == "304" and known else None
        )
        table.add_row(
            item.name,
            KIND_WORDS[item.kind],
            item.status,
            item.content_type or "—",
            "—" if item.items is None else str(item.items),
            _when(newest, zone),
            item.problem or "",
            style="red" if _failed(item) else None,
        )
    Console(width=220).print(table)
    click.echo(_summary(checks))


def _failed(item: SourceCheck) -> bool:
    return item.status == "erreur" or (
        item.kind == "feed" and item.status[:1] == "2" and item.items is None
    )


def _when(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d/%m/%Y %H:%M") if moment else "—"


def _summary(checks: list[SourceCheck]) -> str:
    failed = sum(_failed(item) for item in checks)
    unchanged = sum(item.status == "304" for item in checks)
    disabled = sum(item.status == "désactivée" for item in checks)
    answered = len(checks) - failed - unchanged - disabled
    return (
        f"{len(checks)} source(s) : {answered} répondent, {unchanged} inchangée(s) (304), "
        f"{failed} en erreur, {disabled} désactivée(s)."
    )
