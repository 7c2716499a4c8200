"""Glue between the settings, the taxonomy and the newsletter package.

The newsletter imports neither ``veille`` nor ``classement``: label titles
and every option are handed to it from here, by the CLI commands and the
public web pages alike.
"""

from functools import cache
from urllib.parse import urlsplit

from newsletter.content import EditionContent, LabelCatalog, PersonalEdition, Profile
from newsletter.delivery import SmtpConfig, SmtpSender
from newsletter.edition import EditionOptions
from newsletter.links import LinkSigner
from newsletter.message import ListHeaders
from newsletter.personalise import pick_for
from newsletter.render import Renderer, RenderOptions
from newsletter.sending import SendOptions
from veille.durations import parse_duration
from veille.settings import Settings, check_secret_key


@cache
def label_catalog() -> LabelCatalog:
    """Label ids and French titles, from the taxonomy."""
    from classement.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    return LabelCatalog.of((label.id, label.kind, label.label) for label in taxonomy.labels)


def edition_options(settings: Settings) -> EditionOptions:
    order = tuple(key.strip() for key in settings.newsletter_sections.split(",") if key.strip())
    return EditionOptions(
        labels=label_catalog(),
        timezone=settings.timezone,
        section_order=order,
        deadline=settings.newsletter_deadline,
        automatic_count=settings.newsletter_automatic_count,
        min_score=settings.newsletter_min_score,
        also_count=settings.newsletter_also_count,
    )


def renderer(settings: Settings) -> Renderer:
    options = RenderOptions(
        labels=label_catalog(),
        public_url=settings.public_url,
        timezone=settings.timezone,
        title=settings.newsletter_title,
    )
    return Renderer(options)


def list_headers(settings: Settings) -> ListHeaders:
    host = urlsplit(settings.public_url).hostname or "localhost"
    address = settings.mail_unsubscribe or _address(settings.mail_from)
    return ListHeaders(
        mail_from=settings.mail_from,
        list_id=f"{settings.newsletter_title} <veille-ia.{host}>",
        unsubscribe_mailto=f"{address}?subject=desabonnement",
    )


def _address(mail_from: str) -> str:
    from email.utils import parseaddr

    return parseaddr(mail_from)[1] or "veille@localhost"


def send_options(settings: Settings) -> SendOptions:
    return SendOptions(
        headers=list_headers(settings),
        bounce_threshold=settings.bounce_threshold,
        retries=settings.smtp_retries,
        backoff=settings.smtp_backoff,
        empty=settings.newsletter_empty,
        also_count=settings.newsletter_also_count,
        also_min_relevance=settings.newsletter_also_min_relevance,
    )


def signer(settings: Settings) -> LinkSigner:
    check_secret_key(settings.secret_key)
    return LinkSigner(settings.secret_key, settings.public_url)


def confirm_max_age(settings: Settings) -> int:
    return int(parse_duration(settings.confirm_max_age).total_seconds())


def smtp_sender(settings: Settings) -> SmtpSender:
    config = SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        security=settings.smtp_security,
        user=settings.smtp_user,
        password=settings.smtp_password,
    )
    return SmtpSender(config, rate=settings.smtp_rate)


def personal_edition(
    settings: Settings, content: EditionContent, profile: Profile
) -> PersonalEdition:
    """What ``profile`` receives of ``content``, with the configured « Aussi » rule."""
    return pick_for(
        profile,
        content,
        settings.newsletter_also_count,
        settings.newsletter_also_min_relevance,
    )
