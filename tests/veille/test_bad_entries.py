"""One bad entry never loses its feed; a feed's wrong declared encoding is corrected.

Served by a real local server, collected into SQLite and PostgreSQL (which
refuses NUL in text).
"""

import json

from pytest_httpserver import HTTPServer
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.models import Article, Source
from tests.veille.test_pipeline import feed, run
from veille.settings import Settings
from veille.types import Collected

JSON_FEED = "application/feed+json"
TEXT = (
    "La métropole publie le registre de ses algorithmes publics, avec la finalité de "
    "chaque traitement, les données utilisées et le service à contacter."
)


def json_feed(*items: object) -> bytes:
    return json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": "Flux", "items": list(items)}
    ).encode()


def titles(factory: sessionmaker[Session], source: str) -> list[str]:
    with factory() as session:
        return sorted(
            session.scalars(select(Article.title).join(Source).where(Source.name == source)).all()
        )


def test_an_entry_with_a_number_for_url_is_skipped_and_explained(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    server.expect_request("/json").respond_with_data(
        json_feed(
            {"id": "1", "url": "https://exemple.fr/1", "title": "Premier", "content_text": TEXT},
            {"id": "2", "url": 42, "title": "Adresse numérique", "content_text": TEXT},
            {"id": "3", "url": "https://exemple.fr/3", "title": "Troisième", "summary": TEXT},
        ),
        content_type=JSON_FEED,
    )
    outcome = run(collect_settings, session_factory, [feed("JSON", server.url_for("/json"))])
    value = outcome["JSON"].value
    assert isinstance(value, Collected) and value.new == 2
    assert value.warning is not None
    assert "1 entrée(s) ignorée(s)" in value.warning and "entrée 2" in value.warning
    assert "« url » n'est pas un texte (42)" in value.warning
    assert titles(session_factory, "JSON") == ["Premier", "Troisième"]


def test_nul_and_control_characters_are_stripped_not_fatal(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    server.expect_request("/json").respond_with_data(
        json_feed(
            {
                "id": "nul\u0000",
                "url": "https://exemple.fr/nul",
                "title": "Registre\u0000 des algorithmes\u0007",
                "content_html": f"<p>{TEXT}\u0000</p>\t<p>Suite\u001b.</p>",
                "authors": [{"name": "Rédaction\u0000"}],
            }
        ),
        content_type=JSON_FEED,
    )
    server.expect_request("/rss").respond_with_data(
        b"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>R</title>"
        b"<item><title>Contr\x01le</title><link>https://exemple.fr/c</link>"
        b"<description>Texte\x0b \x00sans caract\xc3\xa8re de contr\xc3\xb4le.</description>"
        b"</item></channel></rss>",
        content_type="application/rss+xml",
    )
    outcome = run(
        collect_settings,
        session_factory,
        [feed("JSON", server.url_for("/json")), feed("RSS", server.url_for("/rss"))],
    )
    for name in ("JSON", "RSS"):
        value = outcome[name].value
        assert isinstance(value, Collected) and value.new == 1, value
    with session_factory() as session:
        stored = {article.title: article for article in session.scalars(select(Article))}
    assert set(stored) == {"Registre des algorithmes", "Contrle"}
    article = stored["Registre des algorithmes"]
    assert "\x00" not in article.summary_html and "Suite." in article.summary_html
    assert article.guid == "nul" and article.author == "Rédaction"
    assert stored["Contrle"].summary_html == "Texte sans caractère de contrôle."


def test_a_utf8_feed_declared_latin1_is_read_as_utf8_and_reported(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    def rss(link: str) -> str:
        return (
            "<?xml version='1.0' encoding='ISO-8859-1'?><rss version='2.0'><channel>"
            "<title>Faune</title><item><title>Éléphant : l'été des données</title>"
            f"<link>{link}</link><description>Très bien.</description></item>"
            "</channel></rss>"
        )

    latin1 = "application/rss+xml; charset=ISO-8859-1"
    server.expect_request("/faux").respond_with_data(
        rss("https://exemple.fr/e").encode("utf-8"), content_type=latin1
    )
    server.expect_request("/vrai").respond_with_data(
        rss("https://exemple.fr/l").encode("latin-1"), content_type=latin1
    )
    outcome = run(
        collect_settings,
        session_factory,
        [feed("Faux", server.url_for("/faux")), feed("Vrai", server.url_for("/vrai"))],
    )
    assert titles(session_factory, "Faux") == ["Éléphant : l'été des données"]
    assert titles(session_factory, "Vrai") == ["Éléphant : l'été des données"]
    warning = outcome["Faux"].value.warning  # type: ignore[union-attr]
    assert warning == "encodage déclaré ISO-8859-1 mais contenu en UTF-8 : lu en UTF-8"
    assert outcome["Vrai"].value.warning is None  # type: ignore[union-attr]
