"""A collection pass against a real local server, on SQLite and PostgreSQL."""

import gzip
import threading
from datetime import timedelta

from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from werkzeug import Request, Response

from db.engine import engine_of
from db.models import Article, Source
from db.repos.articles import by_source, carried_by
from tests.veille.conftest import NOW, data
from veille.catalogue import SourceSpec
from veille.pipeline import collect_once
from veille.settings import Settings
from veille.types import Collected, CollectOutcome, Failed, NotModified, Skipped

RSS = "application/rss+xml"


def feed(name: str, url: str, **fields: object) -> SourceSpec:
    return SourceSpec(kind="feed", name=name, url=url, **fields)  # type: ignore[arg-type]


def run(
    settings: Settings,
    factory: sessionmaker[Session],
    specs: list[SourceSpec],
    **kwargs: object,
) -> dict[str, CollectOutcome]:
    kwargs.setdefault("now", NOW)
    kwargs.setdefault("workers", 0)
    outcomes = collect_once(settings, engine_of(factory), specs, **kwargs)  # type: ignore[arg-type]
    return {outcome.source: outcome for outcome in outcomes}


def source(factory: sessionmaker[Session], name: str) -> Source:
    with factory() as session:
        return session.scalars(select(Source).where(Source.name == name)).one()


def count_articles(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(Article)) or 0


def serve_file(server: HTTPServer, path: str, name: str, content_type: str = RSS) -> str:
    server.expect_request(path).respond_with_data(data(name), content_type=content_type)
    return server.url_for(path)


def test_each_bad_source_is_reported_and_the_others_are_collected(
    server: HTTPServer,
    release: threading.Event,
    collect_settings: Settings,
    session_factory: sessionmaker[Session],
) -> None:
    def hang(_request: Request) -> Response:
        release.wait(10)
        return Response("trop tard")

    good = {
        "RSS 2.0": serve_file(server, "/rss2", "feeds/rss2.xml"),
        "Atom": serve_file(server, "/atom", "feeds/atom.xml", "application/atom+xml"),
        "JSON Feed": serve_file(server, "/json", "feeds/jsonfeed.json", "application/feed+json"),
        "Latin-1": serve_file(server, "/latin1", "feeds/latin1.xml"),
        "Windows-1252": serve_file(server, "/cp1252", "feeds/cp1252.xml"),
        "Encodage faux": serve_file(server, "/faux", "feeds/wrong-encoding.xml"),
        "XML cassé": serve_file(server, "/casse", "feeds/malformed.xml"),
        "Rires": serve_file(server, "/rires", "feeds/billion-laughs.xml"),
    }
    server.expect_request("/vide").respond_with_data(b"", content_type=RSS)
    for status in (404, 410, 500):
        server.expect_request(f"/{status}").respond_with_data("non", status=status)
    server.expect_request("/429").respond_with_data("", status=429, headers={"Retry-After": "3600"})
    server.expect_request("/boucle").respond_with_data(
        "", status=302, headers={"Location": "/boucle"}
    )
    server.expect_request("/lent").respond_with_handler(hang)
    server.expect_request("/gros").respond_with_data(b"<rss>" + b" " * 2_000_000)
    bomb = gzip.compress(b"<rss>" + b" " * 30_000_000)
    server.expect_request("/bombe").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    bad = {
        "Page HTML": (serve_file(server, "/h", "feeds/not-a-feed.html", "text/html"), "page HTML"),
        "Vide": (server.url_for("/vide"), "réponse vide"),
        "Introuvable": (server.url_for("/404"), "HTTP 404"),
        "Disparue": (server.url_for("/410"), "HTTP 410"),
        "En erreur": (server.url_for("/500"), "HTTP 500"),
        "Limitée": (server.url_for("/429"), "HTTP 429"),
        "Boucle": (server.url_for("/boucle"), "trop de redirections"),
        "Muette": (server.url_for("/lent"), "ne répond pas"),
        "Énorme": (server.url_for("/gros"), "trop volumineuse"),
        "Bombe": (server.url_for("/bombe"), "trop volumineuse"),
    }  # fmt: skip
    specs = [feed(name, url) for name, url in good.items()]
    specs += [feed(name, url) for name, (url, _message) in bad.items()]

    outcomes = run(collect_settings, session_factory, specs)

    for name in good:
        assert isinstance(outcomes[name].value, Collected), (name, outcomes[name].value)
        assert outcomes[name].value.new >= 1
    for name, (_url, message) in bad.items():
        value = outcomes[name].value
        assert isinstance(value, Failed), (name, value)
        assert message in value.reason, (name, value.reason)
        state = source(session_factory, name)
        assert state.consecutive_failures == 1 and message in (state.last_error or "")
    assert outcomes["XML cassé"].value.warning.startswith("flux imparfait")  # type: ignore[union-attr]
    assert source(session_factory, "XML cassé").last_warning is not None
    assert count_articles(session_factory) == 11
    gone = source(session_factory, "Disparue")
    assert not gone.enabled and gone.disabled_by == "gone"
    for name in ("Introuvable", "En erreur", "Muette"):
        assert source(session_factory, name).enabled


def test_rerun_creates_no_duplicate_and_uses_conditional_get(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    server.expect_request("/flux", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304
    )
    server.expect_request("/flux").respond_with_data(
        data("feeds/rss2.xml"), content_type=RSS, headers={"ETag": '"v1"'}
    )
    specs = [feed("Flux", server.url_for("/flux"))]
    first = run(collect_settings, session_factory, specs)["Flux"].value
    assert isinstance(first, Collected) and first.new == 2
    assert len(first.new_article_ids) == 2
    second = run(collect_settings, session_factory, specs, now=NOW + timedelta(hours=7))
    assert isinstance(second["Flux"].value, NotModified)
    assert count_articles(session_factory) == 2

    server.clear()
    changed = data("feeds/rss2.xml").replace(b"Des clauses types", b"Nouvelles clauses types")
    server.expect_request("/flux").respond_with_data(changed, content_type=RSS)
    third = run(collect_settings, session_factory, specs, now=NOW + timedelta(hours=14))
    value = third["Flux"].value
    assert isinstance(value, Collected) and (value.new, value.updated) == (0, 1)
    assert count_articles(session_factory) == 2
    with session_factory() as session:
        texts = [article.summary_html for article in by_source(session, "Flux")]
    assert any("Nouvelles clauses" in text for text in texts)


def test_a_feed_of_ten_thousand_entries(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    items = "".join(
        f"<item><title>Brève numéro {i}</title><link>https://gros.exemple.fr/{i}</link></item>"
        for i in range(10_000)
    )
    body = f"<rss version='2.0'><channel><title>Gros</title>{items}</channel></rss>".encode()
    server.expect_request("/gros").respond_with_data(body, content_type=RSS)
    outcome = run(collect_settings, session_factory, [feed("Gros", server.url_for("/gros"))])
    value = outcome["Gros"].value
    assert isinstance(value, Collected) and value.new == 10_000
    assert count_articles(session_factory) == 10_000


def test_entries_without_link_or_date(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    url = serve_file(server, "/json", "feeds/jsonfeed.json", "application/feed+json")
    run(collect_settings, session_factory, [feed("Journal", url)])
    with session_factory() as session:
        articles = {article.guid: article for article in by_source(session, "Journal")}
    brief = articles["jf-2"]
    assert brief.url is None and brief.canonical_url is None
    assert brief.published_estimated and brief.published_at == NOW
    assert not articles["jf-1"].published_estimated


def test_same_story_from_two_sources_is_linked_to_the_first(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    text = (
        "La communauté urbaine lance un programme de formation à l'intelligence artificielle "
        "destiné à tous ses agents, avec un référent dans chaque direction et un bilan annuel."
    )

    def rss(title: str, link: str) -> bytes:
        item = (
            f"<item><title>{title}</title><link>{link}</link>"
            f"<description>{text}</description></item>"
        )
        return f"<rss version='2.0'><channel><title>x</title>{item}</channel></rss>".encode()

    server.expect_request("/a").respond_with_data(
        rss("Le Grand Reims forme ses agents à l'intelligence artificielle", "https://a.fr/1"),
        content_type=RSS,
    )
    server.expect_request("/b").respond_with_data(
        rss("Grand Reims : former ses agents à l'intelligence artificielle", "https://b.fr/9"),
        content_type=RSS,
    )
    server.expect_request("/c").respond_with_data(
        rss("Reprise", "https://a.fr/1?utm_source=c&utm_medium=rss"), content_type=RSS
    )
    run(collect_settings, session_factory, [feed("Source A", server.url_for("/a"))])
    outcomes = run(
        collect_settings,
        session_factory,
        [feed("Source B", server.url_for("/b")), feed("Source C", server.url_for("/c"))],
        now=NOW + timedelta(hours=1),
    )
    for name in ("Source B", "Source C"):
        value = outcomes[name].value
        assert isinstance(value, Collected) and (value.new, value.duplicates) == (0, 1)
        assert value.new_article_ids == ()
    with session_factory() as session:
        [original] = by_source(session, "Source A")
        [near] = by_source(session, "Source B")
        [same_url] = by_source(session, "Source C")
        assert near.duplicate_of_id == original.id == same_url.duplicate_of_id
        first, *others = carried_by(session, original.id)
        assert first == "Source A" and sorted(others) == ["Source B", "Source C"]


def test_permanent_redirect_updates_the_stored_url(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    server.expect_request("/ancien").respond_with_data(
        "", status=308, headers={"Location": server.url_for("/nouveau")}
    )
    serve_file(server, "/nouveau", "feeds/atom.xml", "application/atom+xml")
    run(collect_settings, session_factory, [feed("Déménagé", server.url_for("/ancien"))])
    moved = source(session_factory, "Déménagé")
    assert moved.url == server.url_for("/nouveau")
    assert moved.catalogue_url == server.url_for("/ancien")


def test_rate_limit_is_honoured_for_that_source_only(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    server.expect_request("/limite").respond_with_data(
        "", status=429, headers={"Retry-After": "3600"}
    )
    other = serve_file(server, "/autre", "feeds/rss2.xml")
    specs = [feed("Limitée", server.url_for("/limite")), feed("Même hôte", other)]
    run(collect_settings, session_factory, specs)
    limited = source(session_factory, "Limitée")
    assert limited.retry_after_until == NOW + timedelta(hours=1)
    assert limited.next_due_at is not None and limited.next_due_at >= NOW + timedelta(hours=1)
    later = run(collect_settings, session_factory, specs, now=NOW + timedelta(minutes=5))
    assert isinstance(later["Limitée"].value, Skipped)
    assert "Retry-After" in later["Limitée"].value.reason
    assert isinstance(later["Même hôte"].value, Collected)
    requests_before = len(server.log)
    after = run(collect_settings, session_factory, specs, now=NOW + timedelta(hours=2))
    assert isinstance(after["Limitée"].value, Failed)
    assert len(server.log) == requests_before + 2


def test_failures_back_off_capped_and_flag_the_source_without_parking_it(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    from veille.health import BROKEN, FAILING, health_report

    server.expect_request("/panne").respond_with_data("non", status=500)
    specs = [feed("En panne", server.url_for("/panne"), interval_seconds=6 * 3600)]
    delays = []
    moment = NOW
    for _ in range(9):
        run(collect_settings, session_factory, specs, now=moment)
        state = source(session_factory, "En panne")
        assert state.next_due_at is not None
        delays.append(state.next_due_at - moment)
        moment = state.next_due_at
    assert delays[0] == timedelta(minutes=15)
    assert delays[1] == timedelta(minutes=30)
    assert delays == sorted(delays)
    assert max(delays) == timedelta(days=1)
    state = source(session_factory, "En panne")
    assert state.enabled and state.consecutive_failures == 9
    [health] = health_report(session_factory, collect_settings.failure_threshold)
    assert health.status == BROKEN
    assert health.last_error == "HTTP 500 : erreur interne du serveur"
    server.clear()
    serve_file(server, "/panne", "feeds/rss2.xml")
    run(collect_settings, session_factory, specs, now=moment)
    [health] = health_report(session_factory, collect_settings.failure_threshold)
    assert health.status not in (BROKEN, FAILING) and health.failures == 0


def test_due_only_collects_what_is_due(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    url = serve_file(server, "/f", "feeds/atom.xml", "application/atom+xml")
    specs = [feed("Flux", url, interval_seconds=3600)]
    assert len(run(collect_settings, session_factory, specs, due_only=True)) == 1
    soon = run(
        collect_settings, session_factory, specs, due_only=True, now=NOW + timedelta(minutes=5)
    )
    assert soon == {}
    late = run(
        collect_settings, session_factory, specs, due_only=True, now=NOW + timedelta(hours=2)
    )
    assert list(late) == ["Flux"]


def test_feed_ttl_lengthens_the_interval(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    specs = [feed("Flux", serve_file(server, "/f", "feeds/rss2.xml"), interval_seconds=3600)]
    run(collect_settings, session_factory, specs)
    state = source(session_factory, "Flux")
    assert state.hint_seconds == 12 * 3600
    assert state.next_due_at is not None and state.next_due_at >= NOW + timedelta(hours=12)


def test_full_text_is_extracted_when_the_source_asks(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    server.expect_request("/article").respond_with_data(
        data("pages/article-complet.html"), content_type="text/html; charset=utf-8"
    )
    items = (
        f"<item><title>Former les agents</title><link>{server.url_for('/article')}</link>"
        "<description>Résumé court.</description></item>"
        f"<item><title>Article disparu</title><link>{server.url_for('/absent')}</link>"
        "<description>Résumé seul.</description></item>"
    )
    body = f"<rss version='2.0'><channel><title>t</title>{items}</channel></rss>"
    server.expect_request("/flux").respond_with_data(body, content_type=RSS)
    server.expect_request("/absent").respond_with_data("non", status=404)
    run(
        collect_settings, session_factory, [feed("Complet", server.url_for("/flux"), fulltext=True)]
    )
    with session_factory() as session:
        found, missing = by_source(session, "Complet")
    assert found.full_text is not None and "programme de formation" in found.full_text
    assert "Mentions légales" not in found.full_text
    assert missing.full_text is None and missing.summary_html == "Résumé seul."


def test_parsing_in_worker_processes(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    specs = [
        feed("Un", serve_file(server, "/1", "feeds/rss2.xml")),
        feed("Deux", serve_file(server, "/2", "feeds/latin1.xml")),
    ]
    outcomes = run(collect_settings, session_factory, specs, workers=1)
    assert [o.value.new for o in outcomes.values()] == [2, 1]  # type: ignore[union-attr]


def test_disabled_sources_are_not_fetched(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    url = serve_file(server, "/f", "feeds/rss2.xml")
    outcomes = run(collect_settings, session_factory, [feed("Arrêtée", url, enabled=False)])
    assert isinstance(outcomes["Arrêtée"].value, Skipped)
    assert server.log == []
