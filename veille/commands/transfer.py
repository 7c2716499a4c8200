"""``veille export DIR`` and ``veille import DIR``: the whole database as JSON Lines."""

from pathlib import Path

import click

from veille.commands._context import AppContext, pass_app


@click.command(name="export")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("--with-secrets", is_flag=True,
              help="Inclure les empreintes des mots de passe des comptes.")  # fmt: skip
@pass_app
def export(app: AppContext, directory: Path, with_secrets: bool) -> None:
    """Exporte toute la base dans un dossier vide : un fichier JSON Lines par table et un
    manifeste (sources, articles, étiquettes, éditions, abonnés, envois, comptes…).

    Sans --with-secrets, les mots de passe des comptes ne sont pas exportés.
    """
    from db.migrate import head_revision
    from db.transfer import export_all

    engine = app.engine()
    written = export_all(engine, directory, head_revision(engine), with_secrets=with_secrets)
    total = sum(item.rows for item in written)
    click.echo(f"{total} ligne(s) exportée(s) dans {directory} ({len(written)} tables) :")
    click.echo(", ".join(f"{item.table} {item.rows}" for item in written if item.rows))
    if not with_secrets:
        click.echo("Mots de passe des comptes non exportés (--with-secrets pour les inclure).")


@click.command(name="import")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False, exists=True))
@pass_app
def import_(app: AppContext, directory: Path) -> None:
    """Restaure un export (veille export) dans une base vide, en une transaction."""
    from db.migrate import head_revision
    from db.transfer import import_all, read_manifest

    engine = app.engine()
    manifest = read_manifest(directory, head_revision(engine))
    done = import_all(engine, directory, manifest)
    click.echo(f"{sum(item.rows for item in done)} ligne(s) importée(s) depuis {directory}.")
    if not manifest.get("with_secrets"):
        click.echo(
            "Export sans mots de passe : redonnez-en un à chaque compte avec "
            "veille users add EMAIL --role admin|curator."
        )
