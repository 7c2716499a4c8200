"""Matches of a search shown in <mark>, found as the database finds them: without
accents or case (« donnees » marks « Données »), phrases and prefixes alike."""

import re
import unicodedata

from markupsafe import Markup, escape

from db.search import Term, parse_query

_TAG = re.compile(r"(<[^>]*>)")


def _fold(text: str) -> tuple[str, list[int]]:
    """``text`` without accents, in lower case, and the index in ``text`` of each character."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for part in unicodedata.normalize("NFD", char).lower():
            if not unicodedata.combining(part):
                folded.append(part)
                origin.append(index)
    return "".join(folded), origin


def _pattern(terms: list[Term]) -> re.Pattern[str] | None:
    if not terms:
        return None
    alternatives = []
    for term in terms:
        words = [_fold(word)[0] for word in term.words]
        body = r"\W+".join(re.escape(word) for word in words)
        alternatives.append(r"\b" + body + (r"\w*" if term.prefix else r"\b"))
    return re.compile("|".join(alternatives))


def _mark(text: str, pattern: re.Pattern[str], safe: bool) -> str:
    """``text`` with its matches in <mark>; escaped unless it is ``safe`` already."""
    folded, origin = _fold(text)
    pieces, last = [], 0
    for found in pattern.finditer(folded):
        if found.end() == found.start():
            continue
        start, end = origin[found.start()], origin[found.end() - 1] + 1
        pieces += [text[last:start], Markup("<mark>"), text[start:end], Markup("</mark>")]
        last = end
    pieces.append(text[last:])
    return "".join(str(piece) if safe or isinstance(piece, Markup) else str(escape(piece))
                   for piece in pieces)  # fmt: skip


def highlight(text: str | None, query: str | None) -> Markup:
    """Plain ``text``, escaped, with the matches of ``query`` marked."""
    pattern = _pattern(parse_query(query or ""))
    if pattern is None or not text:
        return escape(text or "")
    return Markup(_mark(text, pattern, safe=False))


def highlight_html(html: str | None, query: str | None) -> Markup:
    """HTML sanitised when it was stored, with the matches of ``query`` marked in its text."""
    pattern = _pattern(parse_query(query or ""))
    if pattern is None or not html:
        return Markup(html or "")  # sanitised at collection
    parts = _TAG.split(html)
    return Markup(
        "".join(part if _TAG.fullmatch(part) else _mark(part, pattern, safe=True) for part in parts)
    )
