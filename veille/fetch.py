"""HTTP fetching: one shared ``httpx.AsyncClient``, polite and bounded.

A global and a per-host concurrency limit, connect/read timeouts plus an
overall deadline, an identifying User-Agent, a redirect limit, conditional
GET, and a size cap that also applies after decompression: the body is read
raw and inflated here chunk by chunk with a bound on the output, so a gzip
bomb stops at the cap instead of filling memory.

Errors (all ``FetchError``, message in French):

FetchError
├── GoneError           410: the source no longer exists
└── RetryLater          429 / 503 with the server's Retry-After
"""

import asyncio
import re
import ssl
import zlib
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import cache
from urllib.parse import urlsplit
from urllib.request import getproxies

import httpx

from veille.errors import FetchError
from veille.netguard import GuardedTransport, request_checker
from veille.networks import Network
from veille.types import Fetched, NotModified

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_CHUNK = 64 * 1024
# Few idle connections in the shared pool (article pages, hosts met through
# redirects): httpcore checks every pooled connection on each request.
KEEPALIVE = 4
_MAX_AGE = re.compile(r"max-age\s*=\s*(\d+)", re.IGNORECASE)
_STATUS_WORDS = {
    401: "accès refusé (authentification demandée)",
    403: "accès interdit",
    404: "adresse introuvable",
    500: "erreur interne du serveur",
    502: "passerelle en erreur",
    503: "service indisponible",
    504: "passerelle expirée",
}


class GoneError(FetchError):
    """HTTP 410: the publisher removed the source for good."""


class RetryLater(FetchError):
    """HTTP 429 or 503: the server asks to wait ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """Bounds of the fetcher; their defaults live in the settings (``limits_from``)."""

    timeout: float
    max_bytes: int
    max_concurrency: int
    max_per_host: int
    user_agent: str
    max_redirects: int = 5
    # Private and local networks admitted despite the guard (veille.netguard).
    allowed_networks: tuple[Network, ...] = ()


class Fetcher:
    """Fetch bodies with one shared client; use as ``async with Fetcher(limits)``."""

    def __init__(
        self,
        limits: FetchLimits,
        transport: httpx.AsyncBaseTransport | None = None,
        urls: Iterable[str] = (),
    ) -> None:
        self.limits = limits
        self._transport = transport
        # IPv6 literals stay in the shared pool (no mount pattern for them).
        self._known_hosts = sorted({h for h in map(_host, urls) if h and ":" not in h})
        self._client: httpx.AsyncClient | None = None
        self._global = asyncio.Semaphore(limits.max_concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> "Fetcher":
        limits = self.limits
        pool = httpx.Limits(
            max_connections=limits.max_concurrency, max_keepalive_connections=KEEPALIVE
        )
        proxied = bool(getproxies())
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(limits.timeout),
            limits=pool,
            follow_redirects=True,
            max_redirects=limits.max_redirects,
            headers={"User-Agent": limits.user_agent, "Accept-Encoding": "gzip, deflate"},
            transport=self._transport or (None if proxied else self._guarded(pool)),
            verify=_tls_context(),
            mounts=self._host_pools(),
            # Through a proxy, connections go to the proxy: check each hop's host instead.
            event_hooks={"request": [request_checker(limits.allowed_networks)] if proxied else []},
        )
        return self

    def _guarded(self, pool: httpx.Limits) -> httpx.AsyncBaseTransport:
        return GuardedTransport(self.limits.allowed_networks, limits=pool, verify=_tls_context())

    def _host_pools(self) -> dict[str, httpx.AsyncBaseTransport | None]:
        """One small pool per known host (the sources' hosts).

        A host's next feed reuses its kept-alive connection, and httpcore,
        which scans its whole pool on each request, scans a few connections
        instead of all. Not with a proxy from the environment, which mounts
        would bypass, nor with a given transport.
        """
        if self._transport is not None or getproxies():
            return {}
        per_host = httpx.Limits(
            max_connections=2 * self.limits.max_per_host,
            max_keepalive_connections=self.limits.max_per_host,
        )
        return {f"all://{host}": self._guarded(per_host) for host in self._known_hosts}

    async def __aexit__(self, *exc_info: object) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
    ) -> Fetched | NotModified:
        """GET ``url``; a 304 gives ``NotModified``. Raises FetchError (or a subclass)."""
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        async with self._slot(url):
            with _wrap_errors(self.limits.timeout):
                async with asyncio.timeout(self.limits.timeout * 3):
                    return await self._get(url, headers)

    def _host_semaphore(self, url: str) -> asyncio.Semaphore:
        host = _host(url)
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(self.limits.max_per_host)
        return self._hosts[host]

    def _slot(self, url: str) -> "_Slot":
        # The host first: a request waiting for its busy host must not hold
        # one of the global slots meanwhile.
        return _Slot(self._host_semaphore(url), self._global)

    async def _get(self, url: str, headers: dict[str, str]) -> Fetched | NotModified:
        assert self._client is not None, "use the Fetcher inside 'async with'"
        async with self._client.stream("GET", url, headers=headers) as response:
            max_age = _max_age(response.headers)
            if response.status_code == 304:
                # Read the (empty) body to its end: otherwise httpcore closes the
                # connection instead of keeping it for the host's next feed.
                await response.aread()
                return NotModified(url, *_validators(response.headers, headers), max_age)
            _check_status(response)
            body = await _read_capped(response, self.limits.max_bytes)
            return Fetched(
                url=url,
                final_url=str(response.url),
                body=body,
                content_type=response.headers.get("content-type", ""),
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
                permanent_redirect=_permanent(response),
                max_age_seconds=max_age,
                status_code=response.status_code,
            )


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


@cache
def _tls_context() -> ssl.SSLContext:
    """The certificate store, loaded once per process (tens of ms), not once per pass."""
    return httpx.create_ssl_context()


class _Slot:
    """Hold the global and the per-host semaphore for one request."""

    def __init__(self, *semaphores: asyncio.Semaphore) -> None:
        self._semaphores = semaphores

    async def __aenter__(self) -> None:
        for semaphore in self._semaphores:
            await semaphore.acquire()

    async def __aexit__(self, *exc_info: object) -> None:
        for semaphore in reversed(self._semaphores):
            semaphore.release()


def _validators(headers: httpx.Headers, sent: dict[str, str]) -> tuple[str | None, str | None]:
    etag = headers.get("etag") or sent.get("If-None-Match")
    return etag, headers.get("last-modified") or sent.get("If-Modified-Since")


def _permanent(response: httpx.Response) -> bool:
    history = response.history
    return bool(history) and all(r.status_code in (301, 308) for r in history)


def _check_status(response: httpx.Response) -> None:
    status = response.status_code
    if status < 400:
        return
    words = _STATUS_WORDS.get(status, "erreur du serveur" if status >= 500 else "requête refusée")
    if status == 410:
        raise GoneError("HTTP 410 : la source n'existe plus (Gone)")
    if status in (429, 503):
        delay = retry_after_seconds(response.headers.get("retry-after"))
        wait = f", nouvel essai dans {delay} s demandé" if delay is not None else ""
        label = "trop de requêtes" if status == 429 else words
        raise RetryLater(f"HTTP {status} : {label}{wait}", delay)
    raise FetchError(f"HTTP {status} : {words}")


def retry_after_seconds(value: str | None, now: datetime | None = None) -> int | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0, int((moment - (now or datetime.now(UTC))).total_seconds()))


def _max_age(headers: httpx.Headers) -> int | None:
    match = _MAX_AGE.search(headers.get("cache-control", ""))
    return int(match.group(1)) if match else None


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body, refused as soon as it (or its inflated form) exceeds the cap."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(_too_big(max_bytes, int(declared)))
    encoding = response.headers.get("content-encoding", "").strip().lower()
    chunks: list[bytes] = []
    size = 0
    async for chunk in _inflate(response.aiter_raw(_CHUNK), encoding, max_bytes):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(_too_big(max_bytes))
        chunks.append(chunk)
    return b"".join(chunks)


def _too_big(max_bytes: int, declared: int | None = None) -> str:
    size = f" ({declared / 1e6:.1f} Mo annoncés)" if declared else ""
    return f"réponse trop volumineuse : plus de {max_bytes / 1e6:.1f} Mo{size}"


async def _inflate(raw: AsyncIterator[bytes], encoding: str, cap: int) -> AsyncIterator[bytes]:
    if encoding in ("", "identity"):
        async for chunk in raw:
            yield chunk
        return
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(f"compression {encoding!r} non prise en charge")
    decoder = zlib.decompressobj(zlib.MAX_WBITS | 32)
    async for chunk in raw:
        for piece in _bounded(decoder, chunk, cap):
            yield piece
    yield decoder.flush()


def _bounded(decoder: "zlib._Decompress", data: bytes, cap: int) -> Iterator[bytes]:
    """Inflate ``data`` in pieces of at most ``cap + 1`` bytes so a bomb stops early."""
    try:
        while data:
            piece = decoder.decompress(data, cap + 1)
            yield piece
            data = decoder.unconsumed_tail
    except zlib.error as error:
        raise FetchError(f"réponse compressée illisible : {error}") from error


@contextmanager
def _wrap_errors(timeout: float) -> Iterator[None]:
    """Turn httpx and timeout errors into FetchError with a French reason."""
    try:
        yield
    except FetchError:
        raise
    except httpx.TooManyRedirects as error:
        raise FetchError("trop de redirections (boucle de redirection ?)") from error
    except (httpx.ConnectTimeout, httpx.PoolTimeout) as error:
        raise FetchError(f"connexion impossible en {timeout:g} s") from error
    except (httpx.ReadTimeout, httpx.WriteTimeout, TimeoutError) as error:
        raise FetchError(f"le serveur ne répond pas (délai de {timeout:g} s dépassé)") from error
    except httpx.ConnectError as error:
        raise FetchError(f"connexion impossible : {_connect_reason(error)}") from error
    except httpx.HTTPError as error:
        raise FetchError(f"erreur réseau : {_short(error)}") from error


def _connect_reason(error: Exception) -> str:
    text = _short(error)
    if "name resolution" in text or "not known" in text or "nodename" in text:
        return f"nom d'hôte introuvable (pas d'accès à Internet, ou adresse erronée) — {text}"
    if "refused" in text.lower():
        return f"connexion refusée par le serveur — {text}"
    return text


def _short(error: Exception) -> str:
    return (str(error) or type(error).__name__).splitlines()[0][:200]
