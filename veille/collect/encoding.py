"""A feed's declared encoding, corrected when its bytes say otherwise; pure.

Many sites declare ISO-8859-1 (in the XML prolog or the HTTP header) and
serve UTF-8: read as declared, « Éléphant » becomes « Ã‰lÃ©phant ». Bytes
that are valid UTF-8 and hold multi-byte sequences are, in practice, never
Latin-1 text; when the declaration names a single-byte charset, the feed is
read as UTF-8 and the correction is reported.
"""

import codecs
import re

_PROLOG = re.compile(rb"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])([A-Za-z0-9._:-]+)(["'])""")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)["']?""", re.IGNORECASE)
_SINGLE_BYTE = re.compile(r"^(latin_1|iso8859_\d+|cp125\d|cp437|cp850|ascii|mac_roman|koi8_\w)$")


def declared_charsets(body: bytes, content_type: str) -> list[str]:
    """The charsets named by the XML prolog and by the Content-Type header."""
    names: list[str] = []
    prolog = _PROLOG.match(body[:512])
    if prolog:
        names.append(prolog.group(2).decode("ascii"))
    header = _CHARSET.search(content_type or "")
    if header:
        names.append(header.group(1))
    return names


def _single_byte(name: str) -> bool:
    try:
        return bool(_SINGLE_BYTE.match(codecs.lookup(name).name.replace("-", "_")))
    except LookupError:
        return False


def utf8_despite_declaration(body: bytes, content_type: str) -> tuple[bytes, str, str | None]:
    """(body, content type, note): declared as UTF-8 when the bytes are UTF-8 after all.

    The note, for the source's report, is None when nothing was changed.
    """
    wrong = [name for name in declared_charsets(body, content_type) if _single_byte(name)]
    if not wrong or body.isascii():
        return body, content_type, None
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return body, content_type, None
    body = _PROLOG.sub(rb"\g<1>utf-8\g<3>", body, count=1)
    content_type = _CHARSET.sub("charset=utf-8", content_type or "")
    return body, content_type, f"encodage déclaré {wrong[0]} mais contenu en UTF-8 : lu en UTF-8"
