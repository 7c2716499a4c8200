"""The MIME message, as any mail reader parses it back."""

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import cast

import pytest

from newsletter.links import RecipientLinks
from newsletter.message import MessageTemplate
from newsletter.render import MANAGE_PLACEHOLDER, UNSUBSCRIBE_PLACEHOLDER, Rendered
from tests.newsletter.factories import HEADERS

LINKS = RecipientLinks(
    "https://veille.exemple.fr/abonnement/preferences/" + "a" * 120,
    "https://veille.exemple.fr/abonnement/desabonnement/" + "b" * 120,
)
HTML = (
    "<html><body><p>Édition é à ç — « semaine 48 »</p>\n"
    f'<a href="{MANAGE_PLACEHOLDER}">Préférences</a> <a href="{UNSUBSCRIBE_PLACEHOLDER}">x</a>\n'
    "<p>fin</p></body></html>\n"
)
TEXT = f"Bonjour é\nPréférences : {MANAGE_PLACEHOLDER}\nDésabonnement : {UNSUBSCRIBE_PLACEHOLDER}\n"
RENDERED = Rendered("Veille IA — semaine 48 (du 23 au 29 novembre 2026)", HTML, TEXT)
WHEN = datetime(2026, 11, 27, 10, tzinfo=UTC)


def parse(data: bytes) -> EmailMessage:
    return cast(EmailMessage, message_from_bytes(data, policy=policy.default))


def expected(body: str) -> str:
    return body.replace(MANAGE_PLACEHOLDER, LINKS.manage_url).replace(
        UNSUBSCRIBE_PLACEHOLDER, LINKS.unsubscribe_url
    )


@pytest.mark.parametrize("eight_bit", [False, True], ids=["quoted-printable", "8bit"])
def test_parts_decode_to_the_rendered_bodies_with_the_recipients_links(eight_bit: bool) -> None:
    template = MessageTemplate(RENDERED, HEADERS, WHEN, eight_bit)
    outgoing = template.for_recipient("agnes@exemple.fr", "Agnès Dupont", LINKS)
    message = parse(outgoing.data)
    assert message.defects == []
    plain, html = message.iter_parts()
    assert plain["Content-Transfer-Encoding"] == ("8bit" if eight_bit else "quoted-printable")
    assert plain.get_content().replace("\r\n", "\n") == expected(TEXT)
    assert html.get_content().replace("\r\n", "\n") == expected(HTML)
    assert message["To"].addresses[0].display_name == "Agnès Dupont"
    assert message["Message-ID"] == outgoing.message_id
    assert message["Subject"] == RENDERED.subject
    limit = 78 if not eight_bit else 1000
    body = outgoing.data.split(b"\r\n\r\n", 1)[1]
    assert max(len(line) for line in body.split(b"\r\n")) <= limit
    if not eight_bit:
        assert outgoing.data.isascii()


def test_a_line_too_long_for_8bit_falls_back_to_quoted_printable() -> None:
    long = Rendered(RENDERED.subject, HTML + "<p>" + "mot " * 400 + "</p>\n", TEXT)
    outgoing = MessageTemplate(long, HEADERS, WHEN, eight_bit=True).for_recipient(
        "a@exemple.fr", "", LINKS
    )
    plain, html = parse(outgoing.data).iter_parts()
    assert plain["Content-Transfer-Encoding"] == "8bit"
    assert html["Content-Transfer-Encoding"] == "quoted-printable"


def test_names_cannot_inject_headers() -> None:
    template = MessageTemplate(RENDERED, HEADERS, WHEN)
    outgoing = template.for_recipient("a@exemple.fr", "Eve\r\nBcc: victime@exemple.fr", LINKS)
    message = parse(outgoing.data)
    assert message["Bcc"] is None
    assert message["To"].addresses[0].addr_spec == "a@exemple.fr"


def test_each_message_has_its_own_message_id() -> None:
    template = MessageTemplate(RENDERED, HEADERS, WHEN)
    ids = {template.for_recipient("a@exemple.fr", "", LINKS).message_id for _ in range(20)}
    assert len(ids) == 20
