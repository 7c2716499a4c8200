"""The MIME message of a newsletter: multipart/alternative, list headers (RFC 2369, 8058).

A profile's message is prepared once (``MessageTemplate``): the constant
headers are written by the ``email`` package and each body is encoded once,
in pieces around the link placeholders. For each recipient only the To,
Message-ID and List-Unsubscribe headers are written and the signed links are
put between the pieces, so that ten thousand messages take seconds.

Bodies go as 8bit UTF-8 when the server announced 8BITMIME (RFC 6152) and no
line exceeds the SMTP limit; otherwise as quoted-printable (``binascii``),
the links then cut by soft line breaks. Links are plain ASCII without ``=``,
which both encodings keep as they are. The boundary starts with ``=_``,
which cannot occur in a quoted-printable body nor in our 8bit bodies
(checked).
"""

import binascii
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

from newsletter.links import RecipientLinks
from newsletter.render import MANAGE_PLACEHOLDER, UNSUBSCRIBE_PLACEHOLDER, Rendered

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_PLACEHOLDERS = re.compile(
    f"({re.escape(MANAGE_PLACEHOLDER)}|{re.escape(UNSUBSCRIBE_PLACEHOLDER)})"
)
_QP_SAFE_LINK = re.compile(r"^[A-Za-z0-9:/._~%?&+,;@!$'()*-]+$")
SOFT_BREAK = b"=\r\n"
QP_LINE = 75
MAX_LINE = 998
LINK_ROOM = 300  # a signed link is about 150 characters


@dataclass(frozen=True, slots=True)
class ListHeaders:
    """What every message of the list carries."""

    mail_from: str
    list_id: str
    unsubscribe_mailto: str

    @property
    def domain(self) -> str:
        address = parseaddr(self.mail_from)[1]
        return address.rpartition("@")[2] or "localhost"


@dataclass(frozen=True, slots=True)
class Outgoing:
    recipient: str
    message_id: str
    data: bytes


def qp_encode(text: str) -> bytes:
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    return binascii.b2a_qp(normalised.encode("utf-8")).replace(b"\n", b"\r\n")


def qp_link(url: str) -> bytes:
    """A link as quoted-printable lines of its own, joined by soft line breaks."""
    if not _QP_SAFE_LINK.match(url):
        raise ValueError(f"lien inattendu dans un courriel : {url!r}")
    raw = url.encode("ascii")
    chunks = [raw[start : start + QP_LINE] for start in range(0, len(raw), QP_LINE)]
    return SOFT_BREAK + SOFT_BREAK.join(chunks) + SOFT_BREAK


class EncodedBody:
    """A body encoded once, with holes where each recipient's links go."""

    def __init__(self, text: str, eight_bit: bool = False) -> None:
        normalised = text.replace("\r\n", "\n").replace("\r", "\n")
        self.eight_bit = eight_bit and _fits_8bit(normalised)
        self.encoding = "8bit" if self.eight_bit else "quoted-printable"
        pieces = _PLACEHOLDERS.split(normalised)
        encode = _crlf_utf8 if self.eight_bit else qp_encode
        self.segments = [encode(piece) for piece in pieces[0::2]]
        self.holes = pieces[1::2]

    def _link(self, url: str) -> bytes:
        if self.eight_bit:
            return url.encode("ascii")
        return qp_link(url)

    def fill(self, links: RecipientLinks) -> bytes:
        encoded = {
            MANAGE_PLACEHOLDER: self._link(links.manage_url),
            UNSUBSCRIBE_PLACEHOLDER: self._link(links.unsubscribe_url),
        }
        out = [self.segments[0]]
        for hole, segment in zip(self.holes, self.segments[1:], strict=True):
            out.append(encoded[hole])
            out.append(segment)
        return b"".join(out)


def _crlf_utf8(text: str) -> bytes:
    return text.encode("utf-8").replace(b"\n", b"\r\n")


def _fits_8bit(text: str) -> bool:
    """Every line stays under the SMTP limit once links are in, and no boundary can occur."""
    if "=_veille_" in text or "\x00" in text:
        return False
    return all(_room(line) <= MAX_LINE for line in text.split("\n"))


def _room(line: str) -> int:
    """Bytes a line will take, counting room for the links that replace its placeholders."""
    links = len(_PLACEHOLDERS.findall(line))
    return len(line.encode("utf-8")) + links * LINK_ROOM


def _constant_headers(subject: str, headers: ListHeaders, date: datetime, boundary: str) -> bytes:
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = headers.mail_from
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    message["List-Id"] = headers.list_id
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["MIME-Version"] = "1.0"
    message["Content-Type"] = f'multipart/alternative; boundary="{boundary}"'
    raw = message.as_bytes()
    return raw[: raw.index(b"\r\n\r\n") + 2]


def _part_header(subtype: str, encoding: str) -> bytes:
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
        f"Content-Transfer-Encoding: {encoding}\r\n\r\n"
    ).encode("ascii")


def clean_name(name: str) -> str:
    return _CONTROL.sub(" ", name).strip()


class MessageTemplate:
    """One rendered profile, ready to be addressed to each of its subscribers."""

    def __init__(
        self, rendered: Rendered, headers: ListHeaders, date: datetime, eight_bit: bool = False
    ) -> None:
        self.rendered = rendered
        self.headers = headers
        self.boundary = "=_veille_" + secrets.token_hex(12)
        self._head = _constant_headers(rendered.subject, headers, date, self.boundary)
        self._text = EncodedBody(rendered.text, eight_bit)
        self._html = EncodedBody(rendered.html, eight_bit)
        delimiter = f"--{self.boundary}\r\n".encode("ascii")
        self._before_text = b"\r\n" + delimiter + _part_header("plain", self._text.encoding)
        self._before_html = b"\r\n" + delimiter + _part_header("html", self._html.encoding)
        self._end = f"\r\n--{self.boundary}--\r\n".encode("ascii")

    def for_recipient(self, email: str, name: str, links: RecipientLinks) -> Outgoing:
        message_id = make_msgid("veille", domain=self.headers.domain)
        unsubscribe = f"<{links.unsubscribe_url}>,\r\n <mailto:{self.headers.unsubscribe_mailto}>"
        address = formataddr((clean_name(name), clean_name(email)), charset="utf-8")
        recipient_headers = (
            f"To: {address}\r\nMessage-ID: {message_id}\r\nList-Unsubscribe: {unsubscribe}\r\n"
        ).encode()
        data = b"".join(
            (
                self._head,
                recipient_headers,
                self._before_text,
                self._text.fill(links),
                self._before_html,
                self._html.fill(links),
                self._end,
            )
        )
        return Outgoing(email, message_id, data)


def simple_message(
    mail_from: str, to: str, subject: str, text: str, date: datetime
) -> EmailMessage:
    """A plain-text message (subscription confirmation, notices)."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid("veille", domain=domain)
    message.set_content(text, cte="quoted-printable")
    return message
