"""``veille collect``: one collection pass, a progress bar on a terminal, then a summary.

The table lists the sources worth a look (something new or changed, a
warning, a failure, a skip); ``--verbose`` lists them all. One line sums up.
"""

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from veille.commands._context import AppContext, pass_app, sources_option
from veille.commands.collect_end import (
    EXIT_ALL_FAILED,
    EXIT_INTERRUPTED,
    all_failed_line,
    every_attempt_failed,
    interrupted_line,
    sigterm_as_interrupt,
)

# The pass's libraries (SQLAlchemy, httpx) load with this module, which the
# command group imports without garbage collection (``veille.cli``).
from veille.pipeline import collect_once, select_specs

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from veille.types import CollectOutcome


@click.command()
@sources_option
@click.option(
    "--only",
    multiple=True,
    metavar="NOM",
    help="Ne collecter que cette source (répétable).",
)
@click.option("--no-classify", is_flag=True, help="Ne pas classer les nouveaux articles.")
@click.option(
    "--verbose", "-v", is_flag=True, help="Détailler chaque source, même inchangée (304)."
)
@pass_app
def collect(
    app: AppContext,
    sources_path: Path | None,
    only: tuple[str, ...],
    no_classify: bool,
    verbose: bool,
) -> None:
    """Collecte une fois chaque source active (flux et pages) et résume le résultat.

    Une source en échec est signalée et enregistrée sans arrêter les autres.
    Code de sortie : 0 si une source a répondu ou si aucune n'était due ; 1 si
    la configuration est invalide ; 3 si toutes les sources tentées ont échoué ;
    130 si la collecte est interrompue (Ctrl-C, SIGTERM) : ce qui était en
    cours d'écriture est enregistré et le travail fait est résumé.
    """
    _path, specs = app.catalogue(sources_path)
    total = len(select_specs(specs, only))
    engine = app.engine()
    done: list[CollectOutcome] = []
    try:
        with sigterm_as_interrupt(), _progress(total) as advance_bar:

            def advance(outcome: "CollectOutcome") -> None:
                done.append(outcome)
                advance_bar(outcome)

            outcomes = collect_once(
                app.settings, engine, specs, only=only or None, on_progress=advance
            )
    except KeyboardInterrupt:
        _report(done, verbose)
        click.echo(interrupted_line(len(done), total))
        raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
    _report(outcomes, verbose)
    new_ids = [article_id for outcome in outcomes for article_id in outcome.new_article_ids]
    if not no_classify:
        _classify(app, new_ids)
    if every_attempt_failed(outcomes):
        click.echo(all_failed_line(outcomes))
        raise click.exceptions.Exit(EXIT_ALL_FAILED)


def _report(outcomes: Sequence["CollectOutcome"], verbose: bool) -> None:
    """The sources that changed, warned or failed (all with --verbose), then one summary line."""
    shown = outcomes if verbose else [outcome for outcome in outcomes if noteworthy(outcome)]
    if shown:
        _console().print(summary_table(shown))
    click.echo(totals_line(outcomes))


def _console() -> "Console":
    from rich.console import Console

    return Console(width=max(Console().width, 120))


@contextmanager
def _progress(total: int) -> Iterator[Callable[["CollectOutcome"], None]]:
    """A progress bar on a terminal; nothing otherwise (a timer, a pipe), nor rich loaded."""
    if not sys.stdout.isatty():
        yield lambda _outcome: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("sources · {task.fields[new]} nouveaux articles"),
        TimeElapsedColumn(),
        console=_console(),
        transient=True,
    )
    with bar:
        task = bar.add_task("Collecte", total=total, new=0)

        def advance(outcome: "CollectOutcome") -> None:
            new = bar.tasks[0].fields["new"] + len(outcome.new_article_ids)
            bar.update(task, advance=1, new=new)

        yield advance


def _classify(app: AppContext, new_ids: Sequence[int]) -> None:
    from veille.labelling import label_pending

    labelled = label_pending(app.settings, app.session_factory(), list(new_ids))
    click.echo(f"{labelled} article(s) classé(s).")


def describe(outcome: "CollectOutcome") -> tuple[str, str]:
    """(result word, detail) of one outcome, in French."""
    from veille.types import Collected, Failed, NotModified, Skipped

    value = outcome.value
    if isinstance(value, Failed):
        return "échec", value.reason
    if isinstance(value, Skipped):
        return "ignorée", value.reason
    if isinstance(value, NotModified):
        return "inchangée", "304 : rien de neuf depuis le dernier passage"
    assert isinstance(value, Collected)
    if outcome.kind == "page":
        word = "modifiée" if value.changed else "inchangée"
        return word, value.warning or ""
    return "ok", value.warning or ""


def noteworthy(outcome: "CollectOutcome") -> bool:
    """Worth a row without ``--verbose``: news, a change, a warning, a failure, a skip."""
    from veille.types import Collected, NotModified

    value = outcome.value
    if isinstance(value, NotModified):
        return False
    if isinstance(value, Collected):
        counts = value.new + value.updated + value.duplicates
        return bool(counts or value.changed or value.warning)
    return True


def summary_table(outcomes: Sequence["CollectOutcome"]) -> "Table":
    from rich.table import Table

    from veille.types import Collected

    table = Table(title="Résultat de la collecte")
    table.add_column("Source", overflow="fold")
    table.add_column("Résultat")
    for column in ("Nouveaux", "Mis à jour", "Doublons"):
        table.add_column(column, justify="right")
    table.add_column("Détail", overflow="fold")
    for outcome in outcomes:
        word, detail = describe(outcome)
        value = outcome.value
        counts = (
            (str(value.new), str(value.updated), str(value.duplicates))
            if isinstance(value, Collected)
            else ("", "", "")
        )
        style = {"échec": "red", "ignorée": "yellow"}.get(word)
        table.add_row(outcome.source, word, *counts, detail, style=style)
    return table


def totals_line(outcomes: Sequence["CollectOutcome"]) -> str:
    from veille.types import Collected, Failed, NotModified

    collected = [o.value for o in outcomes if isinstance(o.value, Collected)]
    new = sum(value.new for value in collected)
    updated = sum(value.updated for value in collected)
    duplicates = sum(value.duplicates for value in collected)
    not_modified = sum(isinstance(o.value, NotModified) for o in outcomes)
    failed = sum(isinstance(o.value, Failed) for o in outcomes)
    return (
        f"{len(outcomes)} source(s) : {new} nouveau(x), {updated} mis à jour, "
        f"{duplicates} doublon(s), {not_modified} inchangée(s) (304), {failed} en échec."
    )
