"""The email preview over a database of 100,000 articles.

    uv run python bench/bench_preview.py [--articles 100000] [--json]

Fills a SQLite database as ``bench_inbox.py`` does (60 sources, 50 weeks,
two labels each), curates twelve of this week's articles into three sections,
signs a curator in, then times, in process through httpx's ASGI transport:
the email preview of the whole edition, the preview as a referent profile,
and the edition page; median of 5 requests (after one warm-up).
"""

import asyncio
import sys
from datetime import UTC, datetime

from sqlalchemy import select

from bench.bench_inbox import arguments, filled_database, show, signed_in, timed
from db.engine import session_scope
from db.models import Article, Edition, EditionItem
from newsletter.weeks import week_of
from veille.settings import Settings

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
    async with signed_in(settings, factory) as client:
        whole = f"/edition/apercu?week={week}"
        await client.get(whole)  # warm-up: templates compiled, caches filled
        return {
            **await timed(client, "preview_whole", whole),
            **await timed(client, "preview_referent", f"{whole}&themes=juridique"),
            **await timed(client, "edition_page", f"/edition?week={week}"),
        }


def main() -> None:
    args = arguments(__doc__)
    with filled_database(args.articles, "preview") as (settings, factory, _):
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
    show(figures, args.json)


if __name__ == "__main__":
    sys.exit(main())
