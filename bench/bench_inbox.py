"""The curation inbox over a database of 100,000 articles.

    uv run python bench/bench_inbox.py [--articles 100000] [--json]

Fills a SQLite database with ``--articles`` articles from 60 sources over 50
weeks (two labels each), signs a curator in, then times the inbox as the web
app serves it (in process, through httpx's ASGI transport, so the figures are
server time): the week's first page, a later page, a theme filter, a sort by
source and a text search; then triage as the page's script does it (asked for
JSON): one article rejected, and the 25 articles of a page rejected at once.
Median of 5 requests each.
"""

import argparse
import asyncio
import json
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert

from db.engine import make_engine, make_session_factory, session_scope
from db.migrate import upgrade
from db.models import Article, Label, Source
from db.repos.users import add_or_update
from veille.auth import hash_password
from veille.settings import Settings
from veille.web.app import create_app

EMAIL, PASSWORD = "curatrice@exemple.fr", "un mot de passe assez long"
THEMES = ["juridique", "technique", "environnemental", "social", "economique", "organisationnel"]
WORDS = ["intelligence", "artificielle", "collectivité", "données", "algorithme", "agent"]
WEEKS = 50
NOW = datetime.now(UTC)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_ROW = re.compile(r'data-card data-id="(\d+)"')
JSON = {"Accept": "application/json"}
PAGES = {
    "inbox_week": "/",
    "inbox_page_5": "/?page=5",
    "inbox_theme": "/?theme=juridique",
    "inbox_sort_source": "/?sort=source",
    "inbox_search": "/?q=algorithme",
}


def populate(factory, count: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(7)
    with session_scope(factory) as session:
        session.execute(insert(Source), [
            {"kind": "feed", "name": f"Source {i}", "url": f"https://s{i}.example/flux",
             "catalogue_url": f"https://s{i}.example/flux", "in_catalogue": True,
             "consecutive_failures": 0, "interval_seconds": 21600, "language": "fr"}
            for i in range(60)
        ])  # fmt: skip
        add_or_update(session, EMAIL, "curator", hash_password(PASSWORD))
    for start in range(0, count, 10_000):
        articles, labels = [], []
        for number in range(start, min(count, start + 10_000)):
            title = " ".join(rng.choices(WORDS, k=8)).capitalize()
            published = NOW - timedelta(hours=rng.uniform(0, WEEKS * 7 * 24))
            articles.append({
                "id": number + 1, "source_id": 1 + number % 60, "kind": "article",
                "canonical_url": f"https://a.example/{number}", "url": f"https://a.example/{number}",
                "guid": str(number), "title": title, "summary_html": f"<p>{title}.</p>" * 4,
                "published_at": published, "collected_at": published,
                "content_hash": f"{number:064d}", "relevance": rng.random(),
                "classified_at": published,
            })  # fmt: skip
            for theme in rng.sample(THEMES, 2):
                labels.append({"article_id": number + 1, "label": theme, "kind": "theme",
                               "score": rng.random(), "origin": "model",
                               "model_version": "banc", "explanation": []})  # fmt: skip
        with session_scope(factory) as session:
            session.execute(insert(Article), articles)
            session.execute(insert(Label), labels)


class Clock:
    """Median wall-clock and CPU time of what it times, in milliseconds.

    The app runs in this process, so its CPU time is the server's work: on a
    machine shared with other jobs it moves less than the wall clock does.
    """

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    async def time(self, request: Awaitable[httpx.Response]) -> httpx.Response:
        wall, cpu = time.perf_counter(), time.process_time()
        response = await request
        self.wall.append(time.perf_counter() - wall)
        self.cpu.append(time.process_time() - cpu)
        assert response.status_code == 200, (response.request.url, response.status_code)
        return response

    def figures(self, name: str) -> dict[str, float]:
        return {
            f"{name}_ms": 1000 * statistics.median(self.wall),
            f"{name}_cpu_ms": 1000 * statistics.median(self.cpu),
        }


async def timed(
    client: httpx.AsyncClient, name: str, path: str, repeat: int = 5
) -> dict[str, float]:
    clock = Clock()
    for _ in range(repeat):
        await clock.time(client.get(path))
    return clock.figures(name)


@asynccontextmanager
async def signed_in(settings: Settings, factory) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    """A client of the app in this process, signed in as the bench's curator."""
    app = create_app(settings, factory)
    transport = httpx.ASGITransport(app=app, client=("192.0.2.10", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        token = _CSRF.search((await client.get("/login")).text)
        assert token is not None
        await client.post("/login", data={"csrf_token": token.group(1), "email": EMAIL,
                                          "password": PASSWORD})  # fmt: skip
        yield client


async def measure(settings: Settings, factory) -> dict[str, float]:  # type: ignore[no-untyped-def]
    async with signed_in(settings, factory) as client:
        figures: dict[str, float] = {}
        for name, path in PAGES.items():
            figures |= await timed(client, name, path)
        return figures | await triage(client)


async def triage(client: httpx.AsyncClient) -> dict[str, float]:
    """One article rejected, then a page of 25 at once, as the inbox's script asks."""
    first = (await client.get("/")).text
    token = _CSRF.search(first)
    assert token is not None
    headers = {**JSON, "X-CSRF-Token": token.group(1)}
    pages = [[int(i) for i in _ROW.findall((await client.get(f"/?page={n}")).text)] for n in (2, 3)]
    one, bulk = Clock(), Clock()
    for article_id in pages[0][:5]:
        await one.time(client.post(f"/articles/{article_id}/reject", headers=headers))
    for action in ("reject", "reset", "reject", "reset", "reject"):
        data = {"action": action, "ids": [str(i) for i in pages[1]]}
        await bulk.time(client.post("/articles/bulk", data=data, headers=headers))
    return one.figures("triage_action") | bulk.figures("triage_bulk_25")


@contextmanager
def filled_database(articles: int, name: str) -> Iterator[tuple[Settings, Any, float]]:
    """A migrated SQLite database in a temporary folder, filled by ``populate``:
    its settings, its session factory and the seconds the filling took."""
    with tempfile.TemporaryDirectory(prefix=f"veille-{name}-") as tmp:
        url = f"sqlite:///{Path(tmp) / f'{name}.db'}"
        engine = make_engine(url)
        upgrade(engine)
        factory = make_session_factory(engine)
        started = time.perf_counter()
        populate(factory, articles)
        filled = time.perf_counter() - started
        settings = Settings(
            database_url=url, secret_key="clé du banc d'essai, jamais utilisée en production"
        )
        try:
            yield settings, factory, filled
        finally:
            engine.dispose()


def arguments(description: str | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    return parser.parse_args()


def show(figures: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(figures))
        return
    for key, value in figures.items():
        print(f"{key:>24} : {value:.1f}" if isinstance(value, float) else f"{key:>24} : {value}")


def main() -> None:
    args = arguments(__doc__)
    with filled_database(args.articles, "inbox") as (settings, factory, filled):
        figures = {"articles": args.articles, "fill_seconds": filled}
        figures |= asyncio.run(measure(settings, factory))
    show(figures, args.json)


if __name__ == "__main__":
    sys.exit(main())
