"""``veille users``: accounts of the watch team."""

import sys

import click

from veille.commands._context import AppContext, UserError, pass_app

EMAIL_HELP = "Adresse électronique du compte."


@click.group()
def users() -> None:
    """Comptes de l'équipe de veille (curateurs et administrateurs)."""


@users.command()
@click.argument("email")
@click.option(
    "--role", type=click.Choice(["admin", "curator"]), required=True, help="Rôle du compte."
)
@pass_app
def add(app: AppContext, email: str, role: str) -> None:
    """Crée un compte (ou réinitialise son mot de passe).

    Le mot de passe est lu sur l'entrée standard quand elle n'est pas un
    terminal, sinon il est demandé deux fois.
    """
    from db.engine import session_scope
    from db.repos.users import add_or_update
    from veille.auth import hash_password

    if "@" not in email:
        raise UserError(f"adresse électronique invalide : {email!r}")
    password = _read_password()
    try:
        password_hash = hash_password(password)
    except ValueError as error:
        raise UserError(str(error)) from error
    with session_scope(app.session_factory()) as session:
        _user, created = add_or_update(session, email, role, password_hash)
    verb = "créé" if created else "mis à jour"
    click.echo(f"Compte {email} ({role}) {verb}.")


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Mot de passe", hide_input=True, confirmation_prompt=True))


@users.command()
@click.argument("email")
@pass_app
def disable(app: AppContext, email: str) -> None:
    """Désactive un compte et ferme aussitôt ses sessions ouvertes."""
    from db.engine import session_scope
    from db.repos.users import disable as disable_account

    with session_scope(app.session_factory()) as session:
        if disable_account(session, email) is None:
            raise UserError(f"aucun compte {email!r}")
    click.echo(f"Compte {email} désactivé ; ses sessions sont fermées.")
