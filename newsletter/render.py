"""Jinja2 rendering of a personal edition: an email-safe HTML part and a text part.

Both parts are written from the same ``PersonalEdition``. Links that differ
per subscriber (preferences, unsubscribe) are left as placeholders, so a
profile is rendered once and each message only substitutes its own links
(see ``message.MessageTemplate``).
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import css_inline
import nh3
from jinja2 import Environment, PackageLoader, StrictUndefined, TemplateError, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

from newsletter.content import DEADLINES_TITLE, LabelCatalog, PersonalEdition
from newsletter.errors import RenderError
from newsletter.weeks import date_fr

MANAGE_PLACEHOLDER = "https://veille.invalid/lien-preferences"
UNSUBSCRIBE_PLACEHOLDER = "https://veille.invalid/lien-desabonnement"
EDITORIAL_TAGS = {"p", "a", "strong", "em", "ul", "ol", "li", "br", "blockquote", "code", "h3"}
EMPTY_NOTE = "Rien de nouveau dans vos thèmes dans la sélection de cette semaine."


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    html: str
    text: str


@dataclass(frozen=True, slots=True)
class RenderOptions:
    labels: LabelCatalog
    public_url: str
    timezone: str = "Europe/Paris"
    title: str = "Veille IA"


def build_environment() -> Environment:
    return Environment(
        loader=PackageLoader("newsletter", "templates"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def editorial_html(markdown: str) -> Markup:
    """The curators' Markdown as sanitised HTML (raw HTML in the Markdown is not kept)."""
    rendered = MarkdownIt("commonmark", {"html": False}).render(markdown)
    cleaned = nh3.clean(
        rendered,
        tags=EDITORIAL_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
    )
    return Markup(cleaned)  # cleaned by nh3 just above


def subject_of(personal: PersonalEdition, title: str) -> str:
    week = personal.edition.week
    return f"{title} — {week.label().replace(', ', ' (', 1)})"


class Renderer:
    """Renders personal editions; one Jinja2 environment and CSS inliner per instance."""

    def __init__(self, options: RenderOptions) -> None:
        self.options = options
        self.env = build_environment()
        self.env.filters["date_fr"] = self._date_fr
        self.env.filters["day_fr"] = date_fr
        self.env.filters["label"] = options.labels.title
        self._inliner = css_inline.CSSInliner(load_remote_stylesheets=False)

    def _date_fr(self, moment: datetime) -> str:
        return date_fr(moment.astimezone(ZoneInfo(self.options.timezone)).date())

    def context(self, personal: PersonalEdition) -> dict[str, object]:
        edition = personal.edition
        base = self.options.public_url.rstrip("/")
        return {
            "title": self.options.title,
            "subject": subject_of(personal, self.options.title),
            "week": edition.week,
            "week_label": edition.week.label(),
            "automatic": edition.automatic,
            "editorial_md": edition.editorial_md.strip(),
            "editorial_html": editorial_html(edition.editorial_md),
            "sections": personal.sections,
            "also": personal.also,
            "deadlines": edition.deadlines,
            "deadlines_title": DEADLINES_TITLE,
            "whole_edition": personal.profile.whole_edition,
            "profile_labels": self._profile_labels(personal),
            "no_selection": personal.empty,
            "empty_note": EMPTY_NOTE,
            "edition_url": f"{base}/editions/{edition.week}",
            "subscribe_url": f"{base}/abonnement",
            "manage_url": MANAGE_PLACEHOLDER,
            "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
        }

    def _profile_labels(self, personal: PersonalEdition) -> list[str]:
        wanted = personal.profile.themes | personal.profile.jobs
        return [label.id for label in self.options.labels.labels if label.id in wanted]

    def render(self, personal: PersonalEdition) -> Rendered:
        context = self.context(personal)
        try:
            html = self.env.get_template("edition.html.j2").render(context)
            text = self.env.get_template("edition.txt.j2").render(context)
        except TemplateError as error:
            raise RenderError(f"gabarit de la lettre : {error}") from error
        return Rendered(str(context["subject"]), self._inliner.inline(html), text)
