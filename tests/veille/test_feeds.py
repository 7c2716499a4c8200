"""Feed parsing on real files from tests/data/feeds."""

import pickle
from datetime import UTC, datetime

import pytest

from tests.veille.conftest import data
from veille.collect.feeds import parse_feed
from veille.errors import FeedParseError

NOW = datetime(2026, 11, 10, tzinfo=UTC)


def parse(name: str, content_type: str = "application/rss+xml") -> object:
    return parse_feed(
        "https://base.exemple.fr/flux", data(f"feeds/{name}"), content_type, "fr", NOW
    )


def test_rss2_entries_are_normalised() -> None:
    feed = parse("rss2.xml")
    assert feed.title == "Collectivités & IA"
    assert feed.language == "fr"
    assert feed.ttl_seconds == 12 * 3600
    first, second = feed.entries
    assert first.guid == "actu-101"
    assert first.canonical_url == "https://exemple.fr/actu/cnil-ia-generative?id=7"
    assert first.published_at == datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
    assert 'href="https://exemple.fr/dossiers/ia"' in first.summary_html
    for forbidden in ("<script", "onclick", "<iframe", "<style", "pixel.exemple.net"):
        assert forbidden not in first.summary_html
    assert second.guid == "https://exemple.fr/actu/marches-publics-clauses-ia"


def test_atom_title_html_is_flattened_and_dates_converted() -> None:
    [entry] = parse("atom.xml", "application/atom+xml").entries
    assert entry.title == "Council adopts guidelines on general-purpose AI"
    assert entry.published_at == datetime(2026, 11, 3, 16, 30, 2, tzinfo=UTC)
    assert entry.language == "en"
    assert entry.author == "Policy desk"


def test_rss1_rdf() -> None:
    [entry] = parse("rss1.xml").entries
    assert entry.title == "Article RDF"
    assert entry.published_at == datetime(2026, 11, 1, 10, tzinfo=UTC)


def test_json_feed_1_1() -> None:
    feed = parse("jsonfeed.json", "application/feed+json")
    first, second = feed.entries
    assert first.title == "Former les agents publics à l'IA"
    assert first.published_at == datetime(2026, 11, 2, 7, tzinfo=UTC)
    assert "script" not in first.summary_html
    assert first.author == "Camille Exemple"
    assert second.url is None
    assert second.published_estimated
    assert second.published_at == NOW
    assert "&lt;b&gt;" in second.summary_html


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("latin1.xml", "Arrêté préfectoral sur la vidéoprotection"),
        ("cp1252.xml", "“L’IA au service des usagers” – bilan"),
        ("wrong-encoding.xml", "Été numérique des communes"),
    ],
)
def test_declared_and_actual_encodings(name: str, title: str) -> None:
    assert parse(name).entries[0].title == title


def test_wrong_declared_encoding_is_read_and_reported() -> None:
    feed = parse("wrong-encoding.xml")
    assert feed.warning is not None and feed.warning.startswith("flux imparfait")


def test_malformed_xml_still_yields_its_entries_with_a_warning() -> None:
    feed = parse("malformed.xml")
    assert [entry.title for entry in feed.entries] == ["Premier article & demi", "Second article"]
    assert feed.warning is not None
    assert feed.entries[1].published_estimated


def test_billion_laughs_does_not_expand() -> None:
    feed = parse("billion-laughs.xml")
    assert all(len(entry.summary_html) < 1000 for entry in feed.entries)


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"", "application/rss+xml", "réponse vide"),
        (b"   \n", "application/rss+xml", "réponse vide"),
        (data("feeds/not-a-feed.html"), "text/html", "page HTML"),
        (b"<html><body>rien</body></html>", "application/xml", "pas un flux"),
        (b'{"title": "pas un JSON Feed"}', "application/json", "JSON Feed"),
        (b"{not json", "application/json", "JSON illisible"),
    ],
)
def test_not_a_feed(body: bytes, content_type: str, message: str) -> None:
    with pytest.raises(FeedParseError, match=message):
        parse_feed("https://exemple.fr/", body, content_type, "fr", NOW)


def test_entries_without_link_or_date_get_a_stable_guid() -> None:
    body = (
        b"<rss version='2.0'><channel><title>t</title>"
        b"<item><description>Une simple br\xc3\xa8ve sans titre ni lien.</description></item>"
        b"</channel></rss>"
    )
    first = parse_feed("https://exemple.fr/", body, "application/rss+xml", "fr", NOW).entries[0]
    again = parse_feed("https://exemple.fr/", body, "application/rss+xml", "fr", NOW).entries[0]
    assert first.guid == again.guid and first.guid.startswith("hash:")
    assert first.title == "Une simple brève sans titre ni lien."
    assert first.published_estimated and first.url is None


def test_a_parsed_feed_crosses_from_a_parse_worker_unchanged() -> None:
    parsed = parse("rss2.xml")

    received = pickle.loads(pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL))

    assert received == parsed and received.entries
    assert received.entries[0].fingerprint == parsed.entries[0].fingerprint
