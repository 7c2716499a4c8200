"""The weekly newsletter: edition assembly, personalisation, rendering, delivery.

Uses only ``db``; label titles and settings come from the caller.
"""

from newsletter.content import EditionContent, LabelCatalog, PersonalEdition, Profile
from newsletter.delivery import OutboxSender, Sender, SmtpConfig, SmtpSender
from newsletter.edition import EditionOptions, build_edition
from newsletter.errors import NewsletterError
from newsletter.links import LinkSigner
from newsletter.personalise import pick_for
from newsletter.render import Renderer, RenderOptions
from newsletter.sending import Composer, Planner, SendOptions, SendReport, send_edition

__all__ = [
    "Composer",
    "EditionContent",
    "EditionOptions",
    "LabelCatalog",
    "LinkSigner",
    "NewsletterError",
    "OutboxSender",
    "PersonalEdition",
    "Planner",
    "Profile",
    "RenderOptions",
    "Renderer",
    "SendOptions",
    "SendReport",
    "Sender",
    "SmtpConfig",
    "SmtpSender",
    "build_edition",
    "pick_for",
    "send_edition",
]
