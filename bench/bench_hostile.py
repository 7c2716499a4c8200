"""Hostile-feed benchmark: a summary of 200,000 nested <div> (2.2 MB).

    uv run python bench/bench_hostile.py [--depth 200000] [--views 20]

Serves one RSS feed whose only entry carries that summary on loopback,
collects it into a temporary SQLite database, then opens the inbox week that
holds it ``--views`` times through the web app. Targets (security issue):
collection under 5 s, inbox answer under 200 ms (median).
"""

import argparse
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from fastapi.testclient import TestClient

from db.engine import engine_of, make_engine, make_session_factory, session_scope
from db.migrate import upgrade
from db.repos.users import add_or_update
from newsletter.weeks import week_of
from veille.auth import hash_password
from veille.catalogue import SourceSpec
from veille.pipeline import collect_once
from veille.settings import Settings
from veille.web.app import create_app

PASSWORD = "mot de passe du banc d'essai"


def feed(depth: int) -> bytes:
    summary = escape("<div>" * depth + "fin")
    item = (
        "<item><title>Résumé hostile</title><link>https://piege.example/a</link>"
        f"<pubDate>{format_datetime(datetime.now(UTC))}</pubDate>"
        f"<description>{summary}</description></item>"
    )
    return f"<rss version='2.0'><channel><title>t</title>{item}</channel></rss>".encode()


def serve(body: bytes) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--depth", type=int, default=200_000)
    parser.add_argument("--views", type=int, default=20)
    args = parser.parse_args()
    body = feed(args.depth)
    server = serve(body)
    with tempfile.TemporaryDirectory() as directory:
        settings = Settings(
            database_url=f"sqlite:///{Path(directory) / 'bench.db'}",
            secret_key="clé du banc d'essai, jamais utilisée en production",
            model_dir=str(Path(directory) / "modeles"),
            allow_private_networks="127.0.0.0/8",  # the feed is served on loopback
        )
        engine = make_engine(settings.database_url)
        upgrade(engine)
        factory = make_session_factory(engine)
        url = f"http://127.0.0.1:{server.server_address[1]}/flux"
        started = time.perf_counter()
        collect_once(
            settings,
            engine_of(factory),
            [SourceSpec(kind="feed", name="Piège", url=url)],
            workers=0,
        )
        collected = time.perf_counter() - started
        with session_scope(factory) as session:
            add_or_update(session, "banc@exemple.fr", "curator", hash_password(PASSWORD))
        week = week_of(datetime.now(UTC), "Europe/Paris")
        with TestClient(create_app(settings, factory)) as client:
            token = client.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
            data = {"email": "banc@exemple.fr", "password": PASSWORD, "csrf_token": token}
            client.post("/login", data=data, follow_redirects=False)
            times = []
            for _ in range(args.views):
                started = time.perf_counter()
                response = client.get(f"/?week={week}")
                times.append(time.perf_counter() - started)
                assert response.status_code == 200 and "contenu tronqué" in response.text
        engine.dispose()
    server.shutdown()
    print(f"feed: {len(body) / 1e6:.1f} MB, {args.depth} nested <div>")
    print(f"collection: {collected:.2f} s (target < 5 s)")
    print(f"inbox week: median {statistics.median(times) * 1000:.0f} ms, "
          f"max {max(times) * 1000:.0f} ms over {args.views} views (target < 200 ms)")  # fmt: skip


if __name__ == "__main__":
    main()
