"""Entry points run in the parsing worker processes.

The heavy parsers (feedparser, BeautifulSoup, trafilatura) are imported here
on first use, inside the workers, so the main process never loads them and
stays small.
"""

from collections.abc import Sequence
from datetime import datetime

from veille.types import PageText, ParsedFeed


def parse_feed(
    url: str, body: bytes, content_type: str, language: str | None, now: datetime
) -> ParsedFeed:
    from veille.collect.feeds import parse_feed as parse

    return parse(url, body, content_type, language, now)


def extract_page(
    body: bytes, content_type: str, selector: str | None, ignore: Sequence[str]
) -> PageText:
    from veille.collect.pages import extract_page as extract

    return extract(body, content_type, selector, ignore)


def extract_main_text(body: bytes, url: str) -> str | None:
    from veille.collect.fulltext import extract_main_text as extract

    return extract(body, url)


def ignore_interrupts() -> None:
    """Worker initialiser: Ctrl-C is the main process's to handle, not a worker's traceback."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
