"""The SSRF guard on real addresses and a real redirecting server."""

from __future__ import annotations

import ipaddress

import pytest

from tests.webserver import Reply, TestWeb
from tidings.config import CrawlSettings
from tidings.crawl import Fetcher, is_blocked
from tidings.errors import BlockedAddressError


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "fc00::1",
        "fe80::1",
        "::ffff:127.0.0.1",
        "224.0.0.1",
    ],
)
def test_internal_addresses_are_blocked(address: str) -> None:
    assert is_blocked(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1111", "1.1.1.1"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert not is_blocked(ipaddress.ip_address(address))


def test_an_allowed_range_opens_only_that_range() -> None:
    allowed = (ipaddress.ip_network("127.0.0.0/8"),)
    assert not is_blocked(ipaddress.ip_address("127.0.0.1"), allowed)
    assert is_blocked(ipaddress.ip_address("10.0.0.1"), allowed)


async def test_loopback_by_name_is_blocked_by_default() -> None:
    with TestWeb() as web:
        web.page("/", "<p>internal</p>")
        url = web.url("/").replace("127.0.0.1", "localhost")
        async with Fetcher(CrawlSettings()) as fetcher:
            with pytest.raises(BlockedAddressError):
                await fetcher.fetch(url)
        assert web.hits == []


async def test_redirect_to_a_private_address_is_blocked() -> None:
    with TestWeb() as web:
        web.route("/jump", lambda r: Reply(302, headers={"Location": "http://10.1.2.3/admin"}))
        async with Fetcher(CrawlSettings().allowing("127.0.0.0/8")) as fetcher:
            with pytest.raises(BlockedAddressError) as info:
                await fetcher.fetch(web.url("/jump"))
        assert "10.1.2.3" in str(info.value)
