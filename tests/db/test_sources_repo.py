"""Synchronising the catalogue with the database never loses anything."""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from db.models import Article, Source
from db.repos.catalogue_mark import sync_if_changed
from db.repos.sources import disable, enable, sync_from_catalogue
from veille.catalogue import parse_catalogue

CATALOGUE = """
[[feeds]]
name = "CNIL"
url = "https://www.cnil.fr/fr/rss.xml"
[[feeds]]
name = "Gazette"
url = "https://www.lagazettedescommunes.com/rss"
[[pages]]
name = "AI Act"
url = "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"
selector = "#document1"
"""


def entries(text: str) -> list[dict[str, object]]:
    return [spec.to_fields() for spec in parse_catalogue(text)]


def sources_by_name(session: Session) -> dict[str, Source]:
    return {source.name: source for source in session.scalars(select(Source))}


def test_sync_adds_then_is_idempotent(session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        report = sync_from_catalogue(session, entries(CATALOGUE))
    assert sorted(report.added) == ["AI Act", "CNIL", "Gazette"]
    with session_scope(session_factory) as session:
        again = sync_from_catalogue(session, entries(CATALOGUE))
        assert again.added == again.updated == again.disabled == []
        stored = sources_by_name(session)
    assert stored["AI Act"].kind == "page" and stored["AI Act"].selector == "#document1"


def test_removed_source_is_disabled_and_keeps_its_articles(
    session_factory: sessionmaker[Session],
) -> None:
    with session_scope(session_factory) as session:
        sync_from_catalogue(session, entries(CATALOGUE))
        gazette = sources_by_name(session)["Gazette"]
        session.add(
            Article(
                source_id=gazette.id,
                title="Un article",
                canonical_url="https://www.lagazettedescommunes.com/1",
                published_at=datetime(2026, 11, 2, tzinfo=UTC),
                content_hash="0" * 64,
            )
        )
    without_gazette = CATALOGUE.replace(
        '[[feeds]]\nname = "Gazette"\nurl = "https://www.lagazettedescommunes.com/rss"\n', ""
    )
    with session_scope(session_factory) as session:
        report = sync_from_catalogue(session, entries(without_gazette))
    assert report.disabled == ["Gazette"]
    with session_scope(session_factory) as session:
        gazette = sources_by_name(session)["Gazette"]
        assert not gazette.enabled
        assert gazette.disabled_reason == "retirée du catalogue"
        assert session.scalar(select(Article.title)) == "Un article"
    with session_scope(session_factory) as session:
        report = sync_from_catalogue(session, entries(CATALOGUE))
        assert report.updated == ["Gazette"]
        assert sources_by_name(session)["Gazette"].enabled


def test_changed_url_resets_fetch_state(session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        sync_from_catalogue(session, entries(CATALOGUE))
        cnil = sources_by_name(session)["CNIL"]
        cnil.etag, cnil.consecutive_failures = '"abc"', 4
    moved = CATALOGUE.replace("https://www.cnil.fr/fr/rss.xml", "https://www.cnil.fr/rss")
    with session_scope(session_factory) as session:
        assert sync_from_catalogue(session, entries(moved)).updated == ["CNIL"]
        cnil = sources_by_name(session)["CNIL"]
        assert (cnil.url, cnil.etag, cnil.consecutive_failures) == (
            "https://www.cnil.fr/rss",
            None,
            0,
        )


def test_redirected_url_is_kept_while_catalogue_is_unchanged(
    session_factory: sessionmaker[Session],
) -> None:
    with session_scope(session_factory) as session:
        sync_from_catalogue(session, entries(CATALOGUE))
        sources_by_name(session)["CNIL"].url = "https://cnil.fr/nouveau-flux.xml"
    with session_scope(session_factory) as session:
        sync_from_catalogue(session, entries(CATALOGUE))
        assert sources_by_name(session)["CNIL"].url == "https://cnil.fr/nouveau-flux.xml"


def test_admin_disable_survives_sync_and_enable_restores(
    session_factory: sessionmaker[Session],
) -> None:
    with session_scope(session_factory) as session:
        sync_from_catalogue(session, entries(CATALOGUE))
        disable(session, "CNIL")
    with session_scope(session_factory) as session:
        sync_from_catalogue(session, entries(CATALOGUE))
        assert not sources_by_name(session)["CNIL"].enabled
        enable(session, "CNIL")
    with session_scope(session_factory) as session:
        cnil = sources_by_name(session)["CNIL"]
        assert cnil.enabled and cnil.disabled_reason is None


def test_catalogue_disabled_entry(session_factory: sessionmaker[Session]) -> None:
    paused = CATALOGUE.replace(
        'url = "https://www.cnil.fr/fr/rss.xml"',
        'url = "https://www.cnil.fr/fr/rss.xml"\nenabled = false',
    )
    with session_scope(session_factory) as session:
        sync_from_catalogue(session, entries(paused))
        cnil = sources_by_name(session)["CNIL"]
        assert not cnil.enabled and cnil.disabled_reason == "désactivée dans le catalogue"


def test_an_unchanged_catalogue_is_not_synced_again(session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        first = sync_if_changed(session.connection(), entries(CATALOGUE))
        assert first is not None and len(first.added) == 3
    with session_scope(session_factory) as session:
        assert sync_if_changed(session.connection(), entries(CATALOGUE)) is None
        moved = CATALOGUE.replace("www.cnil.fr/fr/rss.xml", "www.cnil.fr/rss.xml")
        report = sync_if_changed(session.connection(), entries(moved))
        assert report is not None and report.updated == ["CNIL"]
    with session_scope(session_factory) as session:
        # Another catalogue synced in between: the first one is applied again.
        again = sync_if_changed(session.connection(), entries(CATALOGUE))
        assert again is not None and again.updated == ["CNIL"]


def test_an_administrators_change_makes_the_next_pass_sync_again(
    session_factory: sessionmaker[Session],
) -> None:
    hidden = CATALOGUE.replace('name = "Gazette"', 'name = "Gazette"\nenabled = false')
    with session_scope(session_factory) as session:
        sync_if_changed(session.connection(), entries(hidden))
        enable(session, "Gazette")
    with session_scope(session_factory) as session:
        report = sync_if_changed(session.connection(), entries(hidden))
        assert report is not None and report.updated == ["Gazette"]
        assert not sources_by_name(session)["Gazette"].enabled
