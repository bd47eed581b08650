"""The downloader: one polite, bounded HTTP GET.

Redirects are followed by hand so every hop passes the SSRF guard and loops are
caught; bodies are streamed and cut at ``max_bytes`` (decoded size, so a gzip or
brotli bomb stops at the cap too); one wall-clock deadline covers the whole
exchange, so a slow-drip server cannot hold a worker.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from tidings.config import CrawlSettings, IPNetwork
from tidings.crawl.addresses import GuardedBackend, Resolver, check_host, system_resolve
from tidings.crawl.decoding import ACCEPT_ENCODING, BoundedDecoder, DecodingFailed
from tidings.errors import (
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    InvalidURLError,
    NetworkError,
    RedirectLoopError,
    TooLargeError,
    TooManyRedirectsError,
    UnsupportedContentTypeError,
)
from tidings.records import FetchResponse

log = logging.getLogger(__name__)

_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a connection pool whose every connection goes through the
    SSRF guard (``addresses.GuardedBackend``).

    httpx has no argument for httpcore's network backend, so the pool httpx built is
    replaced by one with the same settings and the guarded backend (the documented
    httpcore parameter; httpx keeps its pool in ``_pool``, stable across 0.2x).
    """

    def __init__(
        self, limits: httpx.Limits, allowed: Sequence[IPNetwork], resolve: Resolver
    ) -> None:
        super().__init__(limits=limits, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(allowed, resolve),
        )


class Fetcher:
    """An httpx client with Tidings' limits. Use as ``async with Fetcher(settings) as f``.

    ``resolve``: how host names are resolved (the system's resolver; tests give others).
    """

    def __init__(self, settings: CrawlSettings, *, resolve: Resolver = system_resolve) -> None:
        self.settings = settings
        self._resolve = resolve
        limits = httpx.Limits(max_connections=settings.concurrency * 2)
        self._client = httpx.AsyncClient(
            headers={"User-Agent": settings.user_agent},
            timeout=httpx.Timeout(
                settings.read_timeout, connect=settings.connect_timeout, pool=None
            ),
            follow_redirects=False,
            transport=GuardedTransport(limits, settings.allowed_networks, resolve),
            trust_env=False,
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: Collection[str] | None = None,
        max_bytes: int | None = None,
        truncate: bool = False,
    ) -> FetchResponse:
        """GET ``url``. Returns a 2xx or 304 response; raises a ``FetchError`` otherwise.

        ``accept``: media types (``text/html``...) the caller can use; another type
        raises ``UnsupportedContentTypeError`` before the body is read.
        ``max_bytes``: this call's body cap (default: the settings'); past it the fetch
        fails with ``TooLargeError``, or with ``truncate`` returns the first bytes.
        """
        limits = _BodyLimit(max_bytes or self.settings.max_bytes, truncate)
        try:
            async with asyncio.timeout(self.settings.total_timeout):
                return await self._fetch(url, etag, last_modified, accept, limits)
        except TimeoutError as exc:
            raise FetchTimeoutError(
                url, f"no complete response within {self.settings.total_timeout:g}s"
            ) from exc
        except httpx.TimeoutException as exc:
            raise FetchTimeoutError(url, f"timed out: {type(exc).__name__}") from exc
        except httpx.InvalidURL as exc:
            raise InvalidURLError(url, str(exc)) from exc
        except (httpx.TransportError, httpx.StreamError) as exc:
            raise NetworkError(url, f"{type(exc).__name__}: {exc}") from exc

    async def _fetch(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        accept: Collection[str] | None,
        limits: _BodyLimit,
    ) -> FetchResponse:
        started = time.monotonic()
        headers = {"Accept": _accept_header(accept), "Accept-Encoding": ACCEPT_ENCODING}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        seen = {url}
        hops: list[str] = []
        while True:
            await self._guard(current)
            request = self._client.build_request("GET", current, headers=headers)
            response = await self._client.send(request, stream=True)
            try:
                if response.status_code in _REDIRECTS and "location" in response.headers:
                    target = urljoin(current, response.headers["location"].strip())
                    if target in seen:
                        raise RedirectLoopError(url, f"redirect loop at {target}")
                    if len(hops) >= self.settings.max_redirects:
                        raise TooManyRedirectsError(
                            url, f"more than {self.settings.max_redirects} redirects"
                        )
                    seen.add(target)
                    hops.append(target)
                    current = target
                    continue
                return await self._complete(url, current, response, accept, limits, started, hops)
            finally:
                await response.aclose()

    async def _guard(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidURLError(url, "only http(s) URLs with a host can be fetched")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        await check_host(parts.hostname, port, url, self.settings.allowed_networks, self._resolve)

    async def _complete(
        self,
        url: str,
        final_url: str,
        response: httpx.Response,
        accept: Collection[str] | None,
        limits: _BodyLimit,
        started: float,
        hops: list[str],
    ) -> FetchResponse:
        status = response.status_code
        content_type, charset = _content_type(response.headers.get("content-type", ""))

        def build(body: bytes) -> FetchResponse:
            return FetchResponse(
                url=url,
                final_url=final_url,
                status=status,
                content_type=content_type,
                charset=charset,
                body=body,
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
                elapsed=time.monotonic() - started,
                redirects=tuple(hops),
            )

        if status == 304:
            return build(b"")
        if not 200 <= status < 300:
            raise HTTPStatusError(
                url, status, retry_after=parse_retry_after(response.headers.get("retry-after"))
            )
        if accept is not None and content_type and content_type not in accept:
            raise UnsupportedContentTypeError(url, f"unexpected content type {content_type}")
        limit = limits.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit and not limits.truncate:
            raise TooLargeError(url, f"Content-Length {declared} exceeds {limit} bytes")
        chunks: list[bytes] = []
        size = 0
        decoder = BoundedDecoder(response.headers.get("content-encoding", ""), limit)
        async for raw in response.aiter_raw():
            try:
                chunk = decoder.decode(raw)
            except DecodingFailed as exc:
                raise NetworkError(url, f"undecodable response body: {exc}") from exc
            size += len(chunk)
            if size > limit:
                if not limits.truncate:
                    raise TooLargeError(url, f"body exceeds {limit} bytes")
                chunks.append(chunk[: len(chunk) - (size - limit)])
                break
            chunks.append(chunk)
        return build(b"".join(chunks))


@dataclass(frozen=True)
class _BodyLimit:
    max_bytes: int
    truncate: bool


def _accept_header(accept: Collection[str] | None) -> str:
    if not accept:
        return "*/*"
    return ", ".join(sorted(accept)) + ", */*;q=0.1"


def _content_type(value: str) -> tuple[str, str | None]:
    """``text/html; charset=GBK`` → (``text/html``, ``gbk``)."""
    main, *params = value.split(";")
    charset = None
    for param in params:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'").lower() or None
    return main.strip().lower(), charset


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


__all__ = ["FetchError", "Fetcher", "parse_retry_after"]
