"""Safe runs: leases across processes, interrupted passes, no duplicates."""

import threading
from datetime import timedelta

from pytest_httpserver import HTTPServer
from sqlalchemy.orm import Session, sessionmaker
from werkzeug import Request, Response

from tests.veille.conftest import NOW, data
from tests.veille.test_pipeline import RSS, count_articles, feed, run, serve_file, source
from veille.settings import Settings
from veille.types import Collected, CollectOutcome, NotModified, Skipped


def test_a_source_held_by_another_process_is_skipped(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    from db.engine import session_scope
    from db.repos.collection import claim

    url = serve_file(server, "/flux", "feeds/rss2.xml")
    specs = [feed("Partagée", url)]
    run(collect_settings, session_factory, specs, due_only=True)  # creates the source
    source_id = source(session_factory, "Partagée").id
    with session_scope(session_factory) as session:
        assert claim(session, source_id, "autre-processus", NOW, NOW + timedelta(minutes=10))
    held = run(collect_settings, session_factory, specs, now=NOW + timedelta(minutes=1))
    assert isinstance(held["Partagée"].value, Skipped)
    assert "autre processus" in held["Partagée"].value.reason
    expired = run(collect_settings, session_factory, specs, now=NOW + timedelta(minutes=11))
    assert isinstance(expired["Partagée"].value, (Collected, NotModified))
    assert source(session_factory, "Partagée").lease_owner is None


def test_interrupted_run_is_completed_without_duplicates(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    specs = [
        feed("Premier", serve_file(server, "/1", "feeds/rss2.xml")),
        feed("Second", serve_file(server, "/2", "feeds/atom.xml", "application/atom+xml")),
    ]
    run(collect_settings, session_factory, specs, only=["Premier"])
    assert count_articles(session_factory) == 2
    outcomes = run(collect_settings, session_factory, specs, now=NOW + timedelta(minutes=1))
    assert outcomes["Premier"].value == Collected()
    assert isinstance(outcomes["Second"].value, Collected) and outcomes["Second"].value.new == 1
    assert count_articles(session_factory) == 3


def test_two_concurrent_collections_never_fetch_the_same_source(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    import dataclasses

    settings = dataclasses.replace(collect_settings, http_timeout="20s")
    entered, go = threading.Event(), threading.Event()

    def slow(_request: Request) -> Response:
        entered.set()
        go.wait(10)
        return Response(data("feeds/rss2.xml"), content_type=RSS)

    server.expect_request("/lente").respond_with_handler(slow)
    specs = [feed("Lente", server.url_for("/lente"))]
    results: dict[str, dict[str, CollectOutcome]] = {}
    first = threading.Thread(
        target=lambda: results.update(first=run(settings, session_factory, specs))
    )
    first.start()
    assert entered.wait(10)
    second = run(settings, session_factory, specs)
    go.set()
    first.join(20)
    assert isinstance(second["Lente"].value, Skipped)
    assert "autre processus" in second["Lente"].value.reason
    assert isinstance(results["first"]["Lente"].value, Collected)
    assert len(server.log) == 1
    assert count_articles(session_factory) == 2
