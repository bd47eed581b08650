"""The downloader's limits against a real server on 127.0.0.1."""

from __future__ import annotations

import gzip

import pytest

from tests.webserver import Reply, TestWeb
from tidings.config import CrawlSettings
from tidings.crawl import Fetcher, parse_retry_after
from tidings.errors import (
    HTTPStatusError,
    TooLargeError,
    TooManyRedirectsError,
    UnsupportedContentTypeError,
)

SETTINGS = CrawlSettings(max_bytes=1024 * 1024, max_redirects=3).allowing("127.0.0.0/8")


async def test_gzip_bomb_stops_at_the_decoded_size_cap() -> None:
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024))  # 20 MB that packs to ~20 KB
    with TestWeb() as web:
        web.page("/bomb", bomb, headers={"Content-Encoding": "gzip"})
        async with Fetcher(SETTINGS) as fetcher:
            with pytest.raises(TooLargeError):
                await fetcher.fetch(web.url("/bomb"))


async def test_redirect_chain_is_followed_up_to_the_limit() -> None:
    with TestWeb() as web:
        for i in range(6):
            web.route(f"/r{i}", lambda r, i=i: Reply(301, headers={"Location": f"/r{i + 1}"}))
        web.page("/r6", "<p>end</p>")
        web.route("/short", lambda r: Reply(302, headers={"Location": "/r5"}))
        async with Fetcher(SETTINGS) as fetcher:
            ok = await fetcher.fetch(web.url("/short"))
            assert ok.final_url == web.url("/r6") and ok.redirects == (
                web.url("/r5"),
                web.url("/r6"),
            )
            with pytest.raises(TooManyRedirectsError):
                await fetcher.fetch(web.url("/r0"))


async def test_content_type_is_checked_before_reading_the_body() -> None:
    with TestWeb() as web:
        web.page("/img", b"\x89PNG" + b"\0" * 100, content_type="image/png")
        async with Fetcher(SETTINGS) as fetcher:
            with pytest.raises(UnsupportedContentTypeError):
                await fetcher.fetch(web.url("/img"), accept={"text/html"})


async def test_error_status_carries_retry_after() -> None:
    with TestWeb() as web:
        web.route("/busy", lambda r: Reply(503, b"busy", headers={"Retry-After": "7"}))
        web.route("/gone", lambda r: Reply(410, b"gone"))
        async with Fetcher(SETTINGS) as fetcher:
            with pytest.raises(HTTPStatusError) as busy:
                await fetcher.fetch(web.url("/busy"))
            assert busy.value.retry_after == 7 and busy.value.retryable
            with pytest.raises(HTTPStatusError) as gone:
                await fetcher.fetch(web.url("/gone"))
            assert not gone.value.retryable


async def test_charset_and_validators_are_reported() -> None:
    with TestWeb() as web:
        web.page(
            "/p",
            "<p>é</p>".encode("latin-1"),
            content_type="text/html; charset=ISO-8859-1",
            headers={"ETag": '"abc"', "Last-Modified": "Mon, 23 Nov 2026 10:00:00 GMT"},
        )
        async with Fetcher(SETTINGS) as fetcher:
            response = await fetcher.fetch(web.url("/p"))
        assert response.charset == "iso-8859-1" and response.content_type == "text/html"
        assert response.etag == '"abc"' and response.last_modified.startswith("Mon")


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert parse_retry_after("soon") is None
