"""OPML 2.0, the feed readers' exchange format: import and export of feeds."""

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from veille.catalogue import SourceSpec
from veille.errors import ConfigError


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    name: str
    url: str
    category: str | None = None


def parse_opml(body: bytes, filename: str = "OPML") -> list[OpmlFeed]:
    """Every outline with an ``xmlUrl``; nested outlines give the category.

    Python's expat refuses entity-expansion bombs, and ElementTree never
    fetches external entities.
    """
    try:
        root = ET.fromstring(body)
    except ET.ParseError as error:
        raise ConfigError(f"{filename} : XML invalide ({error})") from error
    if root.tag != "opml" or root.find("body") is None:
        raise ConfigError(f"{filename} : pas un document OPML (élément <opml><body> absent)")
    feeds: list[OpmlFeed] = []
    _collect(root.find("body"), None, feeds)
    return feeds


def _collect(element: ET.Element | None, category: str | None, feeds: list[OpmlFeed]) -> None:
    for outline in element.findall("outline") if element is not None else []:
        label = (outline.get("title") or outline.get("text") or "").strip()
        url = (outline.get("xmlUrl") or "").strip()
        if url:
            feeds.append(OpmlFeed(name=label or url, url=url, category=category))
        else:
            _collect(outline, label or category, feeds)


def write_opml(specs: list[SourceSpec], title: str = "Veille IA — sources") -> str:
    """An OPML 2.0 document of the feeds, grouped by category."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC), usegmt=True)
    body = ET.SubElement(root, "body")
    groups: dict[str | None, ET.Element] = {None: body}
    for spec in specs:
        if spec.kind != "feed":
            continue
        parent = groups.get(spec.category)
        if parent is None:
            parent = ET.SubElement(body, "outline", text=str(spec.category))
            groups[spec.category] = parent
        ET.SubElement(
            parent, "outline", type="rss", text=spec.name, title=spec.name, xmlUrl=spec.url
        )
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
