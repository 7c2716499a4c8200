"""Watched pages: keep the region that matters and reduce it to comparable text; pure.

The region is the one given by the catalogue's CSS selector, else the main
content (``main``, ``article``, ``[role=main]``… minus navigation, headers,
footers and cookie banners). Lines matching the catalogue's ``ignore``
patterns (counters, "mis à jour le…") are dropped. Two hashes come out: one
of the raw bytes, to skip work when nothing moved, and one of the sorted
lines, so whitespace or reordering alone is never a change.
"""

import hashlib
import re
from collections.abc import Sequence

from bs4 import BeautifulSoup, Tag

from veille.errors import PageExtractError, SelectorNotFound
from veille.types import PageText

_MAIN_CANDIDATES = ("main", "article", "[role=main]", "#content", "#main", ".content")
_ALWAYS_REMOVED = "script, style, noscript, template, svg, iframe, object"
_CHROME = (
    "nav, header, footer, aside, form, [role=navigation], [role=banner], [role=contentinfo], "
    "[class*=cookie], [id*=cookie], [class*=consent], [id*=consent], [class*=breadcrumb]"
)
_SPACES = re.compile(r"\s+")
_CHARSET = re.compile(r"charset=([\w.:-]+)", re.IGNORECASE)


def extract_page(
    body: bytes, content_type: str, selector: str | None, ignore: Sequence[str] = ()
) -> PageText:
    """The watched text of a page. Raises SelectorNotFound or PageExtractError."""
    if not body.strip():
        raise PageExtractError("page vide : le serveur n'a rien renvoyé")
    match = _CHARSET.search(content_type)
    soup = BeautifulSoup(body, "lxml", from_encoding=match.group(1) if match else None)
    for node in soup.select(_ALWAYS_REMOVED):
        node.decompose()
    region = _select_region(soup, selector)
    lines = _lines(region, [re.compile(pattern) for pattern in ignore])
    if not lines:
        raise PageExtractError("la zone surveillée ne contient aucun texte")
    return PageText(
        text="\n".join(lines),
        raw_hash=hashlib.sha256(body).hexdigest(),
        text_hash=hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest(),
    )


def _select_region(soup: BeautifulSoup, selector: str | None) -> Tag:
    if selector:
        try:
            found = soup.select(selector)
        except Exception as error:  # soupsieve raises its own SelectorSyntaxError
            raise PageExtractError(f"sélecteur CSS invalide « {selector} » : {error}") from error
        if not found:
            raise SelectorNotFound(f"le sélecteur « {selector} » ne trouve plus rien")
        wrapper = soup.new_tag("div")
        for node in found:
            wrapper.append(node.extract())
        return wrapper
    for node in soup.select(_CHROME):
        if not node.decomposed:
            node.decompose()
    for candidate in _MAIN_CANDIDATES:
        region = soup.select_one(candidate)
        if region is not None and region.get_text(strip=True):
            return region
    if soup.body is None:
        raise PageExtractError("la réponse n'est pas une page HTML lisible")
    return soup.body


def _lines(region: Tag, ignore: list[re.Pattern[str]]) -> list[str]:
    lines = []
    for raw in region.get_text("\n").splitlines():
        line = _SPACES.sub(" ", raw).strip()
        if line and not any(pattern.search(line) for pattern in ignore):
            lines.append(line)
    return lines
