"""``veille sources``: the catalogue and the sources' state."""

import shlex
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table

from veille.catalogue import KIND_WORDS, SourceSpec
from veille.commands._context import AppContext, pass_app, sources_option
from veille.durations import format_duration

if TYPE_CHECKING:
    from datetime import datetime

    from db.repos.sources import SyncReport
    from veille.discovery import Discovery


@click.group()
def sources() -> None:
    """Catalogue des sources : flux et pages réglementaires."""


def sync_catalogue(app: AppContext, specs: list[SourceSpec]) -> "SyncReport":
    """Make the database match the catalogue; returns the sync report."""
    from db.engine import session_scope
    from db.repos.sources import sync_from_catalogue

    with session_scope(app.session_factory()) as session:
        return sync_from_catalogue(session, [spec.to_fields() for spec in specs])


@sources.command()
@click.option(
    "--online",
    is_flag=True,
    help="Relève aussi chaque source une fois (GET conditionnel, rien n'est enregistré).",
)
@sources_option
@pass_app
def check(app: AppContext, online: bool, sources_path: Path | None) -> None:
    """Valide le catalogue sans rien modifier ; avec --online, interroge chaque source."""
    path, specs = app.catalogue(sources_path)
    feeds = sum(spec.kind == "feed" for spec in specs)
    click.echo(f"{path} : valide — {feeds} flux, {len(specs) - feeds} pages.")
    if online:
        from veille.commands.online import check_online

        check_online(app, specs)


@sources.command(name="list")
@sources_option
@pass_app
def list_(app: AppContext, sources_path: Path | None) -> None:
    """Liste les sources (et synchronise la base avec le catalogue)."""
    from db.engine import session_scope
    from db.repos.sources import all_sources

    _path, specs = app.catalogue(sources_path)
    sync_catalogue(app, specs)
    table = Table(title="Sources")
    for column in ("Nom", "Type", "Catégorie", "Fréquence", "État", "Adresse"):
        table.add_column(column, overflow="fold")
    with session_scope(app.session_factory()) as session:
        for source in all_sources(session):
            state = "active" if source.enabled else f"désactivée ({source.disabled_reason})"
            interval = format_duration_seconds(source.interval_seconds)
            kind = KIND_WORDS[source.kind]
            table.add_row(source.name, kind, source.category or "", interval, state, source.url)
    Console(width=200).print(table)


def format_duration_seconds(seconds: int) -> str:
    from datetime import timedelta

    return format_duration(timedelta(seconds=seconds))


@sources.command()
@sources_option
@pass_app
def sync(app: AppContext, sources_path: Path | None) -> None:
    """Synchronise la base avec le catalogue (ajouts, modifications, retraits)."""
    _path, specs = app.catalogue(sources_path)
    report = sync_catalogue(app, specs)
    click.echo(
        f"{len(report.added)} ajoutée(s), {len(report.updated)} modifiée(s), "
        f"{len(report.disabled)} désactivée(s), {len(report.unchanged)} inchangée(s)."
    )


@sources.command(name="import-opml")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@sources_option
@pass_app
def import_opml(app: AppContext, file: Path, sources_path: Path | None) -> None:
    """Ajoute au catalogue les flux d'un fichier OPML (ceux déjà présents sont ignorés)."""
    from veille.catalogue_edit import add_feeds
    from veille.opml import parse_opml

    feeds = parse_opml(file.read_bytes(), file.name)
    added, skipped = add_feeds(app.sources_path(sources_path), feeds)
    for feed in added:
        click.echo(f"+ {feed.name} <{feed.url}>")
    click.echo(f"{len(added)} flux ajouté(s), {len(skipped)} déjà présent(s).")


@sources.command(name="export-opml")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Fichier de sortie."
)
@sources_option
@pass_app
def export_opml(app: AppContext, output: Path | None, sources_path: Path | None) -> None:
    """Exporte les flux du catalogue en OPML 2.0 (sur la sortie standard par défaut)."""
    from veille.opml import write_opml

    _path, specs = app.catalogue(sources_path)
    document = write_opml(specs)
    if output is None:
        click.echo(document, nl=False)
    else:
        output.write_text(document, encoding="utf-8")
        click.echo(f"{sum(spec.kind == 'feed' for spec in specs)} flux exportés dans {output}.")


@sources.command()
@click.argument("name")
@pass_app
def disable(app: AppContext, name: str) -> None:
    """Désactive une source (elle n'est plus collectée ; ses articles restent)."""
    from db.engine import session_scope
    from db.repos.sources import disable as disable_source

    with session_scope(app.session_factory()) as session:
        disable_source(session, name)
    click.echo(f"Source « {name} » désactivée.")


@sources.command()
@click.argument("name")
@pass_app
def enable(app: AppContext, name: str) -> None:
    """Réactive une source désactivée par un administrateur ou par une erreur 410."""
    from db.engine import session_scope
    from db.repos.sources import enable as enable_source

    with session_scope(app.session_factory()) as session:
        enable_source(session, name)
    click.echo(f"Source « {name} » réactivée.")


@sources.command()
@pass_app
def health(app: AppContext) -> None:
    """État de chaque source : dernier succès, dernière erreur, échecs, prochain passage."""
    from veille.health import health_report

    report = health_report(app.session_factory(), app.settings.failure_threshold)
    if not report:
        click.echo("Aucune source en base : lancez « veille sources sync » ou « veille collect ».")
        return
    table = Table(title="Santé des sources")
    columns = ("Nom", "État", "Dernier succès", "Dernière erreur", "Échecs", "Prochain passage")
    for column in columns:
        table.add_column(column, overflow="fold")
    zone = app.settings.timezone
    for item in report:
        state = f"{item.status} ({item.detail})" if item.detail else item.status
        style = "red" if item.status in ("en panne", "le sélecteur ne trouve plus rien") else None
        table.add_row(
            item.name,
            state,
            _local_time(item.last_success_at, zone),
            item.last_error or "",
            str(item.failures),
            _local_time(item.next_due_at, zone),
            style=style,
        )
    Console(width=200).print(table)
    for item in report:
        if item.suggested_url:
            click.echo(
                f"« {item.name} » répond une page HTML ; nouvelle adresse proposée : "
                f"{item.suggested_url}\n  pour l'adopter : veille sources accept-move "
                f"{shlex.quote(item.name)}"
            )


def _local_time(moment: "datetime | None", zone: str) -> str:
    from zoneinfo import ZoneInfo

    if moment is None:
        return "—"
    return moment.astimezone(ZoneInfo(zone)).strftime("%d/%m/%Y %H:%M")


@sources.command()
@click.argument("address")
@pass_app
def discover(app: AppContext, address: str) -> None:
    """Cherche les flux d'un site à partir de son adresse (liens annoncés, adresses usuelles)."""
    import asyncio

    from veille.commands._context import UserError
    from veille.discovery import discover as find_feeds
    from veille.discovery import site_address
    from veille.errors import ConfigError, SourceError
    from veille.fetch import Fetcher
    from veille.fetch_limits import limits_from

    async def run(url: str) -> "Discovery":
        async with Fetcher(limits_from(app.settings)) as fetcher:
            return await find_feeds(fetcher, url)

    try:
        found = asyncio.run(run(site_address(address)))
    except (ConfigError, SourceError) as error:
        raise UserError(f"{address} : {error}") from error
    if not found.feeds:
        raise UserError(f"aucun flux trouvé à partir de {found.page_url}")
    if found.is_feed:
        click.echo(f"{found.page_url} est déjà l'adresse d'un flux.")
    table = Table(title=f"Flux trouvés à partir de {found.page_url}")
    for column in ("Adresse", "Titre", "Éléments", "Dernier élément", "Trouvé par"):
        table.add_column(column, overflow="fold")
    zone = app.settings.timezone
    for feed in found.feeds:
        origin = "lien annoncé" if feed.announced else "adresse usuelle"
        newest = _local_time(feed.newest, zone)
        table.add_row(feed.url, feed.title or "—", str(feed.items), newest, origin)
    Console(width=200).print(table)


@sources.command(name="accept-move")
@click.argument("name")
@sources_option
@pass_app
def accept_move(app: AppContext, name: str, sources_path: Path | None) -> None:
    """Adopte la nouvelle adresse proposée pour un flux devenu page HTML (voir « health »)."""
    from db.engine import session_scope
    from db.errors import NotFoundError
    from veille.commands._context import UserError
    from veille.errors import ConfigError
    from veille.moves import accept_move as adopt

    try:
        with session_scope(app.session_factory()) as session:
            move = adopt(session, app.sources_path(sources_path), name)
    except (ConfigError, NotFoundError) as error:
        raise UserError(str(error)) from error
    click.echo(f"« {move.name} » : {move.old_url} → {move.new_url} (catalogue mis à jour).")
