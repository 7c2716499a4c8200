"""A proof of the letter: one message to one address, outside the delivery log.

Used by ``veille newsletter send --test-to`` and the edition page's
« m'envoyer un test ». The preferences and unsubscribe links point to the
subscription page, since the address need not be a subscriber.
"""

from collections.abc import Callable
from datetime import datetime
from email.utils import parseaddr

from newsletter.delivery import Sender
from newsletter.links import RecipientLinks
from newsletter.message import MessageTemplate
from newsletter.render import Rendered
from newsletter.sending import SendOptions, send_with_retries


def send_proof(
    rendered: Rendered,
    address: str,
    public_url: str,
    options: SendOptions,
    sender: Sender,
    now: datetime,
    sleep: Callable[[float], None],
) -> None:
    """Send ``rendered`` to ``address``; the sender is closed afterwards.

    Raises:
        DeliveryError: the server refused the message or could not be reached.
    """
    base = public_url.rstrip("/") + "/abonnement"
    envelope = parseaddr(options.headers.mail_from)[1]
    try:
        template = MessageTemplate(rendered, options.headers, now, sender.supports_8bit())
        outgoing = template.for_recipient(address, "", RecipientLinks(base, base))
        send_with_retries(sender, envelope, address, outgoing.data, options, sleep)
    finally:
        sender.close()
