"""Entry points run in the parsing worker processes.

The heavy parsers (feedparser, BeautifulSoup, trafilatura) are imported here
on first use, inside the workers, so the main process never loads them and
stays small. Each worker watches its parent and exits when it dies: after a
``kill -9`` of a collection, no orphan worker (nor, in turn, multiprocessing's
resource tracker, which waits for every holder of its pipe) stays behind.
"""

import os
import threading
from collections.abc import Sequence
from datetime import datetime
from multiprocessing import parent_process
from multiprocessing.connection import wait

from veille.types import PageText, ParsedFeed


def exit_with_parent() -> None:
    """Worker initialiser: end this process as soon as the parent process ends."""
    parent = parent_process()
    if parent is None:
        return
    sentinel = parent.sentinel  # readable once the parent has exited, however it ended

    def watch() -> None:
        wait([sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


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


def prepare_worker() -> None:
    """Initialiser of a parse worker: leave Ctrl-C to the parent, and end with it."""
    ignore_interrupts()
    exit_with_parent()
