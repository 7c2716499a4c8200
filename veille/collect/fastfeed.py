"""A fast path for well-formed RSS 2.0, RSS 1.0 and Atom feeds, with lxml; pure.

feedparser spends most of its time in Python callbacks, one per chunk of
text; on a few hundred feeds it is the bottleneck of a collection. Most feeds
are well formed, so this module reads them with lxml's C parser and hands
back the same raw fields feedparser would. Anything unusual — not well
formed, a DOCTYPE (entities), an unknown root, a date it cannot read —
returns None and the caller falls back to feedparser, which stays the
reference. ``tests/veille/test_fastfeed.py`` checks that both agree.
"""

import html
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
RSS1 = "{http://purl.org/rss/1.0/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
)


class Unsupported(Exception):
    """Not for the fast path: let feedparser read it."""


@dataclass(frozen=True, slots=True)
class RawEntry:
    guid: str | None
    title: str
    link: str | None
    body_html: str
    author: str | None
    language: str | None
    published: datetime | None


@dataclass(frozen=True, slots=True)
class RawFeed:
    title: str | None
    link: str | None
    language: str | None
    ttl: str | None
    entries: list[RawEntry]


def read_fast(body: bytes) -> RawFeed | None:
    """The feed's raw fields, or None when feedparser must handle it."""
    if b"<!DOCTYPE" in body[:2048] or b"<!ENTITY" in body[:4096]:
        return None
    try:
        root = etree.fromstring(body, _PARSER)
        if root.tag == "rss":
            return _rss2(root)
        if root.tag == f"{ATOM}feed":
            return _atom(root)
        if root.tag == f"{RDF}RDF":
            return _rss1(root)
    except (etree.XMLSyntaxError, ValueError, Unsupported):
        return None
    return None


def _text(node: Any, path: str) -> str | None:
    found = node.find(path)
    if found is None:
        return None
    return (found.text or "").strip() or None


def _rss2(root: Any) -> RawFeed:
    channel = root.find("channel")
    if channel is None:
        raise Unsupported("rss without channel")
    language = _text(channel, "language") or _text(channel, f"{DC}language")
    entries = [_rss_item(item, language) for item in channel.iterfind("item")]
    return RawFeed(
        _text(channel, "title"), _text(channel, "link"), language, _text(channel, "ttl"), entries
    )


def _rss_item(item: Any, language: str | None) -> RawEntry:
    description = _text(item, "description") or ""
    encoded = _text(item, f"{CONTENT}encoded") or ""
    date = _text(item, "pubDate") or _text(item, f"{DC}date")
    return RawEntry(
        guid=_text(item, "guid"),
        title=_text(item, "title") or "",
        link=_text(item, "link"),
        body_html=max(encoded, description, key=len),
        author=_text(item, "author") or _text(item, f"{DC}creator"),
        language=language,
        published=_date(date),
    )


def _rss1(root: Any) -> RawFeed:
    channel = root.find(f"{RSS1}channel")
    if channel is None:
        raise Unsupported("rdf without channel")
    language = _text(channel, f"{DC}language")
    entries = [
        RawEntry(
            guid=item.get(f"{RDF}about") or _text(item, f"{RSS1}link"),
            title=_text(item, f"{RSS1}title") or "",
            link=_text(item, f"{RSS1}link"),
            body_html=_text(item, f"{CONTENT}encoded") or _text(item, f"{RSS1}description") or "",
            author=_text(item, f"{DC}creator"),
            language=language,
            published=_date(_text(item, f"{DC}date")),
        )
        for item in root.iterfind(f"{RSS1}item")
    ]
    return RawFeed(
        _text(channel, f"{RSS1}title"), _text(channel, f"{RSS1}link"), language, None, entries
    )


def _atom(root: Any) -> RawFeed:
    language = root.get(XML_LANG)
    entries = [_atom_entry(entry, entry.get(XML_LANG) or language) for entry in root.iterfind(
        f"{ATOM}entry"
    )]  # fmt: skip
    return RawFeed(_atom_text(root.find(f"{ATOM}title")), _atom_link(root), language, None, entries)


def _atom_entry(entry: Any, language: str | None) -> RawEntry:
    content = _atom_html(entry.find(f"{ATOM}content"))
    summary = _atom_html(entry.find(f"{ATOM}summary"))
    date = _text(entry, f"{ATOM}published") or _text(entry, f"{ATOM}updated")
    return RawEntry(
        guid=_text(entry, f"{ATOM}id"),
        title=_atom_text(entry.find(f"{ATOM}title")) or "",
        link=_atom_link(entry),
        body_html=max(content, summary, key=len),
        author=_text(entry, f"{ATOM}author/{ATOM}name"),
        language=language,
        published=_date(date),
    )


def _atom_link(node: Any) -> str | None:
    for link in node.iterfind(f"{ATOM}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            if link.base and link.base != link.getroottree().docinfo.URL:
                raise Unsupported("xml:base")
            return str(link.get("href")).strip()
    return None


def _atom_html(node: Any) -> str:
    """Atom text constructs as HTML: text is escaped, xhtml serialised."""
    if node is None:
        return ""
    kind = node.get("type", "text")
    if kind == "xhtml":
        return "".join(etree.tostring(child, encoding="unicode") for child in node)
    if kind in ("html", "text/html"):
        return (node.text or "").strip()
    if kind in ("text", "text/plain"):
        return html.escape((node.text or "").strip())
    raise Unsupported(f"atom content type {kind}")


def _atom_text(node: Any) -> str | None:
    """An Atom title as the HTML fragment feedparser would give for it."""
    if node is None:
        return None
    kind = node.get("type", "text")
    if kind == "xhtml":
        return "".join(etree.tostring(child, encoding="unicode") for child in node) or None
    return (node.text or "").strip() or None


def _date(text: str | None) -> datetime | None:
    """RFC 822 (RSS) or RFC 3339 (Atom, Dublin Core) in UTC; Unsupported otherwise."""
    if not text:
        return None
    try:
        moment = (
            datetime.fromisoformat(text.replace("Z", "+00:00"))
            if text[:4].isdigit()
            else parsedate_to_datetime(text)
        )
    except (TypeError, ValueError, IndexError) as error:
        raise Unsupported(f"date {text!r}") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
