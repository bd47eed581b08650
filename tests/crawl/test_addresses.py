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


@pytest.mark.parametrize(
    ("address", "reaches"),
    [
        # found by fuzz/urls.py: 6to4 and NAT64 forms passed as public (is_global)
        ("2002:c0a8:101::", "192.168.1.1"),
        ("2002:a00:1::", "10.0.0.1"),
        ("2002:7f00:1::", "127.0.0.1"),
        ("64:ff9b::7f00:1", "127.0.0.1"),
        ("64:ff9b::a9fe:a9fe", "169.254.169.254"),
        ("64:ff9b::6440:1", "100.64.0.1"),
    ],
)
def test_ipv6_forms_of_internal_ipv4_addresses_are_blocked(address: str, reaches: str) -> None:
    assert is_blocked(ipaddress.ip_address(address))
    allowed = (ipaddress.ip_network(reaches),)
    assert not is_blocked(ipaddress.ip_address(address), allowed)


def test_the_local_use_nat64_prefix_is_blocked() -> None:
    # RFC 8215: a network's own translator, whatever IPv4 address sits inside
    assert is_blocked(ipaddress.ip_address("64:ff9b:1::808:808"))


@pytest.mark.parametrize(
    "address",
    ["93.184.216.34", "2606:4700::1111", "1.1.1.1", "64:ff9b::808:808", "2002:808:808::"],
)
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


class Rebinding:
    """A DNS answer that changes between lookups, as an attacker's name server does:
    a public address first (passing a check), then loopback (for the connection)."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


async def test_a_name_rebound_to_loopback_after_the_check_reaches_nothing() -> None:
    with TestWeb() as web:
        web.page("/", "<p>internal</p>")
        port = web.url("/").split(":")[2].split("/")[0]
        resolve = Rebinding(["93.184.216.34"], ["127.0.0.1"])
        async with Fetcher(CrawlSettings(), resolve=resolve) as fetcher:
            with pytest.raises(BlockedAddressError) as info:
                await fetcher.fetch(f"http://rebind.example:{port}/")
        assert "127.0.0.1" in str(info.value)
        assert resolve.asked == ["rebind.example", "rebind.example"]  # checked, then connected
        assert web.hits == []


async def test_connections_go_to_the_checked_address_under_the_names_host() -> None:
    with TestWeb() as web:
        web.page("/page", "<p>hello</p>")
        port = web.url("/").split(":")[2].split("/")[0]
        resolve = Rebinding(["127.0.0.1"])
        settings = CrawlSettings().allowing("127.0.0.0/8")
        async with Fetcher(settings, resolve=resolve) as fetcher:
            response = await fetcher.fetch(f"http://news.example:{port}/page")
        assert response.status == 200 and b"hello" in response.body
        assert web.hits[0].headers.get("host") == f"news.example:{port}"


async def test_one_private_answer_among_public_ones_blocks_the_name() -> None:
    resolve = Rebinding(["93.184.216.34", "10.0.0.7"])
    async with Fetcher(CrawlSettings(), resolve=resolve) as fetcher:
        with pytest.raises(BlockedAddressError) as info:
            await fetcher.fetch("http://mixed.example/")
    assert "10.0.0.7" in str(info.value)
