"""The SSRF guard: users supply URLs, and no URL may make the crawler reach an
internal service (loopback, private ranges, link-local cloud metadata, ...) unless
an operator allowed that range explicitly (``CrawlSettings.allowed_networks``).

Every hop of a redirect chain is checked, and host names are resolved first so a
public name that points at a private address is caught too. The check is made again
where it counts, when a connection opens (:class:`GuardedBackend`): the crawler
connects to an address it has just checked, never to a second resolution of the name,
so a name that answers with a public address for the check and a private one for the
connection (DNS rebinding) reaches nothing.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence

import httpcore
from httpcore._backends.auto import AutoBackend

from tidings.config import IPNetwork
from tidings.errors import BlockedAddressError, NetworkError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Ranges ``is_global`` does not exclude but a crawler must still never reach.
_ALWAYS_BLOCKED = (
    ipaddress.ip_network("100.64.0.0/10"),  # carrier-grade NAT, shared address space
    ipaddress.ip_network("192.0.0.0/24"),  # IETF protocol assignments
)


def is_blocked(address: IPAddress, allowed: Sequence[IPNetwork] = ()) -> bool:
    """True when the crawler must not connect to ``address``."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in network for network in allowed):
        return False
    if any(address in network for network in _ALWAYS_BLOCKED):
        return True
    return not address.is_global or address.is_multicast


#: Resolves (host, port) to addresses: the system resolver unless a test gives another.
Resolver = Callable[[str, int], Awaitable[list[str]]]


async def system_resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to (``getaddrinfo``, TCP), in the resolver's order."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def allowed_addresses(
    host: str,
    port: int,
    url: str,
    allowed: Sequence[IPNetwork] = (),
    resolve: Resolver = system_resolve,
) -> list[str]:
    """The addresses to connect to for ``host``; raises ``BlockedAddressError`` if it is,
    or resolves to, any blocked address (one bad answer blocks the name)."""
    bare = host.strip("[]")
    try:
        literal: IPAddress | None = ipaddress.ip_address(bare)
    except ValueError:
        literal = None
    if literal is not None:
        if is_blocked(literal, allowed):
            raise BlockedAddressError(url, f"address {literal} is not allowed")
        return [str(literal)]
    try:
        found = await resolve(bare, port)
    except (OSError, UnicodeError) as exc:
        raise NetworkError(url, f"cannot resolve {bare}: {exc}") from exc
    if not found:
        raise NetworkError(url, f"cannot resolve {bare}: no address")
    for text in found:
        address = ipaddress.ip_address(text)
        if is_blocked(address, allowed):
            raise BlockedAddressError(url, f"{bare} resolves to {address}, which is not allowed")
    return found


async def check_host(
    host: str,
    port: int,
    url: str,
    allowed: Sequence[IPNetwork] = (),
    resolve: Resolver = system_resolve,
) -> None:
    """Raise ``BlockedAddressError`` if ``host`` is, or resolves to, a blocked address."""
    await allowed_addresses(host, port, url, allowed, resolve)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to checked addresses.

    ``connect_tcp`` resolves the host itself, refuses it if any address is blocked, and
    connects to one of the addresses it checked (TLS still verifies and sends the host
    name: httpcore starts TLS with the origin's name, not the address).
    """

    def __init__(self, allowed: Sequence[IPNetwork] = (), resolve: Resolver = system_resolve):
        self._inner = AutoBackend()
        self._allowed = tuple(allowed)
        self._resolve = resolve

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        url = f"//{host}:{port}"
        addresses = await allowed_addresses(host, port, url, self._allowed, self._resolve)
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("the crawler does not connect to Unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
