"""Feed autodiscovery: from a site's address to its feeds, as feed readers do.

    fetch the address                       → already a feed: that is the answer
    read its <link rel="alternate" type="application/rss+xml | atom+xml |
        feed+json" href="…"> elements, hrefs resolved against <base href> or
        the page's own address
    none of them answers a feed             → try the usual addresses at the
                                              site's root: /feed, /rss.xml,
                                              /atom.xml, /index.xml, /feed/
    keep the candidates that parse as feeds, one per distinct feed

Every request goes through the given ``Fetcher``: its limits, timeouts, size
cap and network guard apply. Nothing is stored.
"""

import asyncio
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html

from veille.collect.feeds import parse_feed
from veille.errors import ConfigError, FeedTurnedHtml, SourceError
from veille.fetch import PAGE_ACCEPT, Fetcher
from veille.types import Fetched

FEED_TYPES = {
    "application/rss+xml": "RSS",
    "application/atom+xml": "Atom",
    "application/feed+json": "JSON Feed",
}
COMMON_PATHS = ("/feed", "/rss.xml", "/atom.xml", "/index.xml", "/feed/")
MAX_LINKS = 10


@dataclass(frozen=True, slots=True)
class FeedLink:
    """A feed announced by a page."""

    url: str
    title: str | None


@dataclass(frozen=True, slots=True)
class FoundFeed:
    """A candidate that answered a readable feed."""

    url: str
    title: str | None
    items: int
    newest: datetime | None
    announced: bool  # announced by the page (else found at a usual address)


@dataclass(frozen=True, slots=True)
class Discovery:
    """What an address leads to."""

    page_url: str
    feeds: tuple[FoundFeed, ...]
    is_feed: bool = False  # the address itself is a feed


def site_address(text: str) -> str:
    """An address as an administrator types it, made absolute (https by default)."""
    value = text.strip()
    if "://" not in value:
        value = "https://" + value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{text.strip()!r} n'est pas une adresse http(s)")
    return value


def feed_links(body: bytes, page_url: str) -> list[FeedLink]:
    """The feeds a page announces, absolute, in document order, without duplicates."""
    try:
        document = lxml.html.document_fromstring(body)
    except (lxml.etree.ParserError, ValueError):
        return []
    base = page_url
    for element in document.iter("base"):
        href = (element.get("href") or "").strip()
        if href:
            base = urljoin(page_url, href)
            break
    links: list[FeedLink] = []
    seen: set[str] = set()
    for element in document.iter("link"):
        rel = (element.get("rel") or "").lower().split()
        kind = (element.get("type") or "").split(";")[0].strip().lower()
        href = (element.get("href") or "").strip()
        if "alternate" not in rel or kind not in FEED_TYPES or not href:
            continue
        url = urljoin(base, href)
        if urlsplit(url).scheme in ("http", "https") and url not in seen:
            seen.add(url)
            links.append(FeedLink(url, (element.get("title") or "").strip() or None))
    return links


def common_addresses(page_url: str) -> list[str]:
    """The usual feed addresses at the root of the page's site."""
    return [urljoin(page_url, path) for path in COMMON_PATHS]


def same_site(first: str, second: str) -> bool:
    """Same host (a leading ``www.`` aside) and same port."""
    return _site(first) == _site(second)


def _site(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return host, parts.port or default


async def discover(fetcher: Fetcher, address: str, now: datetime | None = None) -> Discovery:
    """The feeds found from ``address``. Raises SourceError when the address fails."""
    response = await fetcher.fetch(address, accept=PAGE_ACCEPT)
    if not isinstance(response, Fetched):  # no validators were sent: cannot happen
        return Discovery(address, ())
    itself = await _as_feed(response, now or datetime.now(UTC), announced=True)
    if itself is not None:
        return Discovery(response.final_url, (itself[0],), is_feed=True)
    feeds = await feeds_of_page(fetcher, response.final_url, response.body, now)
    return Discovery(response.final_url, feeds)


async def feeds_of_page(
    fetcher: Fetcher, page_url: str, body: bytes, now: datetime | None = None
) -> tuple[FoundFeed, ...]:
    """The working feeds a fetched page announces, else those at the usual addresses."""
    moment = now or datetime.now(UTC)
    announced = [link.url for link in feed_links(body, page_url)][:MAX_LINKS]
    feeds = await _check_all(fetcher, announced, moment, announced=True)
    if not feeds:
        feeds = await _check_all(fetcher, common_addresses(page_url), moment, announced=False)
    return feeds


async def _check_all(
    fetcher: Fetcher, urls: Iterable[str], now: datetime, *, announced: bool
) -> tuple[FoundFeed, ...]:
    results = await asyncio.gather(*(_check(fetcher, url, now, announced) for url in urls))
    feeds: list[FoundFeed] = []
    seen: set[str] = set()
    for result in results:
        if result is None:
            continue
        feed, digest = result
        if feed.url in seen or digest in seen:
            continue  # the same feed behind two addresses (/feed and /feed/…)
        seen.update((feed.url, digest))
        feeds.append(feed)
    return tuple(feeds)


async def _check(
    fetcher: Fetcher, url: str, now: datetime, announced: bool
) -> tuple[FoundFeed, str] | None:
    try:
        response = await fetcher.fetch(url)
    except SourceError:
        return None
    if not isinstance(response, Fetched):
        return None
    return await _as_feed(response, now, announced)


async def _as_feed(
    response: Fetched, now: datetime, announced: bool
) -> tuple[FoundFeed, str] | None:
    """The response read as a feed, with a digest of its body; None when it is not one."""
    try:
        parsed = await asyncio.to_thread(
            parse_feed, response.final_url, response.body, response.content_type, None, now
        )
    except SourceError:
        return None
    dates = [entry.published_at for entry in parsed.entries if not entry.published_estimated]
    # Keep the address asked for unless the server said the feed moved for good.
    url = response.final_url if response.permanent_redirect else response.url
    feed = FoundFeed(url, parsed.title, len(parsed.entries), max(dates, default=None), announced)
    return feed, hashlib.sha256(response.body).hexdigest()


def looks_like_html(response: Fetched) -> bool:
    """True when a response is a web page (by its type, else by its first bytes)."""
    if "html" in response.content_type.lower():
        return True
    start = response.body.lstrip()[:15].lower()
    return start.startswith((b"<!doctype html", b"<html"))


async def moved_feed(
    fetcher: Fetcher, feed_url: str, page: Fetched, reason: str, now: datetime | None = None
) -> FeedTurnedHtml:
    """The error for a feed address that answered ``page``, with the move it suggests.

    A new address is suggested only when the page leads to exactly one feed on
    the feed's own site; it is never adopted here.
    """
    feeds = await feeds_of_page(fetcher, page.final_url, page.body, now)
    here = [feed.url for feed in feeds if same_site(feed.url, feed_url) and feed.url != feed_url]
    if len(here) == 1:
        advice = f"le site annonce son flux à une nouvelle adresse : {here[0]} (à adopter)"
        return FeedTurnedHtml(f"{reason} ; {advice}", here[0])
    if here:
        advice = f"{len(here)} flux trouvés sur le site : choisir avec la découverte de flux"
    elif feeds:
        advice = f"la page renvoie vers le flux d'un autre site ({feeds[0].url}), non proposé"
    else:
        advice = "aucun flux trouvé sur la page"
    return FeedTurnedHtml(f"{reason} ; {advice}")
