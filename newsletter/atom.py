"""Atom feeds (RFC 4287) of the editions and of the selected articles, with the standard library."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

ATOM_NS = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    title: str
    link: str
    updated: datetime
    summary: str = ""


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: ET.Element, tag: str, text: str = "", **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attributes)
    if text:
        element.text = text
    return element


def build_feed(
    feed_id: str, title: str, self_url: str, site_url: str, entries: Iterable[Entry], now: datetime
) -> bytes:
    """An Atom document; ``updated`` is the newest entry's date, else ``now``."""
    ET.register_namespace("", ATOM_NS)
    listed = list(entries)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"xml:lang": "fr"})
    _add(feed, "id", feed_id)
    _add(feed, "title", title)
    updated = max((entry.updated for entry in listed), default=now)
    _add(feed, "updated", _stamp(updated))
    _add(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    _add(feed, "link", rel="alternate", href=site_url, type="text/html")
    author = _add(feed, "author")
    _add(author, "name", "Veille IA")
    for entry in listed:
        node = _add(feed, "entry")
        _add(node, "id", entry.id)
        _add(node, "title", entry.title)
        _add(node, "updated", _stamp(entry.updated))
        _add(node, "link", rel="alternate", href=entry.link, type="text/html")
        if entry.summary:
            _add(node, "summary", entry.summary, type="text")
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document
