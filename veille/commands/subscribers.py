"""``veille subscribers``: import and export the newsletter's subscribers (CSV)."""

from pathlib import Path

import click

from veille.commands._context import AppContext, pass_app
from veille.errors import VeilleError


@click.group()
def subscribers() -> None:
    """Abonnés de la lettre de veille (import et export CSV).

    Format : en-tête email,name,direction,themes,jobs ; thèmes et métiers en
    identifiants séparés par « ; », vides pour recevoir toute l'édition.
    """


@subscribers.command("import")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@pass_app
def import_(app: AppContext, file: Path) -> None:
    """Importe FILE.csv : les adresses importées sont actives sans confirmation.

    Le fichier est vérifié en entier avant toute écriture : une ligne fausse
    et rien n'est importé. Une adresse désabonnée ou en erreur de remise n'est
    jamais réactivée : elle est ignorée, avec la raison.
    """
    from db.engine import session_scope
    from db.repos.subscribers import import_active
    from db.types import utcnow
    from newsletter.errors import ImportFileError
    from newsletter.subscriptions import read_csv_file
    from veille.newsletter_config import label_catalog

    try:
        rows = read_csv_file(file.read_bytes(), label_catalog())
    except ImportFileError as error:
        raise VeilleError(f"{file} : {error}") from error
    with session_scope(app.session_factory()) as session:
        report = import_active(session, rows, utcnow())
    click.echo(report.describe())


@subscribers.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Fichier CSV à écrire (défaut : la sortie standard).",
)
@pass_app
def export(app: AppContext, output: Path | None) -> None:
    """Exporte les abonnés actifs au format CSV (réimportable tel quel)."""
    from db.engine import session_scope
    from db.repos.subscribers import active_by_email
    from newsletter.subscriptions import write_csv

    with session_scope(app.session_factory()) as session:
        text = write_csv(active_by_email(session))
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"{text.count(chr(10)) - 1} abonné(s) exporté(s) dans {output}.", err=True)
