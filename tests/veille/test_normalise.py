import time
from datetime import UTC, datetime

import pytest

from veille.collect.normalise import (
    MAX_HTML_DEPTH,
    TRUNCATED_MARK,
    canonical_url,
    clean_html,
    html_to_text,
    language_code,
    to_utc,
)

NOW = datetime(2026, 11, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Exemple.FR:443/Actu/?utm_source=rss&id=3#haut", "https://exemple.fr/Actu?id=3"),
        ("http://exemple.fr:80/a//b/", "http://exemple.fr/a/b"),
        ("https://exemple.fr", "https://exemple.fr/"),
        ("https://exemple.fr:8443/x", "https://exemple.fr:8443/x"),
        (
            "https://exemple.fr/p?xtor=RSS-1&fbclid=a&gclid=b&mc_cid=c&at_medium=d&page=2",
            "https://exemple.fr/p?page=2",
        ),
        ("javascript:alert(1)", None),
        ("", None),
    ],
)
def test_canonical_url(url: str, expected: str | None) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_resolves_relative_links() -> None:
    assert canonical_url("../b?utm_medium=x", "https://exemple.fr/a/c/") == "https://exemple.fr/a/b"


def test_clean_html_keeps_text_and_removes_everything_dangerous() -> None:
    dirty = (
        '<p onclick="steal()">Bonjour <a href="/x">lien</a></p><script>alert(1)</script>'
        '<style>p{}</style><iframe src="https://pub"></iframe><img src="/p.gif" width="1" '
        'height="1"><img src="https://cdn/photo.jpg" alt="photo"><a href="javascript:x()">j</a>'
    )
    clean = clean_html(dirty, "https://site.fr/blog/billet")
    for forbidden in ("script", "alert", "style", "iframe", "onclick", "p.gif", "javascript"):
        assert forbidden not in clean
    assert 'href="https://site.fr/x"' in clean
    assert 'src="https://cdn/photo.jpg"' in clean
    assert html_to_text(clean) == "Bonjour lien j"


def test_dates_are_utc_and_missing_or_future_ones_are_estimated() -> None:
    paris = time.strptime("2026-11-02 09:30:00", "%Y-%m-%d %H:%M:%S")
    assert to_utc(paris, NOW) == (datetime(2026, 11, 2, 9, 30, tzinfo=UTC), False)
    assert to_utc(None, NOW) == (NOW, True)
    future = time.strptime("2030-01-01", "%Y-%m-%d")
    assert to_utc(future, NOW) == (NOW, True)


def test_language_code() -> None:
    assert language_code(None, "fr-FR", "en") == "fr"
    assert language_code("EN_us") == "en"
    assert language_code("", None) is None


@pytest.mark.parametrize(("levels", "cut"), [(MAX_HTML_DEPTH, False), (MAX_HTML_DEPTH + 1, True)])
def test_nesting_is_cut_just_past_the_depth_limit(levels: int, cut: bool) -> None:
    nested = "<div>" * levels + "fin" + "</div>" * levels

    cleaned = clean_html(nested)

    assert (TRUNCATED_MARK in cleaned) is cut
    assert ("fin" in cleaned) is not cut
