"""Fault suite: servers that misbehave, each reported for its source alone.

Every case runs in one pass next to a good source: the good one is collected,
each bad one has a clear reason (or, when its content is usable, is
collected), and a rerun loses nothing and duplicates nothing. SQLite and
PostgreSQL both.
"""

import dataclasses
import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from db.models import Article
from tests.veille.fault_server import (
    byte_by_byte,
    endless,
    fault_server,
    item,
    reset,
    rss,
    truncated,
    whole,
)
from tests.veille.test_pipeline import feed, run
from veille.settings import Settings
from veille.types import Collected, Failed

TEXT = "Un texte assez long pour ressembler à un résumé d'article de veille. " * 5


def articles(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(Article)) or 0


def test_misbehaving_servers_are_reported_one_by_one(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    limits = dataclasses.replace(settings, http_timeout="5s")  # the 10 MB cap by default
    document = rss(*(item(f"a{i}", f"Article {i}", TEXT) for i in range(3)))
    behaviours = {
        "/bon": whole(rss(item("bon", "Le bon flux", TEXT))),
        "/goutte": byte_by_byte(rss(item("goutte", "Goutte à goutte", TEXT))),
        "/texte": whole(rss(item("texte", "Servi en text/plain", TEXT)), "text/plain"),
        "/binaire": whole(
            rss(item("binaire", "Servi en octet-stream", TEXT)), "application/octet-stream"
        ),
        "/utf8-invalide": whole(
            rss(item("utf8", "Titre OCTETS", TEXT)).replace(b"OCTETS", b"\xff\xfe caf\xe9")
        ),
        "/coupure": reset,
        "/tronque": truncated(document),
        "/geant": endless(b"<!-- " + b"x" * 65_000 + b" -->", 50_000_000),
    }
    with fault_server(behaviours) as base:
        specs = [feed(name.strip("/"), base + name) for name in behaviours]
        specs.append(feed("inexistant", "http://hote-inexistant.invalid/flux"))
        outcomes = run(limits, session_factory, specs)
        collected = {"bon", "goutte", "texte", "binaire", "utf8-invalide"}
        for name in collected:
            value = outcomes[name].value
            assert isinstance(value, Collected) and value.new == 1, (name, value)
        expected = {
            "coupure": "erreur réseau",
            "tronque": "erreur réseau",
            "geant": "trop volumineuse",
            "inexistant": "connexion impossible",
        }
        for name, words in expected.items():
            value = outcomes[name].value
            assert isinstance(value, Failed) and words in value.reason, (name, value)
        assert articles(session_factory) == len(collected)
        again = run(limits, session_factory, specs, now=None)
        assert all(not isinstance(o.value, Collected) or o.value.new == 0 for o in again.values())
        assert articles(session_factory) == len(collected)


def test_a_feed_of_fifty_thousand_entries(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    document = rss(*(item(f"e{i}", f"Entrée {i}") for i in range(50_000)))
    assert len(document) < 10_000_000
    with fault_server({"/enorme": whole(document)}) as base:
        outcomes = run(settings, session_factory, [feed("Énorme", base + "/enorme")])
    value = outcomes["Énorme"].value
    assert isinstance(value, Collected) and value.new == 50_000
    assert articles(session_factory) == 50_000


def test_two_passes_writing_at_once_on_the_same_database(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    """On SQLite one writer waits for the other (busy timeout); nothing is lost."""
    behaviours = {f"/f{i}": whole(rss(item(f"f{i}", f"Article {i}", TEXT))) for i in range(8)}
    with fault_server(behaviours) as base:
        specs = [feed(path.strip("/"), base + path) for path in behaviours]
        results: list[dict[str, object]] = []

        def one_pass(half: list) -> None:  # type: ignore[type-arg]
            results.append(run(settings, session_factory, specs, only=[s.name for s in half]))

        threads = [
            threading.Thread(target=one_pass, args=(specs[:4],)),
            threading.Thread(target=one_pass, args=(specs[4:],)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    outcomes = {name: o for result in results for name, o in result.items()}
    assert len(outcomes) == 8
    assert all(isinstance(o.value, Collected) for o in outcomes.values()), outcomes  # type: ignore[attr-defined]
    assert articles(session_factory) == 8
