"""Adding entries to ``sources.toml`` while keeping its comments and layout."""

import os
import tempfile
from datetime import date
from pathlib import Path

import tomlkit

from veille.catalogue import parse_catalogue
from veille.errors import ConfigError
from veille.opml import OpmlFeed


def add_feeds(path: Path, feeds: list[OpmlFeed]) -> tuple[list[OpmlFeed], list[OpmlFeed]]:
    """Append the feeds not already present (same URL or name); (added, skipped).

    The edited text is validated as a whole before it replaces the file,
    atomically, so a bad import leaves the catalogue untouched.
    """
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    existing = parse_catalogue(text, path.name) if text else []
    names = {spec.name.casefold() for spec in existing}
    urls = {spec.url for spec in existing}
    document = tomlkit.parse(text)
    table = document.get("feeds")
    if table is None:
        table = tomlkit.aot()
        document.append("feeds", table)
    added, skipped = [], []
    for feed in feeds:
        if feed.url in urls or feed.name.casefold() in names:
            skipped.append(feed)
            continue
        table.append(_feed_table(feed))
        names.add(feed.name.casefold())
        urls.add(feed.url)
        added.append(feed)
    new_text = tomlkit.dumps(document)
    parse_catalogue(new_text, path.name)
    _replace_atomically(path, new_text)
    return added, skipped


def move_feed(path: Path, name: str, new_url: str, day: date) -> str:
    """Give the feed ``name`` its new address; returns the old one.

    The old address stays in a comment on the line, so the change can be
    read (and undone) in the file itself.
    """
    text = path.read_text(encoding="utf-8")
    document = tomlkit.parse(text)
    for entry in document.get("feeds", []):
        if entry.get("name") == name:
            old_url = str(entry["url"])
            url = tomlkit.string(new_url)
            url.comment(f"adresse changée le {day.isoformat()} ; ancienne : {old_url}")
            entry["url"] = url
            break
    else:
        raise ConfigError(f"{path.name} : aucun flux nommé « {name} »")
    new_text = tomlkit.dumps(document)
    parse_catalogue(new_text, path.name)
    _replace_atomically(path, new_text)
    return old_url


def _feed_table(feed: OpmlFeed) -> tomlkit.items.Table:
    item = tomlkit.table()
    item["name"] = feed.name
    item["url"] = feed.url
    if feed.category:
        item["category"] = feed.category
    return item


def _replace_atomically(path: Path, text: str) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".sources-", suffix=".toml")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
