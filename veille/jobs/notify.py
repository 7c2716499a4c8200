"""Plain-text emails to the watch team (reminders, « rien n'a été publié »)."""

import logging
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from db.engine import session_scope
from db.repos.users import team_emails
from veille.jobs.base import JobContext, Tick

logger = logging.getLogger(__name__)


def tell_team(context: JobContext, tick: Tick, subject: str, body: str) -> int:
    """Email every active team member; returns how many messages left. Never raises."""
    from newsletter.errors import DeliveryError
    from veille.newsletter_config import smtp_sender

    with session_scope(context.session_factory) as session:
        recipients = team_emails(session)
    if not recipients:
        return 0
    settings = context.settings
    envelope = parseaddr(settings.mail_from)[1] or "veille@localhost"
    sent = 0
    sender = smtp_sender(settings)
    try:
        for address in recipients:
            message = _message(settings.mail_from, address, subject, body, tick)
            try:
                sender.send(envelope, address, message.as_bytes())
                sent += 1
            except DeliveryError as error:
                logger.error("courriel à l'équipe non remis à %s : %s", address, error)
    finally:
        sender.close()
    return sent


def _message(sender: str, to: str, subject: str, body: str, tick: Tick) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(tick.now)
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    return message
