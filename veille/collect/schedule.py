"""When to check a source next; pure.

After a success: the catalogue's interval, lengthened by the source's own
hints (RSS ``<ttl>``, Cache-Control ``max-age``) when they ask for longer,
plus a small jitter fixed per source so that sources spread out. After a
failure: exponential backoff from a short base, capped (a day by default),
so a failing source keeps being retried and is never silently parked; a
Retry-After from the server is always honoured.
"""

import zlib
from datetime import datetime, timedelta

BACKOFF_BASE = timedelta(minutes=15)
JITTER_SHARE = 0.1


def _jitter(name: str, interval: timedelta) -> timedelta:
    share = (zlib.crc32(name.encode()) % 1000) / 1000 * JITTER_SHARE
    return interval * share


def after_success(
    name: str, now: datetime, interval_seconds: int, hint_seconds: int | None = None
) -> datetime:
    interval = timedelta(seconds=max(interval_seconds, hint_seconds or 0))
    return now + interval + _jitter(name, interval)


def backoff_delay(failures: int, interval_seconds: int, cap: timedelta) -> timedelta:
    """Wait after ``failures`` consecutive failures (1 for the first)."""
    base = min(BACKOFF_BASE, timedelta(seconds=interval_seconds))
    exponent = min(max(failures - 1, 0), 30)
    delay: timedelta = base * (2**exponent)
    return min(delay, cap)


def after_failure(
    now: datetime,
    failures: int,
    interval_seconds: int,
    cap: timedelta,
    retry_after_seconds: int | None = None,
) -> datetime:
    delay = backoff_delay(failures, interval_seconds, cap)
    if retry_after_seconds is not None:
        delay = max(delay, timedelta(seconds=retry_after_seconds))
    return now + delay
