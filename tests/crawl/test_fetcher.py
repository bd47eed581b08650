"""The downloader's limits against a real server on 127.0.0.1."""

from __future__ import annotations

import gzip
import itertools
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import brotli
import pytest

from tests.webserver import Reply, TestWeb
from tidings.config import CrawlSettings
from tidings.crawl import Fetcher, parse_retry_after
from tidings.errors import (
    HTTPStatusError,
    NetworkError,
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


async def test_brotli_bomb_stops_at_the_decoded_size_cap() -> None:
    bomb = brotli.compress(b"\0" * (20 * 1024 * 1024))  # 20 MB that packs to a few KB
    assert len(bomb) < 100_000
    with TestWeb() as web:
        web.page("/bomb", bomb, headers={"Content-Encoding": "br"})
        async with Fetcher(SETTINGS) as fetcher:
            with pytest.raises(TooLargeError):
                await fetcher.fetch(web.url("/bomb"))


def _zeros_compressed(total: int, compressor: Any) -> bytes:
    """``total`` zero bytes through ``compressor`` (``compress``/``process`` and
    ``flush``/``finish``), a megabyte at a time."""
    block = b"\0" * (1 << 20)
    step = getattr(compressor, "compress", None) or compressor.process
    end = getattr(compressor, "flush", None) or compressor.finish
    return b"".join(step(block) for _ in range(total >> 20)) + end()


@pytest.mark.parametrize(
    ("encoding", "make"),
    [
        # 256 MiB in 250 bytes: httpx would decode it whole in one call
        ("br", lambda: _zeros_compressed(256 << 20, brotli.Compressor(quality=5))),
        # a gzip body gzipped again: the outer layer is small, the inner one the bomb
        (
            "gzip, gzip",
            lambda: gzip.compress(_zeros_compressed(256 << 20, zlib.compressobj(1, wbits=31))),
        ),
    ],
    ids=["brotli", "gzip-in-gzip"],
)
async def test_a_bomb_is_never_decoded_past_the_cap(
    encoding: str, make: Callable[[], bytes]
) -> None:
    bomb = make()
    assert len(bomb) < 2 << 20
    with TestWeb() as web:
        web.page("/bomb", bomb, headers={"Content-Encoding": encoding})
        async with Fetcher(SETTINGS) as fetcher:
            tracemalloc.start()
            try:
                began = time.monotonic()
                with pytest.raises(TooLargeError):
                    await fetcher.fetch(web.url("/bomb"))
                took = time.monotonic() - began
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
    assert peak < 16 * 1024 * 1024  # the 1 MiB cap and change, not 256 MiB
    assert took < 2.0


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),  # zlib-wrapped, as the standard says
        ("deflate", lambda body: zlib.compress(body, wbits=-15)),  # raw, as some send it
        ("br", brotli.compress),
        ("br, gzip", lambda body: gzip.compress(brotli.compress(body))),
        ("identity", lambda body: body),
    ],
    ids=["gzip", "deflate", "raw-deflate", "brotli", "brotli-then-gzip", "identity"],
)
async def test_encoded_pages_are_decoded_whole(
    encoding: str, encode: Callable[[bytes], bytes]
) -> None:
    page = b"".join(b"<p>paragraph %d of the story</p>" % i for i in range(20_000))
    with TestWeb() as web:
        web.page("/page", encode(page), headers={"Content-Encoding": encoding})
        async with Fetcher(SETTINGS) as fetcher:
            response = await fetcher.fetch(web.url("/page"))
    assert response.body == page


async def test_a_body_that_is_not_what_its_encoding_says_is_a_network_error() -> None:
    with TestWeb() as web:
        web.page("/page", b"<p>plain text, not gzip</p>", headers={"Content-Encoding": "gzip"})
        async with Fetcher(SETTINGS) as fetcher:
            with pytest.raises(NetworkError, match="undecodable"):
                await fetcher.fetch(web.url("/page"))


CHUNK = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n"


def counted(chunks: Iterator[bytes], sent: list[int]) -> Iterator[bytes]:
    for chunk in chunks:
        sent.append(len(chunk))
        yield chunk


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
async def test_a_100_mb_page_is_cut_at_the_cap_in_bounded_time_and_memory(
    declared: bool,
) -> None:
    """100 MB of HTML, announced or not: the fetch stops at the 10 MB default cap,
    having read about that much, in seconds, holding about that much."""
    size = 100 * 1024 * 1024
    sent: list[int] = []
    settings = CrawlSettings().allowing("127.0.0.0/8")  # the default 10 MB cap
    with TestWeb() as web:
        headers = {"Content-Length": str(size)} if declared else {}
        web.route(
            "/huge",
            lambda r: Reply(
                body=counted(itertools.repeat(CHUNK, size // len(CHUNK)), sent),
                headers=headers,
            ),
        )
        tracemalloc.start()
        started = time.monotonic()
        try:
            async with Fetcher(settings) as fetcher:
                with pytest.raises(TooLargeError):
                    await fetcher.fetch(web.url("/huge"))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert time.monotonic() - started < 30
    assert peak < 64 * 1024 * 1024  # not the 100 MB body
    # it stopped reading (an announced size is refused before the body is read), so
    # the server never got to send the rest
    assert sum(sent) < (settings.max_bytes if declared else 3 * settings.max_bytes)


async def test_an_endless_chunked_body_is_cut() -> None:
    with TestWeb() as web:
        web.route("/endless", lambda r: Reply(body=itertools.repeat(CHUNK)))
        async with Fetcher(SETTINGS) as fetcher:
            with pytest.raises(TooLargeError):
                await fetcher.fetch(web.url("/endless"))


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
