"""Normalisation of collected data: canonical URLs, safe HTML, UTC dates; pure.

HTML is cleaned with nh3 (an allow-list: no script, style, iframe, event
handler or tracking pixel survives) and relative links are resolved against
the entry's address in the same pass. It is cleaned once, here, and stored
clean: the web app shows it as stored.

An HTML parser's cost grows with the square of the nesting depth, so a
hostile summary of 200,000 nested ``<div>`` would take minutes. Before
parsing, the fragment is cut to ``MAX_HTML_CHARS`` and at the first element
deeper than ``MAX_HTML_DEPTH``, by a linear scan of its tags, and the cut is
marked in the text.
"""

import hashlib
import html
import re
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import nh3

_TRACKING_PARAMS = re.compile(
    r"^(utm_.*|xtor|xts|at_.*|fbclid|gclid|dclid|msclkid|mc_.*|_hsenc|_hsmi|yclid|igshid|"
    r"ocid|cmpid|ns_.*|oly_.*|wt\.mc_id|mkt_tok|ref_src|rss|from)$",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_ABSOLUTE = re.compile(r"https?://", re.IGNORECASE)
_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "img", "ins", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_PIXEL = re.compile(
    r"\b(?:width|height)\s*=\s*[\"']?[01](?:px)?(?![\d.])"
    r"|pixel|tracking|beacon|/~r/|feedburner\.com/~ff",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]*>")
MAX_HTML_CHARS = 100_000
MAX_HTML_DEPTH = 64
TRUNCATED_MARK = "<p>[…] (contenu tronqué)</p>"
_START_OR_END_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*>")
# Elements that never nest (void), or whose end tag may be left out because the
# next one closes them: counting them would take a list of <p> for depth.
_FLAT_ELEMENTS = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody",
    "tfoot", "option", "optgroup", "colgroup", "rb", "rp", "rt", "rtc",
})  # fmt: skip
_FUTURE_TOLERANCE = timedelta(days=1)


def canonical_url(url: str, base: str | None = None) -> str | None:
    """The address used to recognise an article: no tracking, no fragment, one form."""
    url = url.strip()
    if not url:
        return None
    if base and not _ABSOLUTE.match(url):
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path) or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    return urlunsplit((scheme, host, path, _without_tracking(parts.query), ""))


def _without_tracking(query: str) -> str:
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(key, value) for key, value in pairs if not _TRACKING_PARAMS.match(key)])


def _drop_pixel(match: re.Match[str]) -> str:
    """Tracking pixels (1×1 or a tracker's address) go; other images stay."""
    return "" if _PIXEL.search(match.group(0)) else match.group(0)


def clean_html(fragment: str, base_url: str | None = None) -> str:
    """Sanitised HTML with absolute links; tracking pixels removed."""
    if not fragment:
        return ""
    fragment = bounded_html(fragment)
    if "<img" in fragment or "<IMG" in fragment:
        fragment = _IMG.sub(_drop_pixel, fragment)
    return nh3.clean(
        fragment,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        url_relative=("rewrite_with_base", base_url) if base_url else "deny",
        link_rel="noopener noreferrer nofollow",
    ).strip()


def bounded_html(fragment: str) -> str:
    """``fragment`` cut to a size and nesting depth whose parsing cost is bounded."""
    cut = len(fragment) > MAX_HTML_CHARS
    if cut:
        fragment = fragment[:MAX_HTML_CHARS]
    elif fragment.count("<") <= MAX_HTML_DEPTH:
        return fragment  # too few tags to nest that deep: no scan (most summaries)
    depth = 0
    for tag in _START_OR_END_TAG.finditer(fragment):
        closing, name = tag.group(1), tag.group(2).lower()
        if name in _FLAT_ELEMENTS or tag.group(0).endswith("/>"):
            continue
        if closing:
            depth = max(0, depth - 1)
            continue
        depth += 1
        if depth > MAX_HTML_DEPTH:
            fragment, cut = fragment[: tag.start()], True
            break
    return fragment + TRUNCATED_MARK if cut else fragment


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, whitespace collapsed."""
    if not fragment:
        return ""
    if "<" not in fragment and "&" not in fragment:
        return " ".join(fragment.split())
    return cleaned_to_text(clean_html(fragment))


def cleaned_to_text(cleaned: str) -> str:
    """Plain text of HTML already cleaned by ``clean_html`` (tags are well formed)."""
    return " ".join(html.unescape(_TAG.sub(" ", cleaned)).split())


# C0 control characters but tab and newline: PostgreSQL refuses NUL in text,
# and none of them belongs in a title or a summary.
_CONTROLS = dict.fromkeys(code for code in range(32) if chr(code) not in "\t\n")


def strip_controls(text: str) -> str:
    """The text without NUL and the other C0 control characters (tab and newline stay)."""
    return text.translate(_CONTROLS) if text and not text.isprintable() else text


def plain_title(title: str) -> str:
    """A title as plain text, on one line."""
    return html_to_text(title)


def to_utc(parsed: time.struct_time | None, now: datetime) -> tuple[datetime, bool]:
    """An entry's date in UTC, and whether it was estimated (missing or far future)."""
    if parsed is None:
        return now, True
    try:
        moment = datetime(*parsed[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return now, True
    if moment > now + _FUTURE_TOLERANCE:
        return now, True
    return moment, False


def parse_iso_date(text: str | None, now: datetime) -> tuple[datetime, bool]:
    """An RFC 3339 date (JSON Feed) in UTC, or ``now`` flagged as estimated."""
    if not text:
        return now, True
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return now, True
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return (now, True) if moment > now + _FUTURE_TOLERANCE else (moment, False)


def language_code(*candidates: str | None) -> str | None:
    """The first usable language code, reduced to ISO 639-1 (``fr-FR`` → ``fr``)."""
    for candidate in candidates:
        if candidate:
            code = candidate.strip().lower().replace("_", "-").split("-")[0]
            if re.fullmatch(r"[a-z]{2}", code):
                return code
    return None


def content_hash(*parts: str) -> str:
    """A stable fingerprint of an entry's content, to notice real updates."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "replace"))
        digest.update(b"\x00")
    return digest.hexdigest()
