"""Fault suite: another connection holds SQLite's write lock during a collection.

A second sqlite3 connection, as another process writing to the same file,
takes the lock with BEGIN IMMEDIATE, writes, and commits only when the test
lets go. A pass waits for it within its busy timeout; past that, the pass
(or each source) fails with a French reason, nothing half-stored, and a
rerun collects everything once.
"""

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from db.engine import make_engine, make_session_factory
from db.errors import DatabaseBusy
from db.migrate import upgrade
from db.models import Article
from tests.conftest import LOOPBACK
from tests.veille.fault_server import Behaviour, fault_server, item, rss, whole
from tests.veille.test_pipeline import feed, run
from veille.catalogue import SourceSpec
from veille.commands.collect_end import DATABASE_STAYED_BUSY, all_failed_line
from veille.settings import Settings
from veille.types import Collected, Failed

TEXT = "Un texte assez long pour ressembler à un résumé d'article de veille. " * 5
PATHS = [f"/flux{i}" for i in range(4)]


class WriteLock:
    """The write lock, held by another connection from ``take()`` to ``release()``."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._taken = threading.Event()
        self._released = threading.Event()
        self._thread = threading.Thread(target=self._hold, daemon=True)
        self._start = threading.Lock()

    def take(self) -> None:
        """Take the lock (once, whoever asks first) and return when it is held."""
        with self._start:
            if not self._thread.is_alive() and not self._taken.is_set():
                self._thread.start()
        assert self._taken.wait(30), "le verrou n'a pas été pris"

    def let_go(self) -> None:
        """Ask the holder to commit; it does so in its own thread."""
        self._released.set()

    def release(self) -> None:
        self.let_go()
        if self._thread.is_alive():
            self._thread.join()

    def _hold(self) -> None:
        connection = sqlite3.connect(self._path, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("PRAGMA user_version = 7")  # a write of its own
            self._taken.set()
            self._released.wait(60)  # a bound in case the test fails, not a pause
            connection.execute("COMMIT")
        finally:
            connection.close()


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "veille.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def lock(database: Path) -> Iterator[WriteLock]:
    held = WriteLock(database)
    yield held
    held.release()


def settings_for(database: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{database}", allow_private_networks=LOOPBACK)


def factory_for(database: Path, busy_timeout: float | None = None) -> sessionmaker[Session]:
    options: dict[str, Any] = {}
    if busy_timeout is not None:
        options["connect_args"] = {"timeout": busy_timeout}
    return make_session_factory(make_engine(f"sqlite:///{database}", **options))


def articles(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(Article)) or 0


def feeds(before_answer: Behaviour | None = None) -> dict[str, Behaviour]:
    """One article per feed; ``before_answer`` runs before each response."""

    def answer(path: str) -> Behaviour:
        send = whole(rss(item(path.strip("/"), f"Article {path}", TEXT)))

        def behave(client: Any) -> None:
            if before_answer is not None:
                before_answer(client)
            send(client)

        return behave

    return {path: answer(path) for path in PATHS}


def specs_at(base: str) -> list[SourceSpec]:
    return [feed(path.strip("/"), base + path) for path in PATHS]


def first_write(engine: Engine, then: Any) -> None:
    """Call ``then`` as the pass sends its first write, before SQLite sees it."""
    fired = threading.Event()

    def on_execute(*args: Any) -> None:
        statement = str(args[2]).lstrip().upper()
        if statement.startswith(("INSERT", "UPDATE", "DELETE")) and not fired.is_set():
            fired.set()
            then()

    event.listen(engine, "before_cursor_execute", on_execute)


def test_a_pass_waits_for_another_writer_within_its_busy_timeout(
    database: Path, lock: WriteLock
) -> None:
    factory = factory_for(database)  # the default busy timeout (30 s)
    engine = factory.kw["bind"]
    lock.take()  # held before the pass starts
    first_write(engine, lock.let_go)  # released only once the pass wants to write
    with fault_server(feeds()) as base:
        outcomes = run(settings_for(database), factory, specs_at(base))
        assert all(isinstance(o.value, Collected) and o.value.new == 1 for o in outcomes.values())
        assert articles(factory) == len(PATHS)
        again = run(settings_for(database), factory, specs_at(base), now=None)
    assert all(isinstance(o.value, Collected) and o.value.new == 0 for o in again.values())
    assert articles(factory) == len(PATHS)


def test_a_lock_held_past_the_busy_timeout_before_the_pass_stops_it_in_one_line(
    database: Path, lock: WriteLock
) -> None:
    factory = factory_for(database, busy_timeout=0.2)
    lock.take()
    with fault_server(feeds()) as base:
        with pytest.raises(DatabaseBusy, match="base de données occupée : un autre processus"):
            run(settings_for(database), factory, specs_at(base))
        lock.release()
        outcomes = run(settings_for(database), factory, specs_at(base))
    assert all(isinstance(o.value, Collected) and o.value.new == 1 for o in outcomes.values())
    assert articles(factory) == len(PATHS)


def test_a_lock_taken_during_the_pass_fails_each_source_clearly_then_a_rerun_collects_all(
    database: Path, lock: WriteLock
) -> None:
    """Taken once the sources are claimed: nothing half-stored, no source left leased."""
    factory = factory_for(database, busy_timeout=0.2)
    with fault_server(feeds(before_answer=lambda _client: lock.take())) as base:
        outcomes = run(settings_for(database), factory, specs_at(base))
        for name, outcome in outcomes.items():
            value = outcome.value
            assert isinstance(value, Failed), (name, value)
            assert value.reason.startswith("base de données occupée"), value.reason
            assert "reprise au prochain passage" in value.reason
        # veille collect ends on the lock, not on a guess about the network
        assert all_failed_line(list(outcomes.values())) == DATABASE_STAYED_BUSY
        lock.release()
        assert articles(factory) == 0
        rerun = run(settings_for(database), factory, specs_at(base))
        assert all(isinstance(o.value, Collected) and o.value.new == 1 for o in rerun.values())
        third = run(settings_for(database), factory, specs_at(base), now=None)
    assert all(isinstance(o.value, Collected) and o.value.new == 0 for o in third.values())
    assert articles(factory) == len(PATHS)
