"""The lxml fast path gives exactly what feedparser gives, or steps aside."""

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.veille.conftest import DATA
from veille.collect import feeds
from veille.collect.fastfeed import read_fast

NOW = datetime(2026, 11, 10, tzinfo=UTC)
WELL_FORMED = ["rss2.xml", "atom.xml", "rss1.xml", "latin1.xml", "cp1252.xml"]
FOR_FEEDPARSER = ["malformed.xml", "wrong-encoding.xml", "billion-laughs.xml", "not-a-feed.html"]


def both(body: bytes) -> tuple[object, object]:
    fast = feeds.parse_feed("https://base.exemple.fr/flux", body, "application/xml", "fr", NOW)
    slow = feeds._parse_xml_feed("https://base.exemple.fr/flux", body, "application/xml", "fr", NOW)
    return fast, slow


@pytest.mark.parametrize("name", WELL_FORMED)
def test_fast_path_agrees_with_feedparser(name: str) -> None:
    body = (DATA / "feeds" / name).read_bytes()
    assert read_fast(body) is not None
    fast, slow = both(body)
    assert fast == slow


@pytest.mark.parametrize("name", FOR_FEEDPARSER)
def test_unusual_documents_are_left_to_feedparser(name: str) -> None:
    assert read_fast((DATA / "feeds" / name).read_bytes()) is None


def test_agrees_on_the_benchmark_corpus() -> None:
    sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
    from corpus import feed_document

    for number in (0, 1, 3, 7):
        body = feed_document(number, 5)
        assert read_fast(body) is not None
        fast, slow = both(body)
        assert fast == slow


@pytest.mark.parametrize(
    "body",
    [
        b"<rss version='2.0'><channel><item><pubDate>hier</pubDate></item></channel></rss>",
        b"<feed xmlns='http://www.w3.org/2005/Atom' xml:base='http://a/'><entry>"
        b"<link href='x'/></entry></feed>",
        b"<opml version='2.0'/>",
    ],
)
def test_odd_dates_bases_and_roots_go_to_feedparser(body: bytes) -> None:
    assert read_fast(body) is None
