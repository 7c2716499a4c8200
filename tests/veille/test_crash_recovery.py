"""After ``kill -9`` of a collection: no orphan process, and an immediate rerun collects all.

A real ``veille collect`` process is killed mid-pass (one source answered and
parsed in the worker process, another still hanging); its parse worker and
multiprocessing's resource tracker must end with it, and the leases it held
must not keep the next pass away from those sources.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from werkzeug import Request, Response

from db.models import Article, Source
from tests.veille.test_pipeline import feed, run
from veille.leases import holder_gone, lease_owner, process_start
from veille.settings import Settings
from veille.types import Collected

RSS = (
    "<rss version='2.0'><channel><title>{name}</title><item><title>{name} : article</title>"
    "<link>https://exemple.fr/{name}</link><description>Texte.</description></item>"
    "</channel></rss>"
)
DEADLINE = 60.0


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll a condition a real subprocess will bring about; fail after DEADLINE seconds."""
    limit = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > limit:
            pytest.fail(f"toujours pas : {what}")
        time.sleep(0.05)


def descendants(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found + [grandchild for child in found for grandchild in descendants(child)]


def test_a_lease_of_a_process_that_no_longer_runs_is_known_as_gone() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from veille.leases import lease_owner; print(lease_owner())"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert holder_gone(done.stdout.strip())
    assert not holder_gone(lease_owner())  # this process runs
    host, pid, _start, token = lease_owner().split(":")
    assert holder_gone(f"{host}:{pid}:ffffffff-1:{token}")  # same pid, another process
    assert not holder_gone(f"autre-machine:{pid}:?:{token}")  # cannot be seen from here


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="Linux /proc requis")
def test_sigkill_mid_collection_leaves_no_orphan_and_the_rerun_takes_over(
    server: HTTPServer,
    release: threading.Event,
    settings: Settings,
    session_factory: sessionmaker[Session],
    cli_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked = threading.Event()

    def slow(_request: Request) -> Response:
        asked.set()
        release.wait(30)
        return Response(RSS.format(name="lente"), content_type="application/rss+xml")

    server.expect_request("/rapide").respond_with_data(
        RSS.format(name="rapide"), content_type="application/rss+xml"
    )
    server.expect_request("/lente").respond_with_handler(slow)
    specs = [feed("Rapide", server.url_for("/rapide")), feed("Lente", server.url_for("/lente"))]
    Path(cli_env["VEILLE_SOURCES"]).write_text(
        "".join(f'[[feeds]]\nname = "{s.name}"\nurl = "{s.url}"\n\n' for s in specs),
        encoding="utf-8",
    )
    monkeypatch.setenv("VEILLE_ALLOW_PRIVATE_NETWORKS", "127.0.0.0/8,::1/128")
    env = {**os.environ, "VEILLE_PARSE_WORKERS": "1"}
    collector = subprocess.Popen(
        [sys.executable, "-m", "veille", "collect", "--no-classify"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until(lambda: articles(session_factory) == 1 and asked.is_set(), "mi-collecte")
        children = descendants(collector.pid)
        assert children, "le processus d'analyse aurait dû démarrer"
        collector.send_signal(signal.SIGKILL)
        collector.wait()
        wait_until(
            lambda: all(process_start(pid) is None for pid in children),
            "fin du processus d'analyse et du suivi des ressources",
        )
    finally:
        if collector.poll() is None:
            collector.kill()
            collector.wait()
    with session_factory() as session:
        held = session.scalars(select(Source.lease_owner).where(Source.name == "Lente")).one()
    assert held is not None and holder_gone(held)  # the killed pass left its lease behind
    release.set()
    outcomes = run(settings, session_factory, specs, now=None)
    assert isinstance(outcomes["Lente"].value, Collected), outcomes["Lente"].value
    assert outcomes["Lente"].value.new == 1
    assert isinstance(outcomes["Rapide"].value, Collected)
    assert outcomes["Rapide"].value.new == 0  # stored by the killed pass, not twice
    assert articles(session_factory) == 2


def articles(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(Article)) or 0
