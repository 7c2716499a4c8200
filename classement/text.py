"""Text normalisation shared by training and prediction.

The same function must run on both sides: any change here changes what a saved
model sees, so ``NORMALISATION_VERSION`` is stored with each model and checked
at load time.
"""

from __future__ import annotations

import html
import re
import unicodedata

NORMALISATION_VERSION = 1

#: Characters of body text kept per article. News items put their subject in
#: the first paragraphs; the rest of a long page mostly adds noise and time.
MAX_TEXT_CHARS = 3000

_SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]{0,2000}>")
_COMBINING = re.compile(r"[\u0300-\u036f]+")
_SPACES = re.compile(r"\s+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "\u00a0": " ", "œ": "oe", "æ": "ae"})


def strip_html(text: str) -> str:
    """Remove tags (and script/style contents) and decode entities."""
    if "<" in text:
        text = _TAG.sub(" ", _SCRIPT_STYLE.sub(" ", text))
    if "&" in text:
        text = html.unescape(text)
    return text


def fold(text: str) -> str:
    """Lowercase and remove accents (``Éthique`` → ``ethique``)."""
    text = text.lower().translate(_APOSTROPHES)
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def truncate(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """Cut at the last space before ``limit`` so that no word is split."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit]


def normalise(title: str, text: str) -> str:
    """The single string the features are computed from."""
    body = truncate(_SPACES.sub(" ", strip_html(text)).strip())
    head = _SPACES.sub(" ", strip_html(title)).strip()
    return fold(f"{head} . {body}" if head else body)
