"""Fuzz URL handling: canonical URLs, hosts, robots.txt rules and the SSRF guard.

Input: the first byte picks the target, the rest is its input.

Contract (a breach raises, which libFuzzer reports as a crash):

* URLs (the rest as UTF-8, undecodable bytes as lone surrogates, as ``json.loads`` can
  also produce; an optional base after a NUL): ``canonical_url`` raises nothing but
  ``InvalidURLError``; what it returns is an http(s) URL with a host, without a
  fragment, and its own canonical form (idempotence); ``host_of`` never raises (it keys
  politeness and names outlets from stored text) and gives a non-empty lower-case host
  for a canonical URL.
* robots.txt (the rest is the body; a path to ask about after the last NUL):
  ``parse_robots`` never raises; with rules, ``can_fetch`` answers a bool and
  ``crawl_delay`` ``None`` or a finite delay of zero or more seconds.
* addresses (the rest gives 4 or 16 bytes): ``is_blocked`` answers a bool, and the
  IPv4-mapped, 6to4 and NAT64 (64:ff9b::/96) forms of a blocked IPv4 address (private,
  loopback, ...) are blocked too: a packet to them reaches that IPv4 address.

Run: ``.venv/bin/python fuzz/urls.py [libFuzzer flags] [corpus_dir]``.
"""

from __future__ import annotations

import ipaddress
import math
import sys
from urllib.parse import urlsplit

import atheris
from _corpus import seeded_argv

with atheris.instrument_imports(include=["tidings", "courlan", "protego"]):
    from tidings.config import CrawlSettings
    from tidings.crawl.addresses import is_blocked
    from tidings.crawl.robots import parse_robots
    from tidings.errors import InvalidURLError
    from tidings.urls import canonical_url, host_of

URL_MODE, ROBOTS_MODE, ADDRESS_MODE = 0, 1, 2
ROBOTS_URL = "https://news.example/robots.txt"
USER_AGENT = CrawlSettings().user_agent
NAT64_PREFIX = int(ipaddress.IPv6Address("64:ff9b::"))

SEEDS: tuple[bytes, ...] = (
    b"\x00HTTP://News.Example:80/a/./b/../c?utm_source=x&b=2&a=1#frag",
    b"\x00../up/./here?x=1\x00https://news.example/dir/page.html",
    b"\x00https://[::1]:8080/%7Euser/\xc3\xa9t\xc3\xa9",
    b"\x00http://xn--bcher-kva.example/\xff\xfe",
    b"\x00javascript:alert(1)",
    b"\x00//news.example/scheme-relative\x00http://base.example/",
    b"\x01User-agent: *\nDisallow: /private\nAllow: /private/ok\nCrawl-delay: 2.5\n"
    b"Sitemap: https://news.example/sitemap.xml\n\x00/private/x",
    b"\x01User-agent: tidings\nDisallow: /*.pdf$\n\nUser-agent: *\nDisallow: /\n\x00/a.pdf",
    b"\x01\xef\xbb\xbfuser-agent:*\r\ndisallow:\r\ncrawl-delay: 1e400\r\n\x00/",
    b"\x02\x0a\x00\x00\x01",
    b"\x02\x7f\x00\x00\x01",
    b"\x02\xc0\xa8\x01\x01",
    b"\x02\x08\x08\x08\x08",
    b"\x02" + ipaddress.IPv6Address("::ffff:10.0.0.1").packed,
    b"\x02" + ipaddress.IPv6Address("2002:c0a8:101::").packed,
    b"\x02" + ipaddress.IPv6Address("64:ff9b::a9fe:a9fe").packed,
    b"\x02" + ipaddress.IPv6Address("2606:4700::1111").packed,
)


def check_urls(text: str) -> None:
    url, _, base = text.partition("\x00")
    host_of(url)
    try:
        canonical = canonical_url(url, base or None)
    except InvalidURLError:
        return
    parts = urlsplit(canonical)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.fragment:
        raise AssertionError(f"canonical_url({url!r}, {base!r}) gave {canonical!r}")
    again = canonical_url(canonical)
    if again != canonical:
        raise AssertionError(f"canonical_url is not idempotent: {canonical!r} -> {again!r}")
    host = host_of(canonical)
    if not host or host != host.lower():
        raise AssertionError(f"host_of({canonical!r}) gave {host!r}")


def check_robots(data: bytes) -> None:
    body, sep, path = data.rpartition(b"\x00")
    if not sep:
        body, path = data, b""
    rules = parse_robots(body, ROBOTS_URL)
    if rules is None:
        return
    url = "https://news.example/" + path.decode("utf-8", errors="replace").lstrip("/")
    verdict = rules.can_fetch(url, USER_AGENT)
    if not isinstance(verdict, bool):
        raise AssertionError(f"can_fetch gave {verdict!r}")
    delay = rules.crawl_delay(USER_AGENT)
    if delay is not None and not (math.isfinite(float(delay)) and float(delay) >= 0):
        raise AssertionError(f"crawl_delay gave {delay!r}")


def embedded_forms(address: ipaddress.IPv4Address) -> list[ipaddress.IPv6Address]:
    """The IPv6 addresses a packet to which reaches ``address``: IPv4-mapped, 6to4 and
    NAT64 (RFC 6052's well-known prefix)."""
    value = int(address)
    return [
        ipaddress.IPv6Address((0xFFFF << 32) | value),
        ipaddress.IPv6Address((0x2002 << 112) | (value << 80)),
        ipaddress.IPv6Address(NAT64_PREFIX | value),
    ]


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if int(address) >> 32 == NAT64_PREFIX >> 32:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def check_address(data: bytes) -> None:
    if len(data) >= 16:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.IPv6Address(data[:16])
    elif len(data) >= 4:
        address = ipaddress.IPv4Address(data[:4])
    else:
        return
    blocked = is_blocked(address)
    if not isinstance(blocked, bool):
        raise AssertionError(f"is_blocked({address}) gave {blocked!r}")
    if isinstance(address, ipaddress.IPv4Address):
        if blocked:
            for form in embedded_forms(address):
                if not is_blocked(form):
                    raise AssertionError(f"{form} (a form of blocked {address}) is not blocked")
        return
    inner = embedded_ipv4(address)
    if inner is not None and is_blocked(inner) and not blocked:
        raise AssertionError(f"{address} reaches blocked {inner} but is not blocked")


def TestOneInput(data: bytes) -> None:
    if not data:
        return
    mode = data[0] % 3
    rest = data[1:]
    if mode == URL_MODE:
        check_urls(rest.decode("utf-8", errors="surrogateescape"))
    elif mode == ROBOTS_MODE:
        check_robots(rest)
    else:
        check_address(rest)


if __name__ == "__main__":
    atheris.Setup(seeded_argv(sys.argv, SEEDS), TestOneInput)
    atheris.Fuzz()
