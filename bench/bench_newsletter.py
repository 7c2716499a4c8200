"""Newsletter benchmark: personalised rendering at scale, then SMTP delivery speed.

    uv run python bench/bench_newsletter.py [--subscribers 10000] [--profiles 500] [--send 2000]

1. Builds a week (25 curated items, 400 other labelled articles) in a
   temporary SQLite database, then builds and renders the personalised
   message of each of 10,000 subscribers spread over 500 distinct profiles
   (target: under 30 s).
2. Sends the edition to ``--send`` subscribers through a local aiosmtpd
   server, delivery log included (target: 100 messages/s or more).
"""

import argparse
import itertools
import random
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from db.engine import make_engine, make_session_factory
from db.migrate import upgrade
from db.models import Article, Edition, EditionItem, Label, Source, Subscriber
from newsletter.content import LabelCatalog
from newsletter.delivery import SmtpConfig, SmtpSender
from newsletter.edition import EditionOptions, build_edition
from newsletter.links import LinkSigner
from newsletter.message import ListHeaders
from newsletter.render import Renderer, RenderOptions
from newsletter.sending import Composer, Planner, SendOptions, profile_of, send_edition
from newsletter.weeks import parse_week
from veille.newsletter_config import label_catalog

WEEK = parse_week("2026-W48")
NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
PUBLIC_URL = "https://veille.exemple.fr"
HEADERS = ListHeaders(
    "Veille IA <veille@exemple.fr>",
    "Veille IA <veille-ia.veille.exemple.fr>",
    "veille@exemple.fr?subject=desabonnement",
)


def _article(source: Source, n: int, labels: LabelCatalog, rng: random.Random) -> Article:
    published = NOW - timedelta(hours=rng.randint(1, 90))
    article = Article(
        source=source,
        title=f"Article de veille numéro {n} : l'IA dans les collectivités territoriales",
        url=f"https://source.exemple.fr/articles/{n}",
        canonical_url=f"https://source.exemple.fr/articles/{n}",
        summary_html="<p>" + "Un résumé réaliste de l'article, sur plusieurs lignes. " * 6 + "</p>",
        published_at=published,
        content_hash=f"{n:064d}",
        relevance=rng.random(),
    )
    themes = rng.sample(labels.ids_of("theme"), rng.randint(1, 2))
    jobs = rng.sample(labels.ids_of("job"), rng.randint(0, 2))
    for label_id in themes + jobs:
        kind = "theme" if label_id in themes else "job"
        article.labels.append(
            Label(label=label_id, kind=kind, score=rng.uniform(0.5, 1), origin="model")
        )
    return article


def populate(factory: sessionmaker[Session], subscribers: int, profiles: int) -> None:
    rng = random.Random(48)
    labels = label_catalog()
    with factory() as session:
        source = Source(
            kind="feed", name="Source", url="https://source.exemple.fr/flux",
            catalogue_url="https://source.exemple.fr/flux", interval_seconds=3600,
        )  # fmt: skip
        articles = [_article(source, n, labels, rng) for n in range(425)]
        session.add_all(articles)
        session.flush()
        edition = Edition(week=str(WEEK), editorial_md="**Bonne lecture** à toutes et tous.")
        for position, article in enumerate(articles[:25]):
            theme = next(label.label for label in article.labels if label.kind == "theme")
            comment = "Le commentaire de l'équipe de veille sur cet article."
            edition.items.append(
                EditionItem(article=article, section=theme, position=position, comment=comment)
            )
        session.add(edition)
        combos = _profiles(labels, profiles, rng)
        session.add_all(
            Subscriber(
                email=f"agent{n:05d}@exemple.fr",
                name=f"Agent {n}",
                status="active",
                themes=list(combos[n % len(combos)][0]),
                jobs=list(combos[n % len(combos)][1]),
            )
            for n in range(subscribers)
        )
        session.commit()


def _profiles(labels: LabelCatalog, count: int, rng: random.Random) -> list[tuple]:
    ids = [*labels.ids_of("theme"), *labels.ids_of("job")]
    subsets = [s for r in range(0, 5) for s in itertools.combinations(ids, r)]
    rng.shuffle(subsets)
    chosen = [(), *[s for s in subsets if s][: count - 1]]
    themes = set(labels.ids_of("theme"))
    return [
        (tuple(i for i in s if i in themes), tuple(i for i in s if i not in themes)) for s in chosen
    ]


def composer_for(factory: sessionmaker[Session]) -> tuple[Composer, object]:
    options = EditionOptions(labels=label_catalog())
    with factory() as session:
        content = build_edition(session, WEEK, options, NOW)
    send_options = SendOptions(headers=HEADERS)
    renderer = Renderer(RenderOptions(label_catalog(), PUBLIC_URL))
    signer = LinkSigner("clé de banc d'essai", PUBLIC_URL)
    return Composer(Planner(content, send_options), renderer, signer, send_options), content


def bench_render(factory: sessionmaker[Session]) -> None:
    started = time.perf_counter()
    composer, _content = composer_for(factory)
    with factory() as session:
        subscribers = session.query(Subscriber).all()
    sizes = [len(composer.compose(s, NOW).data) for s in subscribers]
    elapsed = time.perf_counter() - started
    profiles = len({profile_of(s) for s in subscribers})
    print(
        f"rendu personnalisé : {len(sizes)} messages, {profiles} profils distincts, "
        f"{elapsed:.1f} s (objectif < 30 s) ; "
        f"taille moyenne {sum(sizes) / len(sizes) / 1024:.1f} Ko, "
        f"maximale {max(sizes) / 1024:.1f} Ko"
    )


def _local_smtp_server(port: int) -> subprocess.Popen[bytes]:
    """aiosmtpd in its own process, discarding messages, as a real server would run."""
    command = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}"]
    server = subprocess.Popen([*command, "-c", "aiosmtpd.handlers.Sink"])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.05)
    server.terminate()
    raise RuntimeError("le serveur SMTP local n'a pas démarré")


def bench_send(factory: sessionmaker[Session], count: int) -> None:
    with factory() as session:
        for subscriber in session.query(Subscriber).order_by(Subscriber.id).offset(count):
            subscriber.paused = True
        session.commit()
        recipients = session.query(Subscriber).filter(Subscriber.paused.is_(False)).all()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = _local_smtp_server(port)
    try:
        composer, content = composer_for(factory)
        composer.use_8bit(True)  # aiosmtpd announces 8BITMIME
        for profile in {profile_of(s) for s in recipients}:
            composer.template(profile, NOW)
        started = time.perf_counter()
        sender = SmtpSender(SmtpConfig("127.0.0.1", port))
        report = send_edition(factory, content, composer, sender, NOW)
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait()
    print(
        f"envoi SMTP (aiosmtpd local, une connexion) : {report.sent} messages en {elapsed:.1f} s, "
        f"{report.sent / elapsed:.0f} messages/s (objectif ≥ 100), journal des envois compris, "
        f"{composer.profile_count} profils rendus avant la mesure"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--profiles", type=int, default=500)
    parser.add_argument("--send", type=int, default=2_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        engine = make_engine(f"sqlite:///{Path(directory) / 'bench.db'}")
        upgrade(engine)
        factory = make_session_factory(engine)
        populate(factory, args.subscribers, args.profiles)
        bench_render(factory)
        bench_send(factory, args.send)
        engine.dispose()


if __name__ == "__main__":
    main()
