"""Benchmark corpus: generate feeds and serve them on loopback.

    python bench/corpus.py generate DIR [--feeds 300] [--entries 40]
    python bench/corpus.py serve DIR --hosts 30 --port 8711 [--latency-ms 50]

Feeds are deterministic (fixed seed), half French and half English, RSS 2.0
and Atom, with HTML summaries (links, images, lists, a relative link, a
tracking pixel, a script). The server answers with ETag and Last-Modified and
honours If-None-Match / If-Modified-Since with 304; it listens on several
loopback addresses (127.0.0.1, 127.0.0.2, …) so that feeds look like they come
from several sites, as they do in a real catalogue. Only the standard library
is used, so the same helper serves both collectors.
"""

import argparse
import hashlib
import random
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WORDS_FR = """
intelligence artificielle collectivité territoriale données personnelles
algorithme service public agent usager modèle génératif réglementation
conformité transparence éthique sobriété numérique mutualisation commune
métropole région déploiement expérimentation marché public souveraineté
hébergement cybersécurité risque biais formation accompagnement citoyen démarche
administrative automatisation décision contrôle humain registre traitement
analyse impact évaluation performance énergie
"""
WORDS_EN = """
artificial intelligence local government personal data algorithm public service
agent user generative model regulation compliance transparency ethics frugality
digital pooling city metropolitan region deployment experiment procurement
sovereignty hosting cybersecurity risk bias training support citizen procedure
automation decision human oversight register processing impact assessment energy
"""
WORDS = {"fr": WORDS_FR.split(), "en": WORDS_EN.split()}
BASE_DATE = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def _sentence(rng: random.Random, lang: str, words: int) -> str:
    chosen = [rng.choice(WORDS[lang]) for _ in range(words)]
    return " ".join(chosen).capitalize() + "."


def _summary(rng: random.Random, lang: str, feed: int, entry: int) -> str:
    paragraphs = [f"<p>{escape(_sentence(rng, lang, rng.randint(18, 30)))}</p>" for _ in range(4)]
    items = "".join(f"<li>{escape(_sentence(rng, lang, 6))}</li>" for _ in range(3))
    return (
        f'<p><img src="https://cdn.example.org/{feed}/{entry}.jpg" alt="illustration"></p>'
        + "".join(paragraphs)
        + f"<ul>{items}</ul>"
        + f'<p><a href="/articles/{entry}?utm_source=rss">Lire la suite</a></p>'
        + '<img src="https://pixel.example.net/track.gif" width="1" height="1">'
        + "<script>track()</script>"
    )


def _entry_xml(rng: random.Random, lang: str, feed: int, entry: int, atom: bool) -> str:
    title = escape(_sentence(rng, lang, 8)[:-1])
    link = f"https://site{feed}.example.org/{lang}/{entry}-{rng.randrange(10**6)}"
    summary = escape(_summary(rng, lang, feed, entry))
    when = BASE_DATE - timedelta(hours=entry * 3 + feed)
    if atom:
        return (
            f"<entry><title>{title}</title><link href='{link}'/><id>{link}</id>"
            f"<updated>{when.isoformat()}</updated><author><name>Rédaction</name></author>"
            f"<summary type='html'>{summary}</summary></entry>"
        )
    return (
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>{format_datetime(when)}</pubDate><description>{summary}</description></item>"
    )


def feed_document(feed: int, entries: int) -> bytes:
    rng = random.Random(feed)
    lang = "fr" if feed % 2 == 0 else "en"
    atom = feed % 3 == 0
    body = "".join(_entry_xml(rng, lang, feed, index, atom) for index in range(entries))
    if atom:
        return (
            "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom' "
            f"xml:lang='{lang}'><title>Site {feed}</title><id>urn:site:{feed}</id>"
            f"<updated>{BASE_DATE.isoformat()}</updated>"
            f"<link href='https://site{feed}.example.org/'/>{body}</feed>"
        ).encode()
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>Site {feed}</title><link>https://site{feed}.example.org/</link>"
        f"<language>{lang}</language>{body}</channel></rss>"
    ).encode()


def generate(directory: Path, feeds: int, entries: int) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    total = 0
    for feed in range(feeds):
        document = feed_document(feed, entries)
        (directory / f"feed{feed:03d}.xml").write_bytes(document)
        total += len(document)
    return total


def feed_urls(feeds: int, hosts: int, port: int) -> list[str]:
    return [f"http://127.0.0.{1 + i % hosts}:{port}/feed{i:03d}.xml" for i in range(feeds)]


def make_handler(directory: Path, latency: float) -> type[BaseHTTPRequestHandler]:
    cache: dict[str, tuple[bytes, str]] = {}
    modified = format_datetime(BASE_DATE, usegmt=True)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            if latency:
                time.sleep(latency)
            name = self.path.lstrip("/").split("?")[0]
            if name not in cache:
                path = directory / name
                if "/" in name or not path.is_file():
                    self._send(404, b"not found", {})
                    return
                body = path.read_bytes()
                cache[name] = (body, '"' + hashlib.md5(body).hexdigest() + '"')
            body, etag = cache[name]
            if self.headers.get("If-None-Match") == etag or (
                self.headers.get("If-Modified-Since") == modified
                and not self.headers.get("If-None-Match")
            ):
                self._send(304, b"", {"ETag": etag, "Last-Modified": modified})
                return
            self._send(200, body, {"ETag": etag, "Last-Modified": modified})

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/xml; charset=utf-8")
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

    return Handler


def serve(directory: Path, hosts: int, port: int, latency_ms: float) -> None:
    handler = make_handler(directory, latency_ms / 1000)
    servers = []
    for index in range(hosts):
        server = ThreadingHTTPServer((f"127.0.0.{1 + index}", port), handler)
        server.daemon_threads = True
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print("ready", flush=True)
    try:
        sys.stdin.read()
    finally:
        for server in servers:
            server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate")
    gen.add_argument("directory", type=Path)
    gen.add_argument("--feeds", type=int, default=300)
    gen.add_argument("--entries", type=int, default=40)
    srv = sub.add_parser("serve")
    srv.add_argument("directory", type=Path)
    srv.add_argument("--hosts", type=int, default=30)
    srv.add_argument("--port", type=int, default=8711)
    srv.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args()
    if args.command == "generate":
        size = generate(args.directory, args.feeds, args.entries)
        print(f"{args.feeds} flux, {size / 1e6:.1f} Mo")
    else:
        serve(args.directory, args.hosts, args.port, args.latency_ms)


if __name__ == "__main__":
    main()
