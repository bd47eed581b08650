"""The SSRF guard: users supply URLs, and no URL may make the crawler reach an
internal service (loopback, private ranges, link-local cloud metadata, ...) unless
an operator allowed that range explicitly (``CrawlSettings.allowed_networks``).

Every hop of a redirect chain is checked, and host names are resolved first so a
public name that points at a private address is caught too.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence

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


async def check_host(host: str, port: int, url: str, allowed: Sequence[IPNetwork] = ()) -> None:
    """Raise ``BlockedAddressError`` if ``host`` is, or resolves to, a blocked address."""
    bare = host.strip("[]")
    try:
        literal: IPAddress | None = ipaddress.ip_address(bare)
    except ValueError:
        literal = None
    if literal is not None:
        if is_blocked(literal, allowed):
            raise BlockedAddressError(url, f"address {literal} is not allowed")
        return
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(bare, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise NetworkError(url, f"cannot resolve {bare}: {exc}") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if is_blocked(address, allowed):
            raise BlockedAddressError(url, f"{bare} resolves to {address}, which is not allowed")
