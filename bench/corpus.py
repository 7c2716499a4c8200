"""Benchmark corpus: generate feeds and serve them on loopback.

    python bench/corpus.py generate DIR [--feeds 300] [--entries 40]
    python bench/corpus.py serve DIR --hosts 30 --port 8711 [--latency-ms 50]

Feeds are deterministic (fixed seed), half French and half English, RSS 2.0
and Atom, with HTML summaries (links, images, lists, a relative link, a
tracking pixel, a script). About a quarter of the entries are not a feed's
own stories: the same article with tracking parameters, a syndicated copy
under another address with another first sentence, or another article that
shares a title with many (« Édito », « Revue de presse IA »); ``truth()``
gives, for each entry, the canonical link of its story. The server answers
with ETag and Last-Modified and honours If-None-Match / If-Modified-Since
with 304; it listens on several loopback addresses (127.0.0.1, 127.0.0.2, …)
so that feeds look like they come from several sites, as in a real catalogue.
Only the standard library is used, so the same helper serves both collectors.
"""

import argparse
import hashlib
import random
import sys
import threading
import time
from dataclasses import dataclass, replace
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


HOMONYM_TITLES = {
    "fr": ["Revue de presse IA", "Édito", "Intelligence artificielle", "Lettre n° 12"],
    "en": ["EU AI Act: the model registry explained", "Weekly AI review", "Editorial"],
}
REVIEW_INTRO = {
    "fr": "Chaque semaine, notre sélection d'actualités sur l'intelligence artificielle.",
    "en": "Every week, our selection of news about artificial intelligence.",
}
# Share of the entries of a feed that are not its own stories: the same link
# with tracking parameters and another casing of the title; a syndicated copy
# (another address, another first sentence); or another article that shares a
# title with many (« Édito », « Revue de presse IA »).
COPIES = (("tracking", 0.12), ("syndicated", 0.08), ("homonym", 0.06))


@dataclass(frozen=True)
class Entry:
    """One entry of a feed, and the canonical link of the story it tells (the truth)."""

    title: str
    link: str
    paragraphs: tuple[str, ...]
    story: str
    lang: str
    items: tuple[str, ...] = ()


def _sentence(rng: random.Random, lang: str, words: int) -> str:
    chosen = [rng.choice(WORDS[lang]) for _ in range(words)]
    return " ".join(chosen).capitalize() + "."


def _language(feed: int) -> str:
    return "fr" if feed % 2 == 0 else "en"


def story(feed: int, entry: int) -> Entry:
    """The story first published by ``feed`` as its entry ``entry``."""
    rng = random.Random(f"story-{feed}-{entry}")
    lang = _language(feed)
    title = _sentence(rng, lang, 8)[:-1]
    link = f"https://site{feed}.example.org/{lang}/{entry}-{rng.randrange(10**6)}"
    paragraphs = tuple(_sentence(rng, lang, rng.randint(18, 30)) for _ in range(4))
    items = tuple(_sentence(rng, lang, 6) for _ in range(3))
    return Entry(title, link, paragraphs, link, lang, items)


def entry_at(feed: int, entry: int, feeds: int, entries: int) -> Entry:
    """What ``feed`` publishes at position ``entry``: its own story or a copy."""
    rng = random.Random(f"slot-{feed}-{entry}")
    draw, kind = rng.random(), "original"
    for name, share in COPIES:
        if draw < share:
            kind = name
            break
        draw -= share
    if kind == "original" or feeds < 2:
        return story(feed, entry)
    other = (feed + 1 + rng.randrange(feeds - 1)) % feeds
    source = story(other, rng.randrange(entries))
    if kind == "tracking":
        link = f"{source.link}?utm_source=site{feed}&utm_medium=rss&xtor=RSS-{feed}"
        return replace(source, title=source.title.upper(), link=link)
    if kind == "syndicated":
        credit = f"Article repris de Site {other} avec son autorisation."
        link = f"https://site{feed}.example.org/syndication/{other}-{entry}"
        return replace(source, link=link, paragraphs=(credit, *source.paragraphs[1:]))
    return _homonym(rng, feed, entry)


def _homonym(rng: random.Random, feed: int, entry: int) -> Entry:
    lang = _language(feed)
    title = rng.choice(HOMONYM_TITLES[lang])
    paragraphs = tuple(_sentence(rng, lang, rng.randint(18, 30)) for _ in range(3))
    items = tuple(_sentence(rng, lang, 6) for _ in range(3))
    if title in ("Revue de presse IA", "Weekly AI review"):
        paragraphs = (REVIEW_INTRO[lang], *paragraphs)
    link = f"https://site{feed}.example.org/{lang}/h{entry}"
    return Entry(title, link, paragraphs, link, lang, items)


def truth(feeds: int, entries: int) -> dict[str, str]:
    """The ground truth of the corpus: for each entry's GUID, its story's canonical link."""
    return {
        slot.link: slot.story
        for feed in range(feeds)
        for slot in (entry_at(feed, index, feeds, entries) for index in range(entries))
    }


def _summary(slot: Entry, feed: int, entry: int) -> str:
    paragraphs = "".join(f"<p>{escape(text)}</p>" for text in slot.paragraphs)
    items = "".join(f"<li>{escape(text)}</li>" for text in slot.items)
    return (
        f'<p><img src="https://cdn.example.org/{feed}/{entry}.jpg" alt="illustration"></p>'
        + paragraphs
        + f"<ul>{items}</ul>"
        + f'<p><a href="/articles/{entry}?utm_source=rss">Lire la suite</a></p>'
        + '<img src="https://pixel.example.net/track.gif" width="1" height="1">'
        + "<script>track()</script>"
    )


def _entry_xml(slot: Entry, feed: int, entry: int, atom: bool) -> str:
    title = escape(slot.title)
    link = escape(slot.link, quote=True)
    summary = escape(_summary(slot, feed, entry))
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


def feed_document(feed: int, entries: int, feeds: int = 300) -> bytes:
    lang = _language(feed)
    atom = feed % 3 == 0
    body = "".join(
        _entry_xml(entry_at(feed, index, feeds, entries), feed, index, atom)
        for index in range(entries)
    )
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
        document = feed_document(feed, entries, feeds)
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
