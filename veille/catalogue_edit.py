"""Editing ``sources.toml`` while keeping its comments and layout.

Every change is validated as a whole catalogue before it replaces the file,
atomically: a refused change, or a file that cannot be written, leaves the
catalogue as it was.
"""

import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import AoT, Table

from veille.catalogue import ALLOWED_KEYS, parse_catalogue
from veille.errors import ConfigError
from veille.opml import OpmlFeed

TABLES = {"feed": "feeds", "page": "pages"}


@dataclass(frozen=True, slots=True)
class SourceEdit:
    """What the administration form may change in one entry ('' = the default)."""

    name: str
    url: str
    kind: str
    category: str = ""
    interval: str = ""
    hints: tuple[str, ...] = ()


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


def read_entry(path: Path, name: str) -> tuple[str, dict[str, Any]]:
    """(kind, the entry's own keys as written) of the entry ``name``."""
    document = tomlkit.parse(_read(path))
    kind, _table, entry = _find(document, path, name)
    return kind, entry.unwrap()


def edit_entry(
    path: Path, name: str, edit: SourceEdit, known_labels: frozenset[str] | None = None
) -> None:
    """Rewrite the entry ``name`` as ``edit`` says; a new kind moves it to the other list."""
    document = tomlkit.parse(_read(path))
    kind, table, entry = _find(document, path, name)
    if edit.kind != kind:
        table.body.remove(entry)
        if not table.body:
            del document[TABLES[kind]]
        entry = _moved(entry, edit.kind)
        _table_of(document, edit.kind).append(entry)
    entry["name"], entry["url"] = edit.name, edit.url
    for key, value in (("category", edit.category), ("interval", edit.interval)):
        _set_or_drop(entry, key, value)
    _set_or_drop(entry, "hints", list(edit.hints))
    _save(path, tomlkit.dumps(document), known_labels)


def set_entry_enabled(path: Path, name: str, enabled: bool, day: date) -> None:
    """Write ``enabled`` into the entry, with the day of the change in a comment."""
    document = tomlkit.parse(_read(path))
    _kind, _table, entry = _find(document, path, name)
    value = tomlkit.item(enabled)
    value.comment(f"{'réactivée' if enabled else 'désactivée'} le {day.isoformat()}")
    entry["enabled"] = value
    _save(path, tomlkit.dumps(document))


def _find(document: tomlkit.TOMLDocument, path: Path, name: str) -> tuple[str, AoT, Table]:
    for kind, key in TABLES.items():
        table = document.get(key)
        for entry in table or []:
            if isinstance(table, AoT) and entry.get("name") == name:
                return kind, table, entry
    raise ConfigError(f"{path.name} : aucune source nommée « {name} »")


def _table_of(document: tomlkit.TOMLDocument, kind: str) -> AoT:
    table = document.get(TABLES[kind])
    if table is None:
        table = tomlkit.aot()
        document.add(tomlkit.nl())
        document.append(TABLES[kind], table)
    assert isinstance(table, AoT), "validated catalogues hold lists of tables"
    return table


def _moved(entry: Table, kind: str) -> Table:
    """A copy of the entry, comments included, holding only the keys the other kind allows."""
    moved = tomlkit.table()
    for key, item in entry.value.body:
        if key is None:
            moved.add(item)  # type: ignore[call-overload]  # a comment or blank line
        elif key.key in ALLOWED_KEYS[kind]:
            moved.add(key, item)
    return moved


def _set_or_drop(entry: Table, key: str, value: Any) -> None:
    if value:
        entry[key] = value
    elif key in entry:
        del entry[key]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path} : illisible ({error.strerror or error})") from error


def _save(path: Path, text: str, known_labels: frozenset[str] | None = None) -> None:
    parse_catalogue(text, path.name, known_labels)
    _replace_atomically(path, text)


def _replace_atomically(path: Path, text: str) -> None:
    """Write a temporary file beside ``path`` and move it over; ConfigError if impossible."""
    try:
        descriptor, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=".sources-", suffix=".toml"
        )
    except OSError as error:
        raise _unwritable(path, error) from error
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _unwritable(path, error) from error
        raise


def _unwritable(path: Path, error: OSError) -> ConfigError:
    reason = error.strerror or str(error)
    return ConfigError(f"{path.name} ne peut pas être écrit ({reason}) : rien n'a été modifié")
