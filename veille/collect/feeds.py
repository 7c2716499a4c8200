"""Feed parsing: bytes in, normalised entries out; pure, safe to run in a worker.

RSS 0.9x/1.0/2.0 and Atom go through feedparser, with its own sanitiser and
relative-URI resolution turned off: ``normalise.clean_html`` does both, with
an allow-list, in one pass (and much faster). JSON Feed 1.0/1.1 is read
directly. A feed with a recoverable error ("bozo") still yields its entries;
the error comes back as a warning. So does an entry that cannot be read (a
JSON Feed ``"url": 42``…): it is skipped, counted and explained, and the rest
of the feed is kept. Control characters (NUL…) are stripped from every field.
"""

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any, TypeVar

from veille.collect.dedup import TEXT_CHARS, fingerprint
from veille.collect.encoding import utf8_despite_declaration
from veille.collect.fastfeed import RawFeed, read_fast
from veille.collect.normalise import (
    canonical_url,
    clean_html,
    cleaned_to_text,
    content_hash,
    language_code,
    parse_iso_date,
    plain_title,
    strip_controls,
    to_utc,
)
from veille.errors import FeedParseError
from veille.types import Candidate, ParsedFeed

logger = logging.getLogger(__name__)
T = TypeVar("T")
UNTITLED = "(sans titre)"
REASONS_SHOWN = 3
_LEADING_HTML = 4 * TEXT_CHARS
_SAX_DRIVER = "veille.collect._saxdriver"
_JSON_FEED_VERSIONS = ("https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1")


def parse_feed(
    url: str, body: bytes, content_type: str, language: str | None, now: datetime
) -> ParsedFeed:
    """Parse a fetched feed. Raises FeedParseError when it is not a usable feed."""
    if not body.strip():
        raise FeedParseError("réponse vide : aucun flux à lire")
    if _looks_like_json(body, content_type):
        return _parse_json_feed(url, body, language, now)
    body, content_type, encoding_note = utf8_despite_declaration(body, content_type)
    if encoding_note:
        logger.warning("%s : %s", url, encoding_note)
    fast = read_fast(body)
    if fast is not None:
        parsed = _from_fast(url, fast, language, now)
    else:
        parsed = _parse_xml_feed(url, body, content_type, language, now)
    if encoding_note is None:
        return parsed
    return replace(parsed, warning=_joined(encoding_note, parsed.warning))


class BadEntry(ValueError):
    """An entry that cannot be read; the message says why, in French."""


def _entries(
    url: str, items: Iterable[T], build: Callable[[T], Candidate]
) -> tuple[tuple[Candidate, ...], str | None]:
    """Each item built on its own: a bad one is skipped and explained, never the feed."""
    kept: list[Candidate] = []
    reasons: list[str] = []
    for position, item in enumerate(items, start=1):
        try:
            kept.append(build(item))
        except Exception as error:  # one entry, whatever it holds, never loses the feed
            reason = str(error) if isinstance(error, BadEntry) else _unexpected(error)
            reasons.append(f"entrée {position} : {reason}")
    if not reasons:
        return tuple(kept), None
    shown = " ; ".join(reasons[:REASONS_SHOWN]) + (" ; …" if len(reasons) > REASONS_SHOWN else "")
    note = f"{len(reasons)} entrée(s) ignorée(s) ({shown})"
    logger.warning("%s : %s", url, note)
    return tuple(kept), note


def _unexpected(error: Exception) -> str:
    return f"illisible ({type(error).__name__}: {str(error)[:120]})"


def _joined(*warnings: str | None) -> str | None:
    return " ; ".join(warning for warning in warnings if warning) or None


def _from_fast(url: str, raw: RawFeed, language: str | None, now: datetime) -> ParsedFeed:
    feed_language = language_code(raw.language, language)
    entries, skipped = _entries(
        url,
        raw.entries,
        lambda entry: _candidate(
            base=url,
            guid=entry.guid,
            title=entry.title,
            link=entry.link,
            body_html=entry.body_html,
            author=entry.author,
            language=language_code(entry.language, feed_language),
            date=_checked(entry.published, now),
        ),
    )
    return ParsedFeed(
        title=_feed_title(raw.title),
        site_url=raw.link,
        language=feed_language,
        ttl_seconds=_ttl_seconds(raw.ttl),
        entries=entries,
        warning=skipped,
    )


def _feed_title(title: Any) -> str | None:
    return plain_title(strip_controls(title)) or None if isinstance(title, str) else None


def _checked(moment: datetime | None, now: datetime) -> tuple[datetime, bool]:
    return to_utc(moment.utctimetuple() if moment else None, now)


def _looks_like_json(body: bytes, content_type: str) -> bool:
    return "json" in content_type.lower() or body.lstrip()[:1] == b"{"


def _parse_xml_feed(
    url: str, body: bytes, content_type: str, language: str | None, now: datetime
) -> ParsedFeed:
    import feedparser  # only for feeds the fast path declines: it weighs 12 MB in memory

    _use_buffered_driver()
    parsed = feedparser.parse(
        body,
        response_headers={"content-type": content_type or "application/xml"},
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    if not parsed.get("version") and not parsed.entries:
        raise FeedParseError(_not_a_feed_reason(parsed, content_type))
    feed = parsed.feed
    feed_language = language_code(feed.get("language"), language)
    entries, skipped = _entries(
        url, parsed.entries, lambda entry: _xml_entry(url, entry, feed_language, now)
    )
    return ParsedFeed(
        title=_feed_title(feed.get("title", "")),
        site_url=feed.get("link"),
        language=feed_language,
        ttl_seconds=_ttl_seconds(feed.get("ttl")),
        entries=entries,
        warning=_joined(_bozo_warning(parsed) if parsed.get("bozo") else None, skipped),
    )


def _use_buffered_driver() -> None:
    """Put our buffering SAX driver first in feedparser's list (once per process)."""
    import feedparser.api

    drivers = feedparser.api.PREFERRED_XML_PARSERS
    if _SAX_DRIVER not in drivers:
        drivers.insert(0, _SAX_DRIVER)


def _not_a_feed_reason(parsed: Any, content_type: str) -> str:
    if "html" in content_type.lower():
        return "la réponse est une page HTML, pas un flux RSS/Atom"
    error = parsed.get("bozo_exception")
    detail = f" ({_exception_text(error)})" if error else ""
    return f"la réponse n'est pas un flux RSS/Atom lisible{detail}"


def _bozo_warning(parsed: Any) -> str:
    return f"flux imparfait, lu quand même : {_exception_text(parsed.get('bozo_exception'))}"


def _exception_text(error: Any) -> str:
    text = str(getattr(error, "getMessage", lambda: error)()) or type(error).__name__
    return text[:200]


def _ttl_seconds(value: Any) -> int | None:
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return minutes * 60 if minutes > 0 else None


def _xml_entry(base: str, entry: Any, language: str | None, now: datetime) -> Candidate:
    link = entry.get("link") or None
    content = entry.get("content") or []
    body = max([part.get("value", "") for part in content] + [entry.get("summary", "")], key=len)
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    return _candidate(
        base=base,
        guid=entry.get("id") or None,
        title=entry.get("title", ""),
        link=link,
        body_html=body,
        author=entry.get("author") or None,
        language=language_code(entry.get("language"), language),
        date=to_utc(when, now),
    )


def _candidate(
    *,
    base: str,
    guid: str | None,
    title: str,
    link: str | None,
    body_html: str,
    author: str | None,
    language: str | None,
    date: tuple[datetime, bool],
) -> Candidate:
    link = strip_controls(link) if link else None
    absolute = canonical_url(link, base) if link else None
    summary = clean_html(strip_controls(body_html), absolute or base)
    text = _leading_text(summary)
    title = plain_title(strip_controls(title)) or _title_from(text)
    author = strip_controls(author).strip() or None if author else None
    guid = strip_controls(guid or "").strip()
    return Candidate(
        guid=guid or absolute or _hash_guid(title, summary),
        title=title,
        url=absolute,
        canonical_url=absolute,
        summary_html=summary,
        author=author,
        language=language,
        published_at=date[0],
        published_estimated=date[1],
        content_hash=content_hash(title, summary),
        fingerprint=fingerprint(title, text),
    )


def _hash_guid(title: str, summary: str) -> str:
    """An identity for an entry with neither GUID nor link: its title and whole text."""
    return "hash:" + content_hash(title, cleaned_to_text(summary))[:40]


def _leading_text(summary: str) -> str:
    """The start of the summary's text: all that fingerprints and titles read.

    Converting only the first few kilobytes matters for long entries; a cut
    inside a tag only leaves a few characters past what is read.
    """
    text = cleaned_to_text(summary[:_LEADING_HTML])
    if len(text) < TEXT_CHARS and len(summary) > _LEADING_HTML:
        text = cleaned_to_text(summary)
    return text


def _title_from(text: str) -> str:
    words = text.split()
    return " ".join(words[:12]) + ("…" if len(words) > 12 else "") if words else UNTITLED


def _parse_json_feed(url: str, body: bytes, language: str | None, now: datetime) -> ParsedFeed:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise FeedParseError(f"JSON illisible : {error}") from error
    if not isinstance(data, dict) or data.get("version") not in _JSON_FEED_VERSIONS:
        raise FeedParseError("ce JSON n'est pas un JSON Feed (champ version absent ou inconnu)")
    items = data.get("items")
    if not isinstance(items, list):
        raise FeedParseError("JSON Feed sans liste « items »")
    feed_language = language_code(_text_or_none(data.get("language")), language)
    entries, skipped = _entries(url, items, lambda item: _json_entry(url, item, feed_language, now))
    return ParsedFeed(
        title=_feed_title(data.get("title")),
        site_url=_text_or_none(data.get("home_page_url")),
        language=feed_language,
        ttl_seconds=None,
        entries=entries,
        warning=skipped,
    )


def _text_or_none(value: Any) -> str | None:
    return strip_controls(value) if isinstance(value, str) else None


_JSON_TEXTS = (
    "url", "external_url", "title", "content_html", "content_text", "summary",
    "date_published", "date_modified", "language",
)  # fmt: skip


def _checked_json_item(item: Any) -> dict[str, Any]:
    """The item if its fields have the types JSON Feed gives them; else BadEntry."""
    if not isinstance(item, dict):
        raise BadEntry(f"un objet était attendu, pas {_shown(item)}")
    for key in _JSON_TEXTS:
        value = item.get(key)
        if value is not None and not isinstance(value, str):
            raise BadEntry(f"« {key} » n'est pas un texte ({_shown(value)})")
    identity = item.get("id")
    if identity is not None and (isinstance(identity, bool) or not isinstance(identity, str | int)):
        raise BadEntry(f"« id » n'est ni un texte ni un nombre ({_shown(identity)})")
    return item


def _shown(value: Any) -> str:
    return repr(value)[:40]


def _json_entry(base: str, item: Any, language: str | None, now: datetime) -> Candidate:
    item = _checked_json_item(item)
    body = item.get("content_html") or item.get("summary") or _escape(item.get("content_text"))
    authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
    author = ", ".join(str(a.get("name")) for a in authors if isinstance(a, dict) and a.get("name"))
    return _candidate(
        base=base,
        guid=str(item.get("id") or "") or None,
        title=str(item.get("title") or ""),
        link=item.get("url") or item.get("external_url"),
        body_html=str(body or ""),
        author=author or None,
        language=language_code(item.get("language"), language),
        date=parse_iso_date(item.get("date_published") or item.get("date_modified"), now),
    )


def _escape(text: Any) -> str:
    import html

    return html.escape(str(text)) if text else ""
