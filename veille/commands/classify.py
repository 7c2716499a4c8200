"""``veille classify``: predict, evaluate, train and reclassify.

``predict`` and ``evaluate`` work on JSON Lines files without a database;
``train`` and ``reclassify`` read and write the database. scikit-learn and
numpy are imported inside the commands so that ``import veille.cli`` stays light.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from veille.commands._context import AppContext, UserError, pass_app

if TYPE_CHECKING:
    from classement import Classifier, EvaluationReport
    from classement.evaluate import GroupReport
    from classement.taxonomy import Kind

BATCH = 1000
MODEL_OPTION_HELP = (
    "Fichier de modèle à utiliser (défaut : la dernière version de VEILLE_MODEL_DIR)."
)


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn the classifier's errors into one clear line instead of a traceback."""
    from classement.errors import ClassementError

    try:
        yield
    except ClassementError as error:
        raise UserError(str(error)) from error


@click.group()
def classify() -> None:
    """Classe les articles par thème de risque et par métier."""


def _model_option(function: Any) -> Any:
    return click.option(
        "--model",
        "model_path",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help=MODEL_OPTION_HELP,
    )(function)


@classify.command()
@click.option(
    "--input",
    "input_path",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help='Articles en JSON Lines : {"id", "title", "text", "lang"?} par ligne.',
)
@click.option(
    "--output",
    "output_path",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    default=Path("-"),
    show_default=True,
    help="Fichier de sortie JSON Lines (« - » : sortie standard).",
)
@click.option("--no-explain", is_flag=True, help="Ne pas calculer les mots justificatifs.")
@click.option(
    "--band",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    help="Écart au seuil sous lequel une étiquette est incertaine "
    "(défaut : VEILLE_UNCERTAIN_BAND, 0.1).",
)
@_model_option
@pass_app
def predict(
    app: AppContext,
    input_path: Path,
    output_path: Path,
    no_explain: bool,
    band: float | None,
    model_path: Path | None,
) -> None:
    """Étiquette des articles d'un fichier, sans base de données.

    Chaque ligne de sortie : {"id", "themes", "jobs", "scores", "explanations",
    "relevance", "uncertain", "any_label"} ; "uncertain" liste les étiquettes
    dont la probabilité est proche de leur seuil, retenues ou non, à faire
    vérifier ; "any_label" est la probabilité que l'article porte au moins une
    étiquette (sous le seuil de ce filtre, il n'en garde aucune).
    Sans modèle enregistré, un modèle est d'abord entraîné sur le corpus livré.
    """
    from classement.records import read_articles, write_jsonl

    with _user_errors():
        articles = read_articles(input_path)
        classifier = _classifier(app, model_path)
        rows = (
            prediction.to_json()
            for start in range(0, len(articles), BATCH)
            for prediction in classifier.predict(
                articles[start : start + BATCH],
                explain=not no_explain,
                band=app.settings.uncertain_band if band is None else band,
            )
        )
        with _open_output(output_path) as stream:
            count = write_jsonl(rows, stream)
    click.echo(f"{count} article(s) étiqueté(s).", err=True)


@classify.command()
@click.option(
    "--input",
    "input_path",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help='Articles annotés en JSON Lines : {"id", "title", "text", "themes", "jobs"}.',
)
@click.option("--json", "as_json", is_flag=True, help="Un objet JSON sur la sortie standard.")
@_model_option
@pass_app
def evaluate(app: AppContext, input_path: Path, as_json: bool, model_path: Path | None) -> None:
    """Mesure le modèle sur un fichier annoté : précision, rappel, F1 par étiquette."""
    from classement import evaluate as evaluate_model
    from classement.records import read_labelled
    from classement.taxonomy import load_taxonomy

    with _user_errors():
        records = read_labelled(input_path, load_taxonomy())
        if not records:
            raise UserError(f"{input_path} ne contient aucun article annoté")
        classifier = _classifier(app, model_path)
        report = evaluate_model(classifier, records)
    if as_json:
        payload = report.to_json() | {"model": _model_summary(classifier)}
        click.echo(json.dumps(payload, ensure_ascii=False))
    else:
        _print_report(report, classifier, records)


@classify.command()
@click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="Dossier des fichiers corpus_*.jsonl (défaut : le corpus livré avec le paquet).",
)
@click.option(
    "--corpus-only",
    is_flag=True,
    help="Entraîner sur le corpus livré seulement, sans lire la base de données.",
)
@pass_app
def train(app: AppContext, corpus_dir: Path | None, corpus_only: bool) -> None:
    """Réentraîne le modèle : corpus livré + étiquettes des curateurs (base de données).

    Enregistre une nouvelle version dans VEILLE_MODEL_DIR avec ses métadonnées
    (date, tailles, scores en validation croisée). Les sélections et rejets des
    curateurs entraînent aussi le score de pertinence quand ils sont assez nombreux.
    """
    from classement import load_corpus, load_taxonomy, save_new_version
    from classement import train as train_model
    from classement.corpus import DEFAULT_CORPUS_DIR, corpus_fingerprint
    from veille.training import curator_data

    corpus_dir = corpus_dir or DEFAULT_CORPUS_DIR
    with _user_errors():
        taxonomy = load_taxonomy()
        corpus = load_corpus(taxonomy, corpus_dir)
        data = None if corpus_only else curator_data(app.session_factory(), taxonomy)
        curated = data.records if data else []
        decisions = data.decisions if data else None
        click.echo(
            f"Entraînement sur {len(corpus)} exemples du corpus "
            f"et {len(curated)} article(s) annoté(s) par les curateurs…",
            err=True,
        )
        classifier = train_model(corpus, curated, taxonomy=taxonomy, relevance_examples=decisions)
        classifier.info["corpus_fingerprint"] = corpus_fingerprint(corpus_dir)
        classifier.info["origin"] = "train"
        if data is not None:
            classifier.info["curator_fingerprint"] = data.fingerprint
        path = save_new_version(classifier, Path(app.settings.model_dir))
    _print_training(classifier, path)


@classify.command()
@click.option(
    "--since",
    required=True,
    help="Date (AAAA-MM-JJ, ou date et heure ISO 8601) : articles collectés depuis.",
)
@_model_option
@pass_app
def reclassify(app: AppContext, since: str, model_path: Path | None) -> None:
    """Réétiquette avec le modèle courant les articles collectés depuis une date.

    Seules les étiquettes d'origine « model » sont remplacées ; celles des
    curateurs ne sont jamais modifiées.
    """
    from veille.labelling import relabel_since

    start = _parse_since(since)
    with _user_errors():
        classifier = _classifier(app, model_path)
    count = relabel_since(app.settings, app.session_factory(), start, classifier)
    version = classifier.info.get("version", "?")
    click.echo(f"{count} article(s) réétiqueté(s) avec le modèle {version}.")


@classify.command("info")
@_model_option
@pass_app
def show_info(app: AppContext, model_path: Path | None) -> None:
    """Affiche les métadonnées du modèle courant (JSON)."""
    from classement import latest_model_path, load_model

    with _user_errors():
        path = model_path or latest_model_path(Path(app.settings.model_dir))
        classifier = load_model(path)
    click.echo(json.dumps(classifier.info | {"path": str(path)}, ensure_ascii=False, indent=2))


# --- helpers -----------------------------------------------------------------------------


def _classifier(app: AppContext, model_path: Path | None) -> Classifier:
    """The given model file, else the latest version, trained on first use."""
    from classement import load_model, load_or_train

    if model_path is not None:
        return load_model(model_path)
    directory = Path(app.settings.model_dir)
    classifier, trained = load_or_train(directory)
    if trained:
        click.echo(
            f"Aucun modèle : entraîné sur le corpus livré et enregistré dans {directory}.", err=True
        )
    return classifier


@contextmanager
def _open_output(path: Path) -> Iterator[IO[str]]:
    if str(path) == "-":
        yield sys.stdout
        return
    try:
        stream = path.open("w", encoding="utf-8")
    except OSError as error:
        raise UserError(f"écriture impossible dans {path} : {error.strerror}") from error
    with stream:
        yield stream


def _parse_since(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise UserError(f"date invalide pour --since : {value!r} (attendu AAAA-MM-JJ)") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _model_summary(classifier: Classifier) -> dict[str, Any]:
    info = classifier.info
    return {
        key: info.get(key) for key in ("version", "trained_at", "n_examples", "corpus_fingerprint")
    }


def _print_report(report: EvaluationReport, classifier: Classifier, records: list[Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    intervals = report.intervals
    level = f"IC {intervals.level:.0%}".replace("%", " %") if intervals else ""
    groups: tuple[tuple[str, Kind, GroupReport], ...] = (
        ("Thèmes", "theme", report.themes),
        ("Métiers", "job", report.jobs),
    )
    for title, kind, group in groups:
        table = Table(title=f"{title} — {len(records)} articles")
        for column in ("Étiquette", "Précision", "Rappel", "F1", level, "Support"):
            table.add_column(column, justify="left" if column == "Étiquette" else "right")
        for label, score in group.per_label.items():
            table.add_row(
                label,
                f"{score.precision:.2f}",
                f"{score.recall:.2f}",
                f"{score.f1:.2f}",
                _interval_text(intervals.per_label.get(label) if intervals else None, 2),
                str(score.support),
            )
        table.add_section()
        table.add_row("micro-F1", "", "", f"{group.micro_f1:.3f}", "", "")
        macro_interval = intervals.macro.get(kind) if intervals else None
        table.add_row(
            "macro-F1", "", "", f"{group.macro_f1:.3f}", _interval_text(macro_interval, 3), ""
        )
        console.print(table)
    if intervals:
        console.print(
            f"{level} : intervalle de confiance par rééchantillonnage des articles (bootstrap)."
        )
    console.print(
        f"Modèle : {classifier.info.get('version', '?')} ({classifier.info.get('trained_at', '?')})"
    )


def _interval_text(interval: tuple[float, float] | None, digits: int) -> str:
    return f"{interval[0]:.{digits}f}–{interval[1]:.{digits}f}" if interval else ""


def _print_training(classifier: Classifier, path: Path) -> None:
    cv = classifier.info["cross_validation"]
    click.echo(f"Modèle enregistré : {path}")
    click.echo(
        f"Validation croisée sur les données d'entraînement : macro-F1 thèmes "
        f"{cv['themes']['macro_f1']:.3f}, métiers {cv['jobs']['macro_f1']:.3f}"
    )
    untrained = classifier.info.get("untrained_labels") or []
    if untrained:
        click.echo(f"Étiquettes sans assez d'exemples (jamais proposées) : {', '.join(untrained)}")
