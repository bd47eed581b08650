"""The local news web: one threaded HTTP server per demo site, all on 127.0.0.1.

Each site gets its own port, hence its own host:port, so per-host politeness,
robots.txt and duplicate detection behave as they would across real outlets.
"""

from __future__ import annotations

import gzip
import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import cast
from urllib.parse import urlsplit

from tidings.demo.sites import (
    HTML,
    Catalogue,
    DemoSite,
    ExpectedArticle,
    Resource,
    build_catalogue,
    build_routes,
    expected,
    make_site,
)
from tidings.records import SourceSpec

logger = logging.getLogger(__name__)

#: Bodies at least this long are gzipped for clients that accept it.
GZIP_MIN_BYTES = 1024


@dataclass(frozen=True)
class RequestRecord:
    """One request the demo web answered."""

    url: str
    method: str
    status: int
    at: float
    user_agent: str | None


class _Recorder:
    """Thread-safe request counts and log, shared by every site's server."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._log: list[RequestRecord] = []

    def record(self, record: RequestRecord) -> None:
        with self._lock:
            self._counts[record.url] += 1
            self._log.append(record)

    def count(self, url: str) -> int:
        with self._lock:
            return self._counts[url]

    def log(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._log)


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, recorder: _Recorder) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, Resource] = {}
        self.recorder = recorder
        self.base_url = f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: object, client_address: object) -> None:
        # A client hanging up mid-response is routine for a crawler target; never print.
        logger.debug("demo web: error serving %s", client_address, exc_info=True)


NOT_FOUND = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Page not found</title></head>
<body><h1>Page not found</h1><p>The page you asked for does not exist.</p></body></html>
"""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "TidingsDemo/1.0"
    timeout = 15

    @property
    def site_server(self) -> _SiteServer:
        return cast(_SiteServer, self.server)

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("%s " + format, self.site_server.base_url, *args)

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _answer(self, head: bool) -> None:
        path = urlsplit(self.path).path or "/"
        resource = self.site_server.routes.get(path)
        if resource is None:
            status = 404
            self._send(404, NOT_FOUND, HTML, None, head)
        elif self._not_modified(resource):
            status = 304
            self.send_response(304)
            self._validators(resource)
            self.end_headers()
        else:
            status = 200
            self._send(200, resource.body, resource.content_type, resource, head)
        self.site_server.recorder.record(
            RequestRecord(
                url=self.site_server.base_url + self.path,
                method=self.command,
                status=status,
                at=time.monotonic(),
                user_agent=self.headers.get("User-Agent"),
            )
        )

    def _not_modified(self, resource: Resource) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {_bare_etag(t) for t in if_none_match.split(",")}
            return "*" in tags or resource.etag in tags
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            when = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if when.tzinfo is None:
            return False
        return resource.last_modified.replace(microsecond=0) <= when

    def _validators(self, resource: Resource, gzipped: bool = False) -> None:
        etag = resource.etag[:-1] + '-gzip"' if gzipped else resource.etag
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", format_datetime(resource.last_modified, usegmt=True))
        self.send_header("Cache-Control", "max-age=60")
        self.send_header("Vary", "Accept-Encoding")

    def _send(
        self, status: int, body: bytes, content_type: str, resource: Resource | None, head: bool
    ) -> None:
        accepts = self.headers.get("Accept-Encoding", "")
        gzipped = (
            "gzip" in accepts
            and len(body) >= GZIP_MIN_BYTES
            and not content_type.startswith("image/")
        )
        if gzipped:
            body = gzip.compress(body, mtime=0)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        if resource is not None:
            self._validators(resource, gzipped)
        self.end_headers()
        if not head:
            self.wfile.write(body)


def _bare_etag(tag: str) -> str:
    """``W/"abc-gzip"`` → ``"abc"``: any representation of a resource validates it."""
    return tag.strip().removeprefix("W/").replace('-gzip"', '"')


class DemoWeb:
    """A handful of fictional news sites served locally, for offline demos and tests.

    >>> with DemoWeb(seed=7) as web:  # doctest: +SKIP
    ...     crawl(web.sources)
    """

    def __init__(self, seed: int = 7) -> None:
        self.seed = seed
        self._catalogue: Catalogue = build_catalogue(seed)
        self._recorder = _Recorder()
        self._servers: list[_SiteServer] = []
        self._threads: list[threading.Thread] = []
        self._sites: list[DemoSite] = []

    # --- lifecycle ---------------------------------------------------------------------

    def start(self) -> DemoWeb:
        if self._servers:
            return self
        try:
            for profile in self._catalogue.profiles:
                server = _SiteServer(self._recorder)
                self._servers.append(server)
                site = make_site(profile, server.base_url)
                server.routes = build_routes(profile, self._catalogue.articles[profile.key], site)
                self._sites.append(site)
            for server in self._servers:
                thread = threading.Thread(
                    target=server.serve_forever,
                    kwargs={"poll_interval": 0.1},
                    name=f"demo-web-{server.server_address[1]}",
                    daemon=True,
                )
                thread.start()
                self._threads.append(thread)
        except BaseException:
            self.close()
            raise
        logger.info("demo web started: %s", ", ".join(s.base_url for s in self._sites))
        return self

    def close(self) -> None:
        for server, _thread in zip(self._servers, self._threads, strict=False):
            server.shutdown()
        for server in self._servers:
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()
        self._sites.clear()

    def __enter__(self) -> DemoWeb:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- what is served ----------------------------------------------------------------

    def _started(self) -> list[DemoSite]:
        if not self._sites:
            raise RuntimeError("DemoWeb is not running; use start() or a with-block")
        return self._sites

    @property
    def sites(self) -> list[DemoSite]:
        return list(self._started())

    def site(self, key: str) -> DemoSite:
        for site in self._started():
            if site.key == key:
                return site
        raise KeyError(key)

    @property
    def sources(self) -> list[SourceSpec]:
        """What ``tidings demo`` subscribes to: the feeds, plus one news sitemap index."""
        return [site.source() for site in self._started()]

    @property
    def home_pages(self) -> list[str]:
        """Home pages that advertise a feed with ``<link rel="alternate">``."""
        return [s.home_url for s in self._started() if s.feed_url is not None]

    @property
    def expected_articles(self) -> list[ExpectedArticle]:
        """Every public article, in site order then newest first."""
        by_key = {s.key: s for s in self._started()}
        return [
            expected(article, by_key)
            for profile in self._catalogue.profiles
            for article in self._catalogue.articles[profile.key]
            if not article.private
        ]

    @property
    def blocked_urls(self) -> list[str]:
        """Article URLs a feed links but robots.txt disallows: they must never be fetched."""
        by_key = {s.key: s for s in self._started()}
        return [
            by_key[a.site_key].base_url + a.path
            for items in self._catalogue.articles.values()
            for a in items
            if a.private
        ]

    # --- what was asked ----------------------------------------------------------------

    def request_count(self, url: str) -> int:
        """How many requests (any method, any status) reached ``url``."""
        return self._recorder.count(url)

    @property
    def request_log(self) -> list[RequestRecord]:
        return self._recorder.log()
