"""Editing ``sources.toml`` in place: comments kept, whole catalogue validated, atomic."""

from datetime import date
from pathlib import Path

import pytest

from veille.catalogue import load_catalogue
from veille.catalogue_edit import SourceEdit, edit_entry, read_entry, set_entry_enabled
from veille.errors import ConfigError

CATALOGUE = """# Catalogue de test
[[pages]]
# réf. : page officielle
name = "CNIL — IA"
url = "https://cnil.example/ia"
selector = "main"

[[feeds]]
name = "Presse"
url = "https://presse.example/rss"  # flux vérifié
fulltext = true
"""


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(CATALOGUE, encoding="utf-8")
    return path


def test_a_page_becomes_a_feed_with_its_comments_and_without_page_keys(path: Path) -> None:
    edit_entry(path, "CNIL — IA", SourceEdit("CNIL — IA", "https://cnil.example/rss", "feed"))
    text = path.read_text(encoding="utf-8")
    assert "[[pages]]" not in text and "selector" not in text
    assert "# réf. : page officielle" in text and "# flux vérifié" in text
    assert [(spec.kind, spec.name) for spec in load_catalogue(path)] == [
        ("feed", "Presse"),
        ("feed", "CNIL — IA"),
    ]
    assert read_entry(path, "CNIL — IA") == (
        "feed",
        {"name": "CNIL — IA", "url": "https://cnil.example/rss"},
    )


def test_optional_keys_are_written_then_dropped_when_emptied(path: Path) -> None:
    full = SourceEdit("Presse", "https://presse.example/rss", "feed", "Presse", "2h", ("social",))
    edit_entry(path, "Presse", full)
    assert read_entry(path, "Presse")[1] == {
        "name": "Presse", "url": "https://presse.example/rss", "fulltext": True,
        "category": "Presse", "interval": "2h", "hints": ["social"],
    }  # fmt: skip
    edit_entry(path, "Presse", SourceEdit("Presse", "https://presse.example/rss", "feed"))
    assert set(read_entry(path, "Presse")[1]) == {"name", "url", "fulltext"}


def test_a_refused_edit_leaves_the_file_as_it_was(path: Path) -> None:
    with pytest.raises(ConfigError, match="nom en double"):
        edit_entry(path, "Presse", SourceEdit("cnil — ia", "https://presse.example/rss", "feed"))
    with pytest.raises(ConfigError, match="identifiant inconnu"):
        edit_entry(
            path,
            "Presse",
            SourceEdit("Presse", "https://presse.example/rss", "feed", hints=("astrologie",)),
            frozenset({"social"}),
        )
    with pytest.raises(ConfigError, match="aucune source nommée « Absente »"):
        set_entry_enabled(path, "Absente", False, date(2026, 12, 4))
    assert path.read_text(encoding="utf-8") == CATALOGUE


def test_disabling_writes_the_day_in_a_comment(path: Path) -> None:
    set_entry_enabled(path, "Presse", False, date(2026, 12, 4))
    assert "enabled = false # désactivée le 2026-12-04" in path.read_text(encoding="utf-8")
    assert not load_catalogue(path)[0].enabled
