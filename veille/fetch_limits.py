"""The fetcher's limits from the settings, for fetching outside a collection pass.

Discovery, ``veille sources check --online`` and the pages that look for
feeds fetch with the same bounds as a collection pass.
"""

from veille.durations import parse_duration
from veille.fetch import FetchLimits
from veille.networks import parse_networks
from veille.settings import Settings


def limits_from(settings: Settings) -> FetchLimits:
    return FetchLimits(
        timeout=parse_duration(settings.http_timeout).total_seconds(),
        max_bytes=settings.max_response_bytes,
        max_concurrency=settings.max_concurrency,
        max_per_host=settings.max_per_host,
        user_agent=settings.user_agent,
        allowed_networks=parse_networks(settings.allow_private_networks),
    )
