"""The private-network guard: a followed site must not make us read our intranet.

Every connection the fetcher opens goes through ``GuardedBackend``: the host
name is resolved here, every address it resolves to is checked, and the
connection is made to a checked address, so a redirect hop, a full-text link
or a DNS answer that changes between two lookups cannot reach a loopback,
link-local, private (RFC 1918, ULA), multicast, reserved or unspecified
address. ``VEILLE_ALLOW_PRIVATE_NETWORKS`` admits given networks (an intranet
source, or the loopback server of a test).

Behind a proxy the proxy resolves names; ``check_request`` then checks each
request's host as this machine resolves it, before the request leaves.
"""

import asyncio
import ipaddress
import socket
from collections.abc import Iterable, Sequence
from typing import Any

import httpcore
import httpx

from veille.errors import FetchError
from veille.networks import ALLOW_SETTING, Network

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class BlockedAddress(FetchError):
    """The request would reach a private or local address that is not admitted."""


def is_public(address: Address) -> bool:
    """True for a globally routable unicast address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def refusal(host: str, address: Address, allowed: Sequence[Network]) -> str | None:
    """Why ``address`` (resolved from ``host``) is refused, or None when it may be reached."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if is_public(address) or any(address in network for network in allowed):
        return None
    shown = host if host == str(address) else f"{host} ({address})"
    return (
        f"adresse refusée : {shown} est une adresse de réseau privé ou local ; "
        f"pour une source de l'intranet, l'admettre avec {ALLOW_SETTING}"
    )


async def resolve(host: str, port: int) -> list[Address]:
    """The addresses ``host`` resolves to, in the resolver's order, without repeats."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise httpcore.ConnectError(f"{host}: {error}") from error
    found: dict[Address, None] = {}
    for info in infos:
        found.setdefault(ipaddress.ip_address(str(info[4][0]).split("%")[0]), None)
    return list(found)


def check(host: str, addresses: Iterable[Address], allowed: Sequence[Network]) -> None:
    """Refuse the host when any of its addresses is private and not admitted."""
    for address in addresses:
        reason = refusal(host, address, allowed)
        if reason:
            raise BlockedAddress(reason)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to checked addresses."""

    def __init__(self, allowed: Sequence[Network]) -> None:
        self._allowed = tuple(allowed)
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                addresses = await resolve(host, port)
        except TimeoutError as error:
            raise httpcore.ConnectTimeout(f"{host}: résolution trop longue") from error
        check(host, addresses, self._allowed)
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last_error = error
        assert last_error is not None
        raise last_error

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress("connexion par socket local refusée")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a pool that uses ``GuardedBackend``."""

    def __init__(
        self, allowed: Sequence[Network], *, limits: httpx.Limits, verify: Any, http2: bool = False
    ) -> None:
        super().__init__(limits=limits, verify=verify)
        # httpx has no parameter for the network backend; its pool is rebuilt
        # with the same settings and ours (httpx is pinned in uv.lock, and the
        # guard's tests fail if this stops taking effect).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=verify,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=http2,
            network_backend=GuardedBackend(allowed),
        )


def request_checker(allowed: Sequence[Network]) -> Any:
    """An httpx request hook for proxied clients: check each hop's host as resolved here."""

    async def check_request(request: httpx.Request) -> None:
        host = request.url.host
        try:
            addresses = await resolve(host, request.url.port or 443)
        except httpcore.ConnectError:
            return  # only the proxy knows this name; it resolves it
        check(host, addresses, allowed)

    return check_request
