"""Text normalisation shared by training and prediction.

The same function must run on both sides: any change here changes what a saved
model sees, so ``NORMALISATION_VERSION`` is stored with each model and checked
at load time. Batches are normalised as one joined string because the
per-character work (lowercasing, accent folding) is then done by C loops.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence

import numpy as np

NORMALISATION_VERSION = 1

#: Characters of body text kept per article. News items put their subject in
#: the first paragraphs; the rest of a long page mostly adds noise and time.
MAX_TEXT_CHARS = 3000

_SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]{0,2000}>")
_DOC_SEPARATOR = "\x00"
_REPLACEMENTS = (("’", "'"), ("‘", "'"), ("ʼ", "'"), ("œ", "oe"), ("æ", "ae"))
_PUNCTUATION = "«»“”„…–—•·€"
_COMBINING_FIRST, _COMBINING_LAST = 0x300, 0x36F


def strip_html(text: str) -> str:
    """Remove tags (and script/style contents) and decode entities."""
    if "<" in text:
        text = _TAG.sub(" ", _SCRIPT_STYLE.sub(" ", text))
    if "&" in text:
        text = html.unescape(text)
    return text


def truncate(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """Cut at the last space before ``limit`` so that no word is split."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit]


def fold(text: str) -> str:
    """Lowercase, remove accents (``Éthique`` → ``ethique``), unify apostrophes."""
    text = text.lower()
    for old, new in _REPLACEMENTS:
        text = text.replace(old, new)
    for mark in _PUNCTUATION:
        text = text.replace(mark, " ")
    if text.isascii():
        return text
    return _drop_combining_marks(unicodedata.normalize("NFKD", text))


def normalise(title: str, text: str) -> str:
    """The single string the features of one article are computed from."""
    return normalise_batch([(title, text)])[0]


def normalise_batch(items: Sequence[tuple[str, str]]) -> list[str]:
    """Normalise many (title, text) pairs at once; same result as ``normalise``."""
    pieces = (_join_title(title, text) for title, text in items)
    folded = fold(_DOC_SEPARATOR.join(piece.replace(_DOC_SEPARATOR, " ") for piece in pieces))
    return folded.split(_DOC_SEPARATOR) if items else []


def _join_title(title: str, text: str) -> str:
    body = truncate(strip_html(text))
    head = strip_html(title)
    return f"{head} . {body}" if head.strip() else body


def _drop_combining_marks(text: str) -> str:
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    keep = (codes < _COMBINING_FIRST) | (codes > _COMBINING_LAST)
    return codes[keep].tobytes().decode("utf-32-le")
