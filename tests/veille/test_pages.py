"""Watched pages: extraction, normalisation and diffs, on files from tests/data/pages."""

import pytest

from tests.veille.conftest import data
from veille.collect.diff import diff_texts, passages_html
from veille.collect.pages import extract_page
from veille.errors import PageExtractError, SelectorNotFound

IGNORE = (r"^Mis à jour le",)


def page(name: str, selector: str | None = None) -> object:
    return extract_page(data(f"pages/{name}"), "text/html; charset=utf-8", selector, IGNORE)


def test_main_content_without_navigation_scripts_or_cookie_banner() -> None:
    text = page("reglement-v1.html").text
    assert text.startswith("Calendrier d'application du règlement sur l'IA")
    for noise in ("Accueil", "cookies", "var x", "Mentions légales", "Mis à jour", "vues"):
        assert noise not in text


def test_selector_keeps_only_its_region() -> None:
    text = page("reglement-v1.html", "#calendrier").text
    assert text.splitlines()[0] == "2 février 2025 : interdictions et maîtrise de l'IA."
    assert "Calendrier" not in text


def test_whitespace_reordering_and_ignored_lines_do_not_change_the_text_hash() -> None:
    changed = page("reglement-v2.html")
    reordered = page("reglement-v2-reordered.html")
    assert changed.text_hash == reordered.text_hash
    assert changed.raw_hash != reordered.raw_hash
    assert page("reglement-v1.html").text_hash != changed.text_hash


def test_selector_not_found() -> None:
    with pytest.raises(SelectorNotFound, match="ne trouve plus rien"):
        page("reglement-sans-zone.html", "#calendrier")


@pytest.mark.parametrize(
    ("body", "selector", "message"),
    [(b"", None, "page vide"), (b"<html><body></body></html>", None, "aucun texte")],
)
def test_unusable_pages(body: bytes, selector: str | None, message: str) -> None:
    with pytest.raises(PageExtractError, match=message):
        extract_page(body, "text/html", selector)


def test_invalid_selector_is_reported() -> None:
    with pytest.raises(PageExtractError, match="sélecteur CSS invalide"):
        page("reglement-v1.html", "ul[[")


def test_diff_marks_added_and_removed_words() -> None:
    old, new = page("reglement-v1.html").text, page("reglement-v2.html").text
    diff = diff_texts(old, new)
    assert "-2 août 2026 : obligations des systèmes à haut risque (annexe III)." in diff.unified
    assert "<del>août 2026</del>" in diff.html
    assert "<ins>décembre 2027</ins>" in diff.html
    assert diff.added_words > 0 and diff.removed_words > 0
    summary = passages_html(diff)
    assert "Ajouté" in summary and "Retiré" in summary and "omnibus" in summary


def test_diff_html_is_escaped() -> None:
    diff = diff_texts("a <b>", "a <script>x</script>")
    assert "<script>" not in diff.html and "&lt;script&gt;" in diff.html
