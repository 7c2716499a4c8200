from pathlib import Path

import pytest

from classement import TaxonomyError, UnknownLabel, load_taxonomy
from classement.taxonomy import DEFAULT_TAXONOMY_PATH

THEMES = ("juridique", "technique", "environnemental", "ethique", "organisationnel", "social")
JOBS = (
    "assistant_administratif",
    "agent_accueil",
    "graphiste",
    "manager",
    "policier_municipal",
    "juriste",
)


def test_ids_are_the_contract_of_taxonomy_md() -> None:
    taxonomy = load_taxonomy()
    assert taxonomy.theme_ids == THEMES
    assert taxonomy.job_ids == JOBS


def test_every_label_has_french_label_description_and_keywords() -> None:
    for label in load_taxonomy().labels:
        assert label.label and label.description
        assert label.keywords_fr and label.keywords_en


def test_validate_names_the_unknown_id() -> None:
    taxonomy = load_taxonomy()
    assert taxonomy.validate(["juriste"], "job") == ("juriste",)
    with pytest.raises(UnknownLabel, match="'juriste'"):
        taxonomy.validate(["juriste"], "theme")
    with pytest.raises(UnknownLabel, match="'pompier'"):
        taxonomy.get("pompier")


def test_adding_a_label_is_an_edit_of_the_toml(tmp_path: Path) -> None:
    extra = """
[[label]]
id = "pompier"
kind = "job"
label = "Sapeur-pompier"
description = "Secours et incendie."
keywords_fr = ["incendie"]
keywords_en = ["firefighter"]
"""
    path = tmp_path / "taxonomy.toml"
    path.write_text(DEFAULT_TAXONOMY_PATH.read_text(encoding="utf-8") + extra, encoding="utf-8")
    taxonomy = load_taxonomy(path)
    assert taxonomy.job_ids[-1] == "pompier"
    assert taxonomy.ids[: len(THEMES)] == THEMES


def test_duplicate_or_incomplete_labels_are_refused(tmp_path: Path) -> None:
    text = DEFAULT_TAXONOMY_PATH.read_text(encoding="utf-8")
    duplicate = tmp_path / "duplicate.toml"
    duplicate.write_text(text + text, encoding="utf-8")
    with pytest.raises(TaxonomyError, match="double"):
        load_taxonomy(duplicate)
    incomplete = tmp_path / "incomplete.toml"
    incomplete.write_text('[[label]]\nid = "x"\nkind = "job"\n', encoding="utf-8")
    with pytest.raises(TaxonomyError, match="manquant"):
        load_taxonomy(incomplete)
