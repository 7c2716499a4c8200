"""Inbox search: without accents or case, phrases and prefixes, over title, summary and
full text, kept in step with every write, matches marked — on SQLite (FTS5) and
PostgreSQL (unaccent and tsvector)."""

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from db.models import Article
from db.search import parse_query, postgres_tsquery, sqlite_match
from tests.veille.web.conftest import WEEK, Client, add_article, add_source, titles
from veille.web.highlight import highlight, highlight_html


def search(client: Client, query: str) -> list[str]:
    return titles(client.get("/", params={"week": WEEK, "q": query}).text)


def seed(session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        cnil = add_source(session, "CNIL")
        add_article(
            session,
            cnil,
            "Protection des Données personnelles",
            summary_html="<p>Le RGPD et l'<em>intelligence</em> artificielle.</p>",
        )
        full = add_article(session, cnil, "Un guide pour les élus", day=13)
        full.full_text = "Chapitre 3 : les algorithmes de décision publique."
        add_article(session, cnil, "Personnelles et données, dans le désordre", day=14)


def test_search_ignores_accents_and_case(
    curator: Client, session_factory: sessionmaker[Session]
) -> None:
    seed(session_factory)
    found = ["Personnelles et données, dans le désordre", "Protection des Données personnelles"]
    for query in ("donnees", "DONNÉES", "Données", "dOnNeEs"):
        assert sorted(search(curator, query)) == found, query
    assert search(curator, "eLuS") == ["Un guide pour les élus"]


def test_search_reads_summaries_and_full_texts(
    curator: Client, session_factory: sessionmaker[Session]
) -> None:
    seed(session_factory)
    assert search(curator, "intelligence") == ["Protection des Données personnelles"]
    assert search(curator, "decision publique") == ["Un guide pour les élus"]


def test_phrases_and_prefixes(curator: Client, session_factory: sessionmaker[Session]) -> None:
    seed(session_factory)
    assert search(curator, '"donnees personnelles"') == ["Protection des Données personnelles"]
    assert search(curator, "algo*") == ["Un guide pour les élus"]
    assert search(curator, "algo") == []
    # search syntax of the user's is never interpreted: operators are words, signs ignored
    assert len(search(curator, 'donnees ^ : ( ) - "" + {')) == 2
    assert search(curator, "donnees OR elus") == []
    assert curator.get("/", params={"week": WEEK, "q": '"* ( :'}).status_code == 200


def test_the_index_follows_every_write(
    curator: Client, session_factory: sessionmaker[Session]
) -> None:
    seed(session_factory)
    with session_scope(session_factory) as session:
        article = session.scalars(select(Article).where(Article.title.like("Un guide%"))).one()
        article.title = "Un guide pour les maires"
        article.full_text = "Rien sur les automates."
    assert search(curator, "elus") == [] and search(curator, "algo*") == []
    assert search(curator, "maires") == ["Un guide pour les maires"]
    with session_scope(session_factory) as session:
        session.execute(delete(Article).where(Article.title == "Un guide pour les maires"))
    assert search(curator, "maires") == []


def test_matches_are_marked_in_titles_and_summaries(
    curator: Client, session_factory: sessionmaker[Session]
) -> None:
    seed(session_factory)
    page = curator.get("/", params={"week": WEEK, "q": "donnees intel*"}).text
    assert "Protection des <mark>Données</mark> personnelles" in page
    assert "l'<em><mark>intelligence</mark></em> artificielle" in page.replace("&#39;", "'")


def test_highlighting_escapes_text_and_keeps_tags() -> None:
    assert str(highlight("<b>Élus</b> & élues", "elu*")) == (
        "&lt;b&gt;<mark>Élus</mark>&lt;/b&gt; &amp; <mark>élues</mark>"
    )
    assert str(highlight_html('<a href="/elus">Les élus</a>', "elus")) == (
        '<a href="/elus">Les <mark>élus</mark></a>'
    )


def test_queries_become_database_syntax_built_here() -> None:
    terms = parse_query('"données personnelles" algo* rgpd) OR"')
    assert sqlite_match(terms) == '"données personnelles" "algo"* "rgpd" "OR"'
    assert postgres_tsquery(terms) == "(données <-> personnelles) & (algo:*) & (rgpd) & (OR)"
