"""``veille newsletter``: build and send the weekly edition."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from veille.commands._context import AppContext, pass_app
from veille.errors import VeilleError

if TYPE_CHECKING:
    from newsletter.content import EditionContent, Profile
    from newsletter.delivery import Sender
    from newsletter.sending import Composer, SendReport

WEEK_HELP = "Semaine ISO, AAAA-Wnn (2026-W49 ou 2026-S49) ; défaut : la semaine en cours."


@contextmanager
def _user_errors() -> Iterator[None]:
    """Newsletter errors become one French line (« Erreur : … »), as the other commands do."""
    from newsletter.errors import NewsletterError

    try:
        yield
    except NewsletterError as error:
        raise VeilleError(str(error)) from error


@click.group()
def newsletter() -> None:
    """Lettre de veille : préparer et envoyer l'édition de la semaine."""


def _load(app: AppContext, week_text: str | None, *, dry_run: bool = False) -> "EditionContent":
    from db.types import utcnow
    from newsletter.edition import build_edition
    from newsletter.weeks import parse_week, week_of
    from veille.newsletter_config import edition_options

    now = utcnow()
    week = parse_week(week_text) if week_text else week_of(now, app.settings.timezone)
    session = app.session_factory()()
    try:
        content = build_edition(session, week, edition_options(app.settings), now)
        session.rollback() if dry_run else session.commit()
    finally:
        session.close()
    return content


def _describe(content: "EditionContent") -> str:
    state = {"draft": "brouillon", "published": "publiée", "sent": "envoyée"}[content.status]
    kind = ", sélection automatique" if content.automatic else ""
    sections = ", ".join(f"{s.title} ({len(s.items)})" for s in content.sections) or "aucune"
    count = content.item_count
    return f"Édition {content.week} ({state}{kind}) : {count} article(s) ; sections : {sections}."


@newsletter.command()
@click.option("--week", default=None, help=WEEK_HELP)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Dossier où écrire le HTML et le texte de l'édition et d'un profil de référent.",
)
@pass_app
def build(app: AppContext, week: str | None, out: Path | None) -> None:
    """Prépare l'édition d'une semaine et, avec --out, écrit ses aperçus.

    Sans article sélectionné à l'échéance (VEILLE_NEWSLETTER_DEADLINE), les
    articles les mieux classés de la semaine sont proposés, marqués comme
    sélection automatique.
    """
    with _user_errors():
        content = _load(app, week)
        click.echo(_describe(content))
        if out is not None:
            for path in _write_previews(app, content, out):
                click.echo(f"  {path}")


def _sample_profile(app: AppContext, content: "EditionContent") -> "Profile":
    """A referent's profile: the first referent subscribed, else the first section's theme."""
    from db.engine import session_scope
    from db.repos.subscribers import recipients
    from newsletter.content import Profile
    from newsletter.sending import profile_of

    with session_scope(app.session_factory()) as session:
        for subscriber in recipients(session):
            profile = profile_of(subscriber)
            if not profile.whole_edition:
                return profile
    themes = [s.key for s in content.sections if s.key in _theme_ids()]
    return Profile.of(themes[:1] or _theme_ids()[:1], [])


def _theme_ids() -> tuple[str, ...]:
    from veille.newsletter_config import label_catalog

    return label_catalog().ids_of("theme")


def _write_previews(app: AppContext, content: "EditionContent", out: Path) -> list[Path]:
    from newsletter.content import Profile
    from veille.newsletter_config import personal_edition, renderer

    out.mkdir(parents=True, exist_ok=True)
    render = renderer(app.settings)
    written = []
    samples = {"edition": Profile(), "referent": _sample_profile(app, content)}
    for name, profile in samples.items():
        rendered = render.render(personal_edition(app.settings, content, profile))
        links = _preview_links(app)
        for suffix, body in (("html", rendered.html), ("txt", rendered.text)):
            path = out / f"{content.week}-{name}.{suffix}"
            path.write_text(_fill(body, links), encoding="utf-8")
            written.append(path)
    return written


def _preview_links(app: AppContext) -> tuple[str, str]:
    base = app.settings.public_url.rstrip("/")
    return f"{base}/abonnement", f"{base}/abonnement"


def _fill(body: str, links: tuple[str, str]) -> str:
    from newsletter.render import MANAGE_PLACEHOLDER, UNSUBSCRIBE_PLACEHOLDER

    return body.replace(MANAGE_PLACEHOLDER, links[0]).replace(UNSUBSCRIBE_PLACEHOLDER, links[1])


@newsletter.command()
@click.option("--week", default=None, help=WEEK_HELP)
@click.option(
    "--outbox",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Écrire des fichiers .eml dans ce dossier au lieu de parler SMTP.",
)
@click.option("--test-to", default=None, metavar="ADRESSE", help="Envoyer un seul message de test.")
@click.option("--dry-run", is_flag=True, help="Dire ce qui serait envoyé, sans rien envoyer.")
@click.option(
    "--resend-interrupted",
    is_flag=True,
    help="Renvoyer aussi les messages d'un envoi interrompu en pleine remise "
    "(le destinataire peut les recevoir deux fois).",
)
@pass_app
def send(
    app: AppContext,
    week: str | None,
    outbox: Path | None,
    test_to: str | None,
    dry_run: bool,
    resend_interrupted: bool,
) -> None:
    """Envoie l'édition à chaque abonné actif, une seule fois.

    Chaque envoi est consigné : après une coupure, relancer la commande
    n'envoie que ce qui ne l'a pas été.
    """
    with _user_errors():
        content = _load(app, week, dry_run=dry_run)
        click.echo(_describe(content))
        if content.item_count == 0:
            raise VeilleError(
                f"l'édition {content.week} est vide : sélectionnez des articles, ou attendez "
                "l'échéance de la sélection automatique"
            )
        if dry_run:
            _dry_run(app, content)
        elif test_to:
            _send_test(app, content, test_to, outbox)
        else:
            _print_report(_send_all(app, content, outbox, resend_interrupted))


def _sender(app: AppContext, outbox: Path | None, week: str) -> "Sender":
    from newsletter.delivery import OutboxSender
    from veille.newsletter_config import smtp_sender

    if outbox is not None:
        return OutboxSender(outbox, prefix=f"{week}-")
    return smtp_sender(app.settings)


def _composer(app: AppContext, content: "EditionContent") -> "Composer":
    from newsletter.sending import Composer, Planner
    from veille.newsletter_config import renderer, send_options, signer

    options = send_options(app.settings)
    planner = Planner(content, options)
    return Composer(planner, renderer(app.settings), signer(app.settings), options)


def _send_all(
    app: AppContext, content: "EditionContent", outbox: Path | None, resend_interrupted: bool
) -> "SendReport":
    from db.types import utcnow
    from newsletter.sending import send_edition

    composer = _composer(app, content)
    sender = _sender(app, outbox, str(content.week))
    return send_edition(
        app.session_factory(), content, composer, sender, utcnow(),
        resend_interrupted=resend_interrupted,
    )  # fmt: skip


def _print_report(report: "SendReport") -> None:
    click.echo(
        f"{report.sent} message(s) envoyé(s) ({report.profiles} profil(s) rendu(s)), "
        f"{report.already_sent} déjà envoyé(s) avant, "
        f"{report.failed} à réessayer, {report.bounced} rejeté(s), "
        f"{report.skipped} sans contenu."
    )
    for error in report.errors:
        click.echo(f"  {error}", err=True)
    if report.requeued:
        click.echo(f"{report.requeued} envoi(s) interrompu(s) remis en file et renvoyé(s).")
    if report.uncertain:
        click.echo(
            f"Attention : {report.uncertain} envoi(s) interrompu(s) pendant la remise lors d'une "
            "exécution précédente ; ils ne sont pas renvoyés, pour ne rien envoyer deux fois. "
            "Pour les renvoyer quand même : veille newsletter send --resend-interrupted.",
            err=True,
        )


def _dry_run(app: AppContext, content: "EditionContent") -> None:
    from db.engine import session_scope
    from db.repos import deliveries, editions
    from db.repos.subscribers import recipients
    from newsletter.sending import Planner, profile_of
    from veille.newsletter_config import send_options

    planner = Planner(content, send_options(app.settings))
    with session_scope(app.session_factory()) as session:
        edition = editions.get_by_week(session, str(content.week))
        sent = deliveries.counts(session, edition.id).get("sent", 0) if edition else 0
        wanted = [s for s in recipients(session) if planner.wanted(s)]
        skipped = len(recipients(session)) - len(wanted)
        profiles = {profile_of(s) for s in wanted}
        session.rollback()
    click.echo(
        f"Simulation : {len(wanted)} destinataire(s), {len(profiles)} profil(s) distinct(s), "
        f"{sent} déjà envoyé(s), {skipped} sans contenu (réglage « skip »). Rien n'a été envoyé."
    )


def _send_test(
    app: AppContext, content: "EditionContent", address: str, outbox: Path | None
) -> None:
    from db.types import utcnow
    from newsletter.content import Profile
    from newsletter.personalise import pick_for
    from newsletter.proof import send_proof
    from veille.newsletter_config import renderer, send_options

    options = send_options(app.settings)
    rendered = renderer(app.settings).render(pick_for(Profile(), content))
    sender = _sender(app, outbox, f"{content.week}-test")
    send_proof(rendered, address, app.settings.public_url, options, sender, utcnow(), _sleep)
    click.echo(f"Message de test envoyé à {address} (aucun envoi consigné).")


def _sleep(seconds: float) -> None:
    import time

    time.sleep(seconds)
