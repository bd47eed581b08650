"""robots.txt handling against a real server."""

from __future__ import annotations

from tests.webserver import Reply, TestWeb
from tidings.config import CrawlSettings
from tidings.crawl import Fetcher, RobotsCache, RobotsVerdict

SETTINGS = CrawlSettings().allowing("127.0.0.0/8")


async def check(web: TestWeb, path: str) -> RobotsVerdict:
    async with Fetcher(SETTINGS) as fetcher:
        verdict, _ = await RobotsCache(fetcher, SETTINGS).check(web.url(path))
        return verdict


async def test_a_huge_robots_txt_is_read_up_to_500_kib() -> None:
    rules = b"User-agent: *\nDisallow: /private/\n"
    padding = b"# " + b"x" * 1024 * 1024 + b"\n"  # 1 MiB of comment after the rules
    with TestWeb() as web:
        web.page("/robots.txt", rules + padding + b"Disallow: /late/\n", content_type="text/plain")
        assert await check(web, "/private/a") is RobotsVerdict.DISALLOWED
        assert await check(web, "/late/a") is RobotsVerdict.ALLOWED  # past the 500 KiB cut
        assert await check(web, "/public") is RobotsVerdict.ALLOWED


async def test_garbage_robots_txt_allows_everything() -> None:
    with TestWeb() as web:
        web.page("/robots.txt", bytes(range(256)) * 50, content_type="text/plain")
        assert await check(web, "/anything") is RobotsVerdict.ALLOWED


async def test_missing_robots_allows_and_server_error_postpones() -> None:
    with TestWeb() as web:
        assert await check(web, "/a") is RobotsVerdict.ALLOWED  # 404
    with TestWeb() as web:
        web.route("/robots.txt", lambda r: Reply(503, b"down"))
        assert await check(web, "/a") is RobotsVerdict.UNAVAILABLE


async def test_crawl_delay_is_capped() -> None:
    with TestWeb() as web:
        web.page("/robots.txt", "User-agent: *\nCrawl-delay: 86400\n", content_type="text/plain")
        async with Fetcher(SETTINGS) as fetcher:
            robots = RobotsCache(fetcher, SETTINGS)
            assert await robots.crawl_delay(web.url("/a")) == SETTINGS.max_crawl_delay
