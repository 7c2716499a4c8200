"""Fixtures of the web tests: the app over the test database, a client, accounts.

``client`` drives the ASGI app in process through httpx's ASGITransport,
with an event loop in a helper thread so that tests stay synchronous and
cookies (the signed session) persist between requests.
"""

import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from anyio.from_thread import BlockingPortal, start_blocking_portal
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from db.models import Article, Label, Source
from db.repos.users import add_or_update
from veille.auth import hash_password
from veille.settings import Settings
from veille.web.app import create_app

CURATOR_EMAIL = "curatrice@grandreims.fr"
ADMIN_EMAIL = "admin@grandreims.fr"
PASSWORD = "un mot de passe assez long"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Client:
    """A synchronous facade over ``httpx.AsyncClient`` bound to the ASGI app."""

    def __init__(self, portal: BlockingPortal, client: httpx.AsyncClient) -> None:
        self._portal, self._client = portal, client

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self._portal.call(lambda: self._client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def cookie(self, name: str) -> str:
        value = self._client.cookies.get(name)
        assert value, f"pas de cookie {name}"
        return value

    def set_cookie(self, name: str, value: str) -> None:
        self._client.cookies.set(name, value)

    def csrf(self, page: str = "/login") -> str:
        """The CSRF token rendered in a page's forms."""
        match = _CSRF.search(self.get(page).text)
        assert match, f"pas de jeton CSRF dans {page}"
        return match.group(1)

    def form(self, url: str, data: dict[str, Any], page: str = "/") -> httpx.Response:
        """Submit a form as a browser would: with the token of the page it came from."""
        return self.post(url, data={"csrf_token": self.csrf(page), **data})

    def login(self, email: str = CURATOR_EMAIL, password: str = PASSWORD) -> httpx.Response:
        return self.form("/login", {"email": email, "password": password}, page="/login")


def titles(html: str) -> list[str]:
    """Titles of the inbox's cards, in order."""
    plain = html.replace("&#39;", "'").replace("<mark>", "").replace("</mark>", "")
    return re.findall(r'<h2 id="title-\d+">\s*<a [^>]*>([^<]+)</a>', plain)


@pytest.fixture
def app(settings: Settings, session_factory: sessionmaker[Session]) -> FastAPI:
    return create_app(settings, session_factory)


@contextmanager
def open_client(app: FastAPI, address: str = "192.0.2.10") -> Iterator[Client]:
    """A client of the app, seen as coming from one address."""
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    with start_blocking_portal() as portal:
        async_client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        try:
            yield Client(portal, async_client)
        finally:
            portal.call(async_client.aclose)


@pytest.fixture
def client(app: FastAPI) -> Iterator[Client]:
    with open_client(app) as client:
        yield client


@cache
def _password_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture
def accounts(session_factory: sessionmaker[Session]) -> dict[str, str]:
    """A curator and an administrator, both with ``PASSWORD``."""
    password_hash = _password_hash()
    with session_scope(session_factory) as session:
        add_or_update(session, CURATOR_EMAIL, "curator", password_hash)
        add_or_update(session, ADMIN_EMAIL, "admin", password_hash)
    return {"curator": CURATOR_EMAIL, "admin": ADMIN_EMAIL}


@pytest.fixture
def curator(client: Client, accounts: dict[str, str]) -> Client:
    """The client, signed in as the curator."""
    response = client.login()
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
def admin(client: Client, accounts: dict[str, str]) -> Client:
    """The client, signed in as the administrator."""
    response = client.login(email=ADMIN_EMAIL)
    assert response.status_code == 303, response.text
    return client


WEEK = "2026-W20"  # Monday 11 May 2026 to Sunday 17 May 2026


def when(day: int, hour: int = 9) -> datetime:
    """A moment of May 2026 (UTC)."""
    return datetime(2026, 5, day, hour, tzinfo=UTC)


def add_source(session: Session, name: str, kind: str = "feed") -> Source:
    source = Source(
        kind=kind,
        name=name,
        url=f"https://{name.lower().replace(' ', '-')}.example/flux.xml",
        catalogue_url=f"https://{name.lower().replace(' ', '-')}.example/flux.xml",
        interval_seconds=3600,
    )
    session.add(source)
    session.flush()
    return source


def add_article(
    session: Session,
    source: Source,
    title: str,
    *,
    day: int = 12,
    relevance: float | None = 0.5,
    labels: dict[str, float] | None = None,
    kind: str = "article",
    duplicate_of: Article | None = None,
    summary_html: str = "<p>Résumé.</p>",
    uncertain: tuple[str, ...] = (),
) -> Article:
    slug = title.lower().replace(" ", "-")
    article = Article(
        source=source,
        kind=kind,
        canonical_url=f"https://{source.id}.example/{slug}",
        url=f"https://{source.id}.example/{slug}",
        guid=slug,
        title=title,
        summary_html=summary_html,
        published_at=when(day),
        content_hash=slug[:64],
        relevance=relevance,
        duplicate_of=duplicate_of,
    )
    for label_id, score in (labels or {}).items():
        kind_of = "job" if label_id in JOBS else "theme"
        article.labels.append(
            Label(
                label=label_id,
                kind=kind_of,
                score=score,
                origin="model",
                model_version="test",
                explanation=["rgpd", "cnil"] if label_id == "juridique" else [],
                uncertain=label_id in uncertain,
            )
        )
    session.add(article)
    session.flush()
    return article


JOBS = {
    "assistant_administratif",
    "agent_accueil",
    "graphiste",
    "manager",
    "policier_municipal",
    "juriste",
}


@pytest.fixture
def week_articles(session_factory: sessionmaker[Session]) -> dict[str, int]:
    """A small week: a duplicated story, a regulation update, an off-week article."""
    with session_scope(session_factory) as session:
        cnil = add_source(session, "CNIL")
        gazette = add_source(session, "La Gazette des communes")
        legifrance = add_source(session, "Légifrance IA", kind="page")
        story = add_article(
            session,
            cnil,
            "La CNIL publie ses recommandations sur l'IA",
            relevance=0.9,
            labels={"juridique": 0.93, "juriste": 0.71},
        )
        copy = add_article(
            session,
            gazette,
            "Recommandations de la CNIL sur l'IA",
            relevance=0.8,
            duplicate_of=story,
        )
        chatbot = add_article(
            session,
            gazette,
            "Un agent conversationnel à l'accueil de la mairie",
            day=13,
            relevance=0.6,
            labels={"ethique": 0.66, "agent_accueil": 0.8},
        )
        decree = add_article(
            session,
            legifrance,
            "Décret relatif aux algorithmes publics",
            day=14,
            relevance=0.4,
            kind="regulation_update",
        )
        old = add_article(session, gazette, "Article d'une autre semaine", day=4, relevance=0.99)
        return {
            "story": story.id,
            "copy": copy.id,
            "chatbot": chatbot.id,
            "decree": decree.id,
            "old": old.id,
        }


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, in a thread; yields its URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    started = threading.Event()
    original_startup = server.startup

    async def startup(sockets: list[socket.socket] | None = None) -> None:
        await original_startup(sockets)
        started.set()

    server.startup = startup  # type: ignore[method-assign]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    assert started.wait(timeout=30), "le serveur n'a pas démarré"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


@pytest.fixture
def live_url(app: FastAPI) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, in a thread."""
    with serve(app) as url:
        yield url
