"""``veille sources check --online``: every source fetched once, nothing stored.

One conditional GET per source (with the validators of the last collection
when the database has them), then, for a feed, a parse to count its items
and date its newest one. The report is for an administrator auditing the
catalogue: what answers, with what, and how fresh.
"""

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from veille.catalogue import SourceSpec
from veille.collect.feeds import parse_feed
from veille.errors import SourceError
from veille.fetch import FEED_ACCEPT, PAGE_ACCEPT, Fetcher
from veille.types import Fetched


@dataclass(frozen=True, slots=True)
class Validators:
    """The conditional-GET validators stored for an address."""

    url: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class SourceCheck:
    name: str
    kind: str
    url: str
    status: str  # "200", "304", "erreur", "désactivée"
    content_type: str | None = None
    items: int | None = None
    newest: datetime | None = None
    problem: str | None = None


async def check_sources(
    fetcher: Fetcher,
    specs: Sequence[SourceSpec],
    stored: Mapping[str, Validators],
    now: datetime | None = None,
) -> list[SourceCheck]:
    """One check per source, in catalogue order; disabled sources are not fetched."""
    moment = now or datetime.now(UTC)
    return list(
        await asyncio.gather(
            *(_check(fetcher, spec, stored.get(spec.name), moment) for spec in specs)
        )
    )


async def _check(
    fetcher: Fetcher, spec: SourceSpec, stored: Validators | None, now: datetime
) -> SourceCheck:
    if not spec.enabled:
        return SourceCheck(spec.name, spec.kind, spec.url, "désactivée")
    known = stored if stored is not None and stored.url == spec.url else None
    try:
        response = await fetcher.fetch(
            spec.url,
            etag=known.etag if known else None,
            last_modified=known.last_modified if known else None,
            accept=FEED_ACCEPT if spec.kind == "feed" else PAGE_ACCEPT,
        )
    except SourceError as error:
        return SourceCheck(spec.name, spec.kind, spec.url, "erreur", problem=str(error))
    if not isinstance(response, Fetched):
        return SourceCheck(spec.name, spec.kind, spec.url, "304", problem="inchangé")
    checked = SourceCheck(
        spec.name, spec.kind, spec.url, str(response.status_code), response.content_type or None
    )
    if spec.kind != "feed":
        return checked
    return await _with_items(checked, response, now)


async def _with_items(checked: SourceCheck, response: Fetched, now: datetime) -> SourceCheck:
    try:
        parsed = await asyncio.to_thread(
            parse_feed, response.final_url, response.body, response.content_type, None, now
        )
    except SourceError as error:
        return replace(checked, problem=str(error))
    dates = [entry.published_at for entry in parsed.entries if not entry.published_estimated]
    return replace(
        checked, items=len(parsed.entries), newest=max(dates, default=None), problem=parsed.warning
    )
