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
    # NAT64's local-use prefix (RFC 8215): a network's own translator, the IPv4 address
    # anywhere inside; not public, though Python 3.11's is_global says it is
    ipaddress.ip_network("64:ff9b:1::/48"),
)
#: NAT64's well-known prefix (RFC 6052): a gateway forwards 64:ff9b::a.b.c.d to a.b.c.d.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def is_blocked(address: IPAddress, allowed: Sequence[IPNetwork] = ()) -> bool:
    """True when the crawler must not connect to ``address``.

    An IPv6 address that stands for an IPv4 one (IPv4-mapped, 6to4, NAT64) is judged
    as that IPv4 address: ``is_global`` calls 2002:7f00:1:: and 64:ff9b::7f00:1
    public, yet a 6to4 relay or NAT64 gateway delivers them to 127.0.0.1.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            address = embedded
    if any(address in network for network in allowed):
        return False
    if any(address in network for network in _ALWAYS_BLOCKED):
        return True
    return not address.is_global or address.is_multicast


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address that ``address`` is a form of, if it is one."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


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
