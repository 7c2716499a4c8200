"""The source catalogue: the shipped one is valid, bad ones are refused clearly."""

from pathlib import Path

import pytest

from veille.catalogue import load_catalogue, parse_catalogue
from veille.errors import ConfigError
from veille.labels import known_label_ids

SHIPPED = Path(__file__).parents[2] / "sources.toml"


def test_shipped_catalogue_is_valid_and_large_enough() -> None:
    specs = load_catalogue(SHIPPED, known_label_ids())
    feeds = [spec for spec in specs if spec.kind == "feed"]
    pages = [spec for spec in specs if spec.kind == "page"]
    assert len(specs) >= 40
    assert len(pages) >= 4
    assert all(spec.url.startswith(("http://", "https://")) for spec in specs)
    urls = " ".join(spec.url for spec in pages)
    assert "32024R1689" in urls, "the AI Act on EUR-Lex is watched"
    assert "cnil.fr" in urls and "cnfpt.fr" in urls
    assert any("cnil.fr" in spec.url for spec in feeds)


def test_minimal_entries_get_defaults() -> None:
    specs = parse_catalogue(
        '[[feeds]]\nname = "A"\nurl = "https://a.example/feed"\n'
        '[[pages]]\nname = "B"\nurl = "https://b.example/page"\n'
    )
    feed, page = specs
    assert (feed.kind, feed.language, feed.interval_seconds, feed.enabled) == (
        "feed",
        "fr",
        6 * 3600,
        True,
    )
    assert feed.fulltext is False
    assert page.kind == "page" and page.selector is None and page.ignore == ()


def test_defaults_table_applies_to_entries() -> None:
    specs = parse_catalogue(
        '[defaults]\nlanguage = "en"\ninterval = "2h"\n'
        '[[feeds]]\nname = "A"\nurl = "https://a.example/feed"\n'
        '[[feeds]]\nname = "B"\nurl = "https://b.example/feed"\ninterval = "30m"\n'
    )
    assert [(spec.language, spec.interval_seconds) for spec in specs] == [
        ("en", 7200),
        ("en", 1800),
    ]


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        (
            '[[feeds]]\nname = "CNIL — actualités"\nurl = "ftp://cnil.fr/rss"\n',
            'sources.toml, flux "CNIL — actualités" : url : pas une adresse http(s)',
        ),
        ('[[feeds]]\nname = "Sans adresse"\n', 'flux "Sans adresse" : url : champ obligatoire'),
        ('[[feeds]]\nurl = "https://a.example/"\n', "flux n°1 : name : champ obligatoire"),
        (
            '[[feeds]]\nname = "A"\nurl = "https://a.example/"\ncolour = "red"\n',
            "flux \"A\" : clé inconnue 'colour'",
        ),
        (
            '[[feeds]]\nname = "A"\nurl = "https://a.example/1"\n'
            '[[pages]]\nname = "a"\nurl = "https://a.example/2"\n',
            'page "a" : name : nom en double',
        ),
        (
            '[[feeds]]\nname = "A"\nurl = "https://a.example/"\ninterval = "soon"\n',
            'flux "A" : interval : durée invalide',
        ),
        (
            '[[pages]]\nname = "P"\nurl = "https://a.example/"\nignore = ["(unclosed"]\n',
            "page \"P\" : ignore : expression invalide '(unclosed'",
        ),
        (
            '[[feeds]]\nname = "A"\nurl = "https://a.example/"\nhints = ["astrologie"]\n',
            "flux \"A\" : hints : identifiant inconnu 'astrologie'",
        ),
        ('[[feeds]]\nname = "A"\nurl = "https://a.example/"\nenabled = "oui"\n', "enabled"),
    ],
)
def test_invalid_entries_name_file_entry_and_field(toml: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_catalogue(toml, "sources.toml", known_label_ids())
    assert expected in str(caught.value)


def test_toml_syntax_error_names_the_line() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_catalogue('[[feeds]]\nname = "A"\nurl = "https://a.example/\n')
    assert "sources.toml : syntaxe TOML invalide" in str(caught.value)
    assert "line 3" in str(caught.value)


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_catalogue(
            '[[feeds]]\nname = "A"\nurl = "nope"\n[[feeds]]\nname = "B"\nlanguage = "French"\n'
        )
    lines = str(caught.value).splitlines()
    assert len(lines) == 3
    assert any('"A" : url' in line for line in lines)
    assert any('"B" : language' in line for line in lines)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="fichier introuvable"):
        load_catalogue(tmp_path / "absent.toml")


def test_shipped_catalogue_uses_the_corrected_addresses() -> None:
    urls = {spec.name: spec.url for spec in load_catalogue(SHIPPED, known_label_ids())}
    assert urls["ZDNet France — actualités"] == "https://www.zdnet.fr/feed"
    assert urls["ADEME — actualités"] == "https://www.ademe.fr/feed/"
    assert urls["La Gazette des communes — emploi"].endswith("/rubriques/actu-emploi/feed/")
    assert urls["OCDE — OECD.AI actualités"] == "https://wp.oecd.ai/feed/"
