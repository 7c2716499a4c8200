"""The email preview over a database of 100,000 articles.

    uv run python bench/bench_preview.py [--articles 100000] [--json]

Fills a SQLite database as ``bench_inbox.py`` does (60 sources, 50 weeks,
two labels each), curates twelve of this week's articles into three sections,
signs a curator in, then times, in process through httpx's ASGI transport:
the email preview of the whole edition, the preview as a referent profile,
and the edition page; median of 5 requests (after one warm-up).
"""

import argparse
import asyncio
import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import select

from bench.bench_inbox import _CSRF, EMAIL, PASSWORD, populate, timed
from db.engine import make_engine, make_session_factory, session_scope
from db.migrate import upgrade
from db.models import Article, Edition, EditionItem
from newsletter.weeks import week_of
from veille.settings import Settings
from veille.web.app import create_app

SECTIONS = ("juridique", "technique", "social")


def curate(factory, week: str, start: datetime, end: datetime) -> int:  # type: ignore[no-untyped-def]
    """Twelve of the week's most relevant articles, four per section."""
    with session_scope(factory) as session:
        query = (
            select(Article.id)
            .where(Article.published_at >= start, Article.published_at < end)
            .order_by(Article.relevance.desc())
            .limit(12)
        )
        ids = list(session.scalars(query))
        edition = Edition(week=week, status="draft", editorial_md="**Bonne lecture.**")
        session.add(edition)
        session.flush()
        for n, article_id in enumerate(ids):
            section = SECTIONS[n % len(SECTIONS)]
            session.add(EditionItem(edition_id=edition.id, article_id=article_id,
                                    section=section, position=n // len(SECTIONS)))  # fmt: skip
    return len(ids)


async def measure(settings: Settings, factory, week: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    app = create_app(settings, factory)
    transport = httpx.ASGITransport(app=app, client=("192.0.2.10", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        token = _CSRF.search((await client.get("/login")).text)
        assert token is not None
        await client.post("/login", data={"csrf_token": token.group(1), "email": EMAIL,
                                          "password": PASSWORD})  # fmt: skip
        whole = f"/edition/apercu?week={week}"
        await client.get(whole)  # warm-up: templates compiled, caches filled
        return {
            **await timed(client, "preview_whole", whole),
            **await timed(client, "preview_referent", f"{whole}&themes=juridique"),
            **await timed(client, "edition_page", f"/edition?week={week}"),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="veille-preview-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'preview.db'}"
        engine = make_engine(url)
        upgrade(engine)
        factory = make_session_factory(engine)
        populate(factory, args.articles)
        settings = Settings(
            database_url=url, secret_key="clé du banc d'essai, jamais utilisée en production"
        )
        week = week_of(datetime.now(UTC), settings.timezone)
        start, end = week.bounds(settings.timezone)
        figures: dict[str, float | int] = {"articles": args.articles}
        figures["curated"] = curate(factory, str(week), start, end)
        with factory() as session:
            figures["week_articles"] = len(
                session.scalars(select(Article.id).where(
                    Article.published_at >= start, Article.published_at < end
                )).all()
            )  # fmt: skip
        figures |= asyncio.run(measure(settings, factory, str(week)))
        engine.dispose()
    if args.json:
        print(json.dumps(figures))
        return
    for key, value in figures.items():
        print(f"{key:>20} : {value:.1f}" if isinstance(value, float) else f"{key:>20} : {value}")


if __name__ == "__main__":
    sys.exit(main())
