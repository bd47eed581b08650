"""One crawl over a whole hostile web at once (issue 9): does the crawl go on, and is every
hostile case bounded in time and memory, logged and counted?

    HF_HUB_OFFLINE=1 .venv/bin/python bench/hostile_web.py             # 1,000 news pages
    .venv/bin/python bench/hostile_web.py --pages 200 --feed-items 10000

A test web on 127.0.0.x (one HTTP server per host, each on its own loopback address and
port 0, so per-host politeness does not serialise the cases): ``--pages`` ordinary
articles on four news hosts (the control group, in news sitemaps behind a sitemap index
and in an RSS feed), and, linked from the same sitemaps and feed, every hostile case on a
host of its own: gzip and brotli bombs, an endless chunked body, slow drips of a body and
of headers, a redirect loop, a redirect chain past the limit, redirect chains to 10.0.0.1
and to 169.254.169.254 (plain and IPv4-mapped IPv6), a 100 MB page with its size announced
and without, deeply nested HTML, broken and mixed encodings, sitemaps that point at each
other, a gzip-bomb sitemap and a billion-laughs sitemap. Feeds cannot be linked from a
sitemap or a feed, so the hostile feeds (truncated, garbage, 100,000 items, billion
laughs) are sources, as a reader would add them; a huge (100 MB) and a garbage robots.txt
stand in front of hosts whose pages are linked like the others.

The real ``CrawlJob`` crawls it all in this process into a real SQLite store in a temporary
folder, with loopback allowed (``CrawlSettings.allowing("127.0.0.0/8")``, as the tests do)
and nothing else: the redirects to 10.0.0.1 and 169.254.169.254 must be blocked at the hop.
The crawl uses the crawler's defaults except ``host_delay`` (0: one host is one server
here) and ``total_timeout`` (10 s rather than 60, so a slow drip is cut sooner; the bounds
below scale with it). Resident memory (``VmRSS``) is sampled every 50 ms.

Every case is judged from what the server saw (requests, body bytes written, when) and what
the store says of each of its URLs (``url.state``, ``url.last_error``, the last ``fetch``
row): it is *bounded & counted* when every URL of its host ended (done or failed, nothing
left queued) in the counter expected of it (an error kind of ``CrawlStats.errors``, an
article, a page that is not one, a feed or a sitemap; never ``internal_error``), within
``max_attempts × total_timeout`` plus the retry backoffs plus 60 s of parsing (the time
budget), with no more requests than the case allows, and with memory bounded: the
process's RSS rose by at most ``MEMORY_BOUND_MIB`` while the case was open. That rise is
shared with every case open at the same time, so when it is larger the case is crawled
again alone after the main crawl (its seeds only, its feed items not followed) and judged
by that rise; the event loop's longest stall is measured too (a step that never yields
stops every fetch of the crawl). The errors the store attributes to URLs are checked
against ``CrawlStats.errors``, and the warnings the crawl logged are counted per host.

Exits 1 if a control page is missing, 2 if a private address may have been reached (a
redirect to one did not end as ``blocked_address`` naming it), else 0.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import itertools
import logging
import os
import random
import sqlite3
import sys
import tempfile
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import brotli  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench.crawl_memory import page as story_page  # noqa: E402
from bench.crawl_memory import rss_mib  # noqa: E402

from tidings.config import CrawlSettings  # noqa: E402
from tidings.errors import FeedParseError, FetchError, SitemapParseError  # noqa: E402
from tidings.extract import extract_article  # noqa: E402
from tidings.pipeline import CrawlJob, CrawlStats  # noqa: E402
from tidings.pipeline.crawl import MAX_FEED_ENTRIES  # noqa: E402
from tidings.records import SourceKind, SourceSpec  # noqa: E402
from tidings.sources import parse_feed  # noqa: E402
from tidings.store import SQLiteStore  # noqa: E402
from tidings.urls import canonical_url  # noqa: E402

log = logging.getLogger("bench.hostile_web")

#: Seconds one case may take beyond its fetches (their deadlines and retry backoffs):
#: parsing or extracting one capped body on a slow, busy CPU.
PROCESSING_ALLOWANCE = 60.0
#: How far the process's resident memory may rise while one case is open: what parsing one
#: body at the 10 MB cap may take (feedparser holds ~25 bytes per byte of a feed of short
#: items, ~155 MiB for the 6 MB feed of 100,000 items). A 100 MB page or a 1 GB bomb held
#: whole goes past it.
MEMORY_BOUND_MIB = 256.0
#: Seconds between two samples of resident memory.
RSS_EVERY = 0.05
#: News hosts the control pages are spread over.
NEWS_HOSTS = 4
#: Control pages the news feed lists (a feed lists the newest few; the sitemaps list all).
FEED_CONTROLS = 100
#: Bytes written per socket write, so a body cut by the crawler is counted to 64 KiB.
WRITE_SIZE = 64 * 1024
#: 64 KiB of markup, repeated for big and endless bodies.
CHUNK = b"<p>" + b"x" * (WRITE_SIZE - 8) + b"</p>\n"
MIB = 1024 * 1024
#: Where the SSRF cases send the crawler (none of them is in 127.0.0.0/8).
PRIVATE_TARGETS = {
    "redirect chain to 10.0.0.1": ("http://10.0.0.1/admin", "10.0.0.1"),
    "redirect to 169.254.169.254": ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
    "redirect to [::ffff:169.254.169.254]": (
        "http://[::ffff:a9fe:a9fe]/latest/meta-data/",
        "::ffff:a9fe:a9fe",
    ),
}


# --- the test web ------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """One response. ``body``: bytes, or a function giving a fresh stream of them (sent
    chunked unless ``length`` announces a size); ``raw``: the stream is the whole response,
    status line and headers included."""

    status: int = 200
    body: bytes | Callable[[], Iterable[bytes]] = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    length: int | None = None
    raw: bool = False


NOT_FOUND = Reply(404, b"not found", "text/plain")


@dataclass(frozen=True)
class Served:
    """One request as the server saw it: when it came, and the body bytes written before
    the response ended or the crawler hung up."""

    path: str
    started: float
    sent: int


Route = Callable[[str], Reply]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        log.debug("connection from %s ended with an error", client_address, exc_info=True)


class Site:
    """One host of the test web: an HTTP server on ``address`` (port 0) in a thread.

    ``routes`` maps a path, or a prefix ending in ``/``, to a function of the path."""

    def __init__(self, address: str, routes: dict[str, Route]) -> None:
        self.routes = routes
        self.served: list[Served] = []
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                started = time.monotonic()
                sent = self._send(site.reply(path))
                with site._lock:
                    site.served.append(Served(path, started, sent))

            def _send(self, reply: Reply) -> int:
                sent = 0
                try:
                    if reply.raw:
                        self.close_connection = True
                        assert callable(reply.body)
                        for piece in reply.body():
                            self.wfile.write(piece)
                            sent += len(piece)
                        return sent
                    self.send_response(reply.status)
                    if reply.content_type:
                        self.send_header("Content-Type", reply.content_type)
                    for key, value in reply.headers:
                        self.send_header(key, value)
                    if isinstance(reply.body, bytes):
                        self.send_header("Content-Length", str(len(reply.body)))
                        self.end_headers()
                        for at in range(0, len(reply.body), WRITE_SIZE):
                            piece = reply.body[at : at + WRITE_SIZE]
                            self.wfile.write(piece)
                            sent += len(piece)
                    elif reply.length is not None:
                        self.send_header("Content-Length", str(reply.length))
                        self.end_headers()
                        for piece in reply.body():
                            self.wfile.write(piece)
                            sent += len(piece)
                    else:
                        self.send_header("Transfer-Encoding", "chunked")
                        self.end_headers()
                        for piece in reply.body():
                            self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                            sent += len(piece)
                        self.wfile.write(b"0\r\n\r\n")
                    return sent
                except OSError:  # the crawler hung up (size cap, deadline): the point
                    self.close_connection = True
                    return sent

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = _Server((address, 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def netloc(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{host!s}:{port}"

    def url(self, path: str) -> str:
        return canonical_url(f"http://{self.netloc}{path}")

    def reply(self, path: str) -> Reply:
        route = self.routes.get(path)
        if route is None:
            prefix = path[: path.rfind("/") + 1]
            route = self.routes.get(prefix) if prefix != "/" else None
        return route(path) if route is not None else NOT_FOUND

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def requests(self) -> list[Served]:
        with self._lock:
            return list(self.served)


# --- hostile content -------------------------------------------------------------------


def gzip_bomb(decoded_mib: int) -> bytes:
    """``decoded_mib`` MiB of zeros, gzipped (1 GiB packs to about 1 MB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(MIB)
    return b"".join(packer.compress(zeros) for _ in range(decoded_mib)) + packer.flush()


def brotli_bomb(decoded_mib: int) -> bytes:
    """``decoded_mib`` MiB of zeros, brotli-compressed (1 GiB packs to under 2 KB)."""
    packer = brotli.Compressor(quality=5)
    zeros = bytes(MIB)
    packed = [bytes(packer.process(zeros)) for _ in range(decoded_mib)]
    return b"".join(packed) + bytes(packer.finish())


def repeated(total: int) -> Callable[[], Iterator[bytes]]:
    return lambda: itertools.islice(itertools.repeat(CHUNK), total // len(CHUNK))


def endless() -> Iterator[bytes]:
    return itertools.repeat(CHUNK)


def drip(piece: bytes, every: float, head: bytes = b"") -> Callable[[], Iterator[bytes]]:
    """``head`` at once, then ``piece`` every ``every`` seconds, for an hour at most."""

    def stream() -> Iterator[bytes]:
        if head:
            yield head
        for _ in range(int(3600 / every)):
            time.sleep(every)
            yield piece

    return stream


def article(title: str, text: str, lang: str = "en") -> str:
    paragraphs = "".join(f"<p>{text} ({title}, part {i}).</p>" for i in range(8))
    return (
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title>"
        f"</head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    )


ENGLISH = (
    "The harbour council met on Tuesday to discuss the budget, and members agreed that "
    "repairs to the northern pier must start before the winter storms arrive"
)
FRENCH = (
    "Le conseil du port s'est réuni mardi à Zürich : les élus ont décidé, à l'unanimité, "
    "que la réparation de la jetée nord commencerait « avant l'hiver » et coûterait cher"
)
CHINESE = (
    "港口委员会周二开会讨论预算，委员们一致认为北码头的修复工作必须在冬季风暴到来之前开始，"
    "会议纪要随后公布，市民对此反应热烈"
)


def nested(depth: int) -> bytes:
    """An article inside ``depth`` nested ``<div>`` elements."""
    head, body = article("Deep story", ENGLISH).split("<body>")
    return (f"{head}<body>" + "<div>" * depth + body + "</div>" * depth).encode()


def encoding_pages() -> dict[str, tuple[bytes, str]]:
    """Path → (body, Content-Type) of pages whose bytes and labels disagree."""
    mixed = article("Mixed bytes", FRENCH).encode()
    half = len(mixed) // 2
    broken = bytearray(article("Broken bytes", ENGLISH).encode())
    rng = random.Random(9)
    for _ in range(200):  # stray bytes that are not UTF-8, and cut multi-byte sequences
        broken[rng.randrange(len(broken))] = rng.choice([0xFF, 0xFE, 0xC3, 0xE4, 0x80])
    return {
        "/gbk-labelled-utf-8": (
            article("中文新闻", CHINESE, "zh").encode("gbk"),
            "text/html; charset=utf-8",
        ),
        "/utf-8-labelled-latin-1": (
            article("Conseil du port", FRENCH, "fr").encode(),
            "text/html; charset=iso-8859-1",
        ),
        "/utf-8-then-cp1252": (
            mixed[:half] + mixed[half:].decode().encode("cp1252", errors="replace"),
            "text/html; charset=utf-8",
        ),
        "/invalid-utf-8": (bytes(broken), "text/html; charset=utf-8"),
        "/utf-16-unlabelled": (article("Sixteen bits", ENGLISH).encode("utf-16-le"), "text/html"),
        "/unknown-charset": (
            article("Unknown label", ENGLISH).encode(),
            "text/html; charset=x-no-such-charset",
        ),
    }


def rss(title: str, links: Iterable[str]) -> str:
    items = "".join(
        f"<item><title>{title} {i}</title><link>{escape(link)}</link></item>"
        for i, link in enumerate(links)
    )
    return (
        "<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel>"
        f"<title>{title}</title><link>http://example.org/</link>{items}</channel></rss>"
    )


def billion_laughs(root: str, inner: str) -> bytes:
    """The XML entity bomb: ten levels of ten references, 10^9 "lol"s when expanded."""
    levels = ['<!ENTITY l0 "lol">']
    levels += [f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)]
    return (
        f"<?xml version='1.0'?>\n<!DOCTYPE {root} [\n" + "\n".join(levels) + f"\n]>\n{inner}"
    ).encode()


def news_urlset(stories: Iterable[tuple[int, str]], others: Iterable[str]) -> str:
    """A Google News sitemap of ``stories`` (number, URL), after plain ``others``."""
    plain = "".join(f"<url><loc>{escape(u)}</loc></url>" for u in others)
    news = "".join(
        f"<url><loc>{escape(u)}</loc><news:news><news:publication><news:name>Example News"
        "</news:name><news:language>en</news:language></news:publication>"
        "<news:publication_date>2026-11-23T08:00:00Z</news:publication_date>"
        f"<news:title>Story {n}</news:title></news:news></url>"
        for n, u in stories
    )
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9' "
        "xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'>"
        f"{plain}{news}</urlset>"
    )


def sitemap_index(urls: Iterable[str]) -> str:
    entries = "".join(f"<sitemap><loc>{escape(u)}</loc></sitemap>" for u in urls)
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        f"<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{entries}"
        "</sitemapindex>"
    )


def fixed(
    body: bytes | str,
    content_type: str = "text/html; charset=utf-8",
    headers: tuple[tuple[str, str], ...] = (),
    status: int = 200,
) -> Route:
    """A route that always gives ``body``."""
    data = body.encode() if isinstance(body, str) else body
    reply = Reply(status, data, content_type, headers)
    return lambda path: reply


XML = "application/xml"


# --- the cases ---------------------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    """A URL of a case, where the crawl finds it, and how it may end (``ending()``)."""

    path: str
    kind: SourceKind
    expected: frozenset[str]
    #: ``sitemap`` (a page linked from the news sitemap and feed), ``index`` (from the
    #: sitemap index), ``source`` (added as a source), ``none`` (found by the crawl)
    linked: str


@dataclass
class Case:
    name: str
    routes: dict[str, Route]
    seeds: list[Seed]
    #: Most requests the server may see (robots.txt included); None: no bound of its own.
    max_requests: int | None = None
    site: Site | None = None
    #: When each seed reached its final state (``time.monotonic()``).
    finished: dict[str, float] = field(default_factory=dict)


def page_seed(path: str, *expected: str) -> Seed:
    return Seed(path, SourceKind.PAGE, frozenset(expected), "sitemap")


def sitemap_seed(path: str, *expected: str, linked: str = "index") -> Seed:
    return Seed(path, SourceKind.SITEMAP, frozenset(expected), linked)


def feed_seed(path: str, *expected: str) -> Seed:
    return Seed(path, SourceKind.FEED, frozenset(expected), "source")


def hostile_cases(args: argparse.Namespace, settings: CrawlSettings) -> list[Case]:
    attempts = settings.max_attempts
    gzipped = gzip_bomb(args.bomb_mib)
    twice = zlib.compress(gzipped, 9, wbits=16 + zlib.MAX_WBITS)
    drip_every = args.drip_every
    big = args.page_mib * MIB
    robots_rules = b"User-agent: *\nDisallow: /private/\n"
    robots_tail = b"Disallow: /late/\n"
    padding = b"# " + b"x" * (WRITE_SIZE - 3) + b"\n"

    def huge_robots() -> Iterator[bytes]:
        yield robots_rules
        yield from itertools.islice(itertools.repeat(padding), args.robots_mib * 16)
        yield robots_tail

    def chain(prefix: str, hops: int, target: str) -> dict[str, Route]:
        """``hops`` redirects, ``prefix0`` to ``prefix1``... and the last to ``target``."""
        nexts = [f"{prefix}{i + 1}" for i in range(hops - 1)] + [target]
        return {
            f"{prefix}{i}": fixed(b"", headers=(("Location", to),), status=302)
            for i, to in enumerate(nexts)
        }

    items = args.feed_items
    huge_feed = rss("Item", (f"/item/{i}" for i in range(items)))
    entities = billion_laughs(
        "rss",
        "<rss version='2.0'><channel><title>&l9;</title><item><title>&l9;</title>"
        "<link>http://example.org/a</link></item></channel></rss>",
    )
    rng = random.Random(0)
    cases = [
        Case(
            "gzip bomb",
            {"/bomb": fixed(gzipped, headers=(("Content-Encoding", "gzip"),))},
            [page_seed("/bomb", "too_large")],
            max_requests=2,
        ),
        Case(
            "gzip bomb, gzipped twice",
            {"/bomb": fixed(twice, headers=(("Content-Encoding", "gzip, gzip"),))},
            [page_seed("/bomb", "too_large")],
            max_requests=2,
        ),
        Case(
            "brotli bomb",
            {"/bomb": fixed(brotli_bomb(args.bomb_mib), headers=(("Content-Encoding", "br"),))},
            [page_seed("/bomb", "too_large")],
            max_requests=2,
        ),
        Case(
            "endless chunked body",
            {"/endless": lambda path: Reply(body=endless)},
            [page_seed("/endless", "too_large")],
            max_requests=2,
        ),
        Case(
            f"{args.page_mib} MB page, size announced",
            {"/big": lambda path: Reply(body=repeated(big), length=big)},
            [page_seed("/big", "too_large")],
            max_requests=2,
        ),
        Case(
            f"{args.page_mib} MB page, chunked",
            {"/big": lambda path: Reply(body=repeated(big))},
            [page_seed("/big", "too_large")],
            max_requests=2,
        ),
        Case(
            "slow drip of a body",
            {"/slow": lambda path: Reply(body=drip(b"x", drip_every))},
            [page_seed("/slow", "timeout")],
            max_requests=1 + attempts,
        ),
        Case(
            "slow drip of headers",
            {
                "/slow": lambda path: Reply(
                    body=drip(b"X-Drip: y\r\n", drip_every, b"HTTP/1.1 200 OK\r\n"), raw=True
                )
            },
            [page_seed("/slow", "timeout")],
            max_requests=1 + attempts,
        ),
        Case(
            "redirect loop",
            {
                "/loop/a": fixed(b"", headers=(("Location", "/loop/b"),), status=302),
                "/loop/b": fixed(b"", headers=(("Location", "/loop/a"),), status=302),
            },
            [page_seed("/loop/a", "redirect_loop")],
            max_requests=3,
        ),
        Case(
            "redirect chain of 50",
            chain("/chain/", 50, "/end"),
            [page_seed("/chain/0", "too_many_redirects")],
            max_requests=2 + settings.max_redirects,
        ),
    ]
    for name, (target, _) in PRIVATE_TARGETS.items():
        hops = 3 if "chain" in name else 1
        cases.append(
            Case(
                name,
                chain("/jump/", hops, target),
                [page_seed("/jump/0", "blocked_address")],
                max_requests=1 + hops,
            )
        )
    enc = encoding_pages()
    cases += [
        Case(
            f"{args.nesting:,} nested divs",
            {"/deep": fixed(nested(args.nesting))},
            [page_seed("/deep", "article", "not_article")],
            max_requests=2,
        ),
        Case(
            "broken and mixed encodings",
            {path: fixed(body, kind) for path, (body, kind) in enc.items()},
            [page_seed(path, "article", "not_article") for path in enc],
            max_requests=1 + len(enc),
        ),
        Case(
            "truncated feed",
            {},  # its items are control pages: filled in once their hosts are known
            [feed_seed("/feed.xml", "feed")],
            max_requests=2,
        ),
        Case(
            "garbage feed",
            {"/feed.xml": fixed(rng.randbytes(50_000), "application/rss+xml")},
            [feed_seed("/feed.xml", "malformed_feed")],
            max_requests=2,
        ),
        Case(
            f"feed of {items:,} items",
            {
                "/feed.xml": fixed(huge_feed, "application/rss+xml"),
                "/item/": fixed("<html><body><p>An item.</p></body></html>"),
            },
            [feed_seed("/feed.xml", "feed")],
            max_requests=2 + min(items, MAX_FEED_ENTRIES),
        ),
        Case(
            "billion laughs feed",
            {"/feed.xml": fixed(entities, "application/rss+xml")},
            [feed_seed("/feed.xml", "malformed_feed")],
            max_requests=2,
        ),
        Case(
            "billion laughs sitemap",
            {
                "/sitemap.xml": fixed(
                    billion_laughs("urlset", "<urlset><url><loc>&l9;</loc></url></urlset>"), XML
                )
            },
            [sitemap_seed("/sitemap.xml", "malformed_sitemap", "sitemap")],
            max_requests=2,
        ),
        Case(
            "gzip bomb sitemap",
            {"/sitemap.xml.gz": fixed(gzipped, "application/gzip")},
            [sitemap_seed("/sitemap.xml.gz", "malformed_sitemap")],
            max_requests=2,
        ),
        Case(
            "sitemaps pointing at each other",
            {},  # filled in once the host's address is known
            [
                sitemap_seed("/a.xml", "sitemap"),
                sitemap_seed("/b.xml", "sitemap", linked="none"),
            ],
            max_requests=3,
        ),
        Case(
            f"{args.robots_mib} MB robots.txt",
            {
                "/robots.txt": lambda path: Reply(body=huge_robots, content_type="text/plain"),
                "/ok": fixed(article("Behind a huge robots.txt", ENGLISH)),
                "/private/": fixed(article("Disallowed", ENGLISH)),
                "/late/": fixed(article("Disallowed too late to count", ENGLISH)),
            },
            [
                page_seed("/ok", "article"),
                page_seed("/private/a", "robots_blocked"),
                page_seed("/late/a", "article"),
            ],
            max_requests=3,
        ),
        Case(
            "garbage robots.txt",
            {
                "/robots.txt": fixed(rng.randbytes(50_000), "text/plain"),
                "/ok": fixed(article("Behind a garbage robots.txt", ENGLISH)),
            },
            [page_seed("/ok", "article")],
            max_requests=2,
        ),
    ]
    return cases


@dataclass
class HostileWeb:
    news: list[Site]
    cases: list[Case]
    controls: set[str]
    sources: list[SourceSpec]

    @property
    def sites(self) -> list[Site]:
        return self.news + [c.site for c in self.cases if c.site is not None]


def build_web(args: argparse.Namespace, settings: CrawlSettings) -> HostileWeb:
    """Start every host and link the cases from the news sitemaps and feed."""
    cases = hostile_cases(args, settings)
    for number, case in enumerate(cases):
        case.site = Site(f"127.0.0.{20 + number}", case.routes)
    cycle = next(c for c in cases if c.name == "sitemaps pointing at each other")
    assert cycle.site is not None
    cycle.routes["/a.xml"] = fixed(sitemap_index([cycle.site.url("/b.xml")]), XML)
    cycle.routes["/b.xml"] = fixed(sitemap_index([cycle.site.url("/a.xml")]), XML)
    news_routes: list[dict[str, Route]] = [{} for _ in range(NEWS_HOSTS)]
    news = [Site(f"127.0.0.{2 + k}", news_routes[k]) for k in range(NEWS_HOSTS)]
    cut = next(c for c in cases if c.name == "truncated feed")
    feed = rss("Cut", (news[i % NEWS_HOSTS].url(f"/story/{i}") for i in range(20)))
    cut.routes["/feed.xml"] = fixed(feed[: int(len(feed) * 0.6)], "application/rss+xml")

    stories = [(n, news[n % NEWS_HOSTS].url(f"/story/{n}")) for n in range(args.pages)]
    hostile_pages = [
        c.site.url(s.path) for c in cases for s in c.seeds if s.linked == "sitemap" and c.site
    ]
    linked_sitemaps = [
        c.site.url(s.path) for c in cases for s in c.seeds if s.linked == "index" and c.site
    ]

    def story(path: str) -> Reply:
        try:
            number = int(path.rsplit("/", 1)[1])
        except ValueError:
            return NOT_FOUND
        return Reply(body=story_page(number)) if 0 <= number < args.pages else NOT_FOUND

    for k, routes in enumerate(news_routes):
        own = [(n, u) for n, u in stories if n % NEWS_HOSTS == k]
        routes["/story/"] = story
        routes["/robots.txt"] = fixed("User-agent: *\nAllow: /\n", "text/plain")
        routes["/sitemap.xml"] = fixed(news_urlset(own, hostile_pages if k == 0 else []), XML)
    news_routes[0]["/sitemap_index.xml"] = fixed(
        sitemap_index([site.url("/sitemap.xml") for site in news] + linked_sitemaps), XML
    )
    news_routes[0]["/feed.xml"] = fixed(
        rss("Example News", hostile_pages + [u for _, u in stories[:FEED_CONTROLS]]),
        "application/rss+xml",
    )
    sources = [
        SourceSpec(news[0].url("/sitemap_index.xml"), SourceKind.SITEMAP),
        SourceSpec(news[0].url("/feed.xml"), SourceKind.FEED),
    ]
    sources += [
        SourceSpec(c.site.url(s.path), s.kind)
        for c in cases
        for s in c.seeds
        if s.linked == "source" and c.site
    ]
    web = HostileWeb(news, cases, {u for _, u in stories}, sources)
    for site in web.sites:
        site.start()
    return web


# --- the crawl -----------------------------------------------------------------------


class LogCapture(logging.Handler):
    """Keeps the crawl's log records (INFO and up) to count them per host."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            self.messages.append((record.levelno, record.getMessage()))


class MemorySampler:
    """Samples this process's VmRSS every ``RSS_EVERY`` seconds in a thread."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.monotonic(), rss_mib()))
            self._stop.wait(RSS_EVERY)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def rise(self, start: float, end: float) -> float:
        """How far RSS rose above its value at ``start`` before ``end`` (0 if it fell)."""
        before = [rss for at, rss in self.samples if at <= start]
        inside = [rss for at, rss in self.samples if start <= at <= end]
        base = before[-1] if before else (inside[0] if inside else 0.0)
        return max(0.0, max(inside, default=base) - base)


class LoopWatch:
    """How late the crawl's event loop wakes a short sleep: a long stall means something
    ran on the loop without yielding, and every fetch of the crawl waited for it."""

    def __init__(self) -> None:
        self.stalls: list[tuple[float, float]] = []  # (when it ended, seconds late)

    async def run(self) -> None:
        while True:
            asleep = time.monotonic()
            await asyncio.sleep(RSS_EVERY)
            late = time.monotonic() - asleep - RSS_EVERY
            if late > RSS_EVERY:
                self.stalls.append((time.monotonic(), late))

    def longest(self, start: float, end: float) -> float:
        return max((late for at, late in self.stalls if start <= at <= end), default=0.0)


class Progress:
    """The crawl's progress callback: a line every ``every`` seconds, and the moment each
    seed URL reaches its final state (read from the store through its own connection)."""

    def __init__(self, db: Path, cases: list[Case], every: float = 10.0) -> None:
        self.began = time.monotonic()
        self.every = every
        self._next = every
        self._conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        self._waiting: dict[str, Case] = {
            c.site.url(s.path): c for c in cases for s in c.seeds if c.site is not None
        }

    def __call__(self, stats: CrawlStats, frontier: dict[str, int]) -> None:
        now = time.monotonic()
        if self._waiting:
            marks = ",".join("?" * len(self._waiting))
            rows = self._conn.execute(
                f"SELECT url FROM url WHERE url IN ({marks}) AND state IN ('done', 'failed')",
                list(self._waiting),
            ).fetchall()
            for (url,) in rows:
                self._waiting.pop(url).finished[url] = now
        if now - self.began >= self._next:
            self._next = now - self.began + self.every
            print(
                f"  {now - self.began:4.0f} s: {stats.articles_new:,} articles, "
                f"{sum(stats.errors.values())} errors, frontier {frontier}, "
                f"RSS {rss_mib():.0f} MiB",
                flush=True,
            )

    def close(self) -> None:
        self._conn.close()


async def crawl(
    store: SQLiteStore,
    settings: CrawlSettings,
    watch: LoopWatch,
    on_progress: Progress | None = None,
) -> CrawlStats:
    watching = asyncio.create_task(watch.run())
    try:
        return await CrawlJob(store, settings, on_progress=on_progress).run()
    finally:
        await asyncio.sleep(2 * RSS_EVERY)  # the watch notes a stall only once it runs
        watching.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watching


@dataclass(frozen=True)
class Alone:
    """One case crawled again on its own (its seeds as sources, nothing else)."""

    seconds: float
    rise: float
    stall: float


def crawl_alone(case: Case, settings: CrawlSettings, sampler: MemorySampler) -> Alone:
    """Crawl ``case`` alone, to tell what it costs from what the cases open with it cost.
    Only as many pages as it has seeds are fetched (a feed's items are not followed)."""
    assert case.site is not None
    pages = sum(1 for s in case.seeds if s.kind is SourceKind.PAGE)
    alone = dataclasses.replace(settings, max_pages=max(pages, 1))
    watch = LoopWatch()
    with tempfile.TemporaryDirectory(prefix="tidings-hostile-alone-") as tmp:
        store = SQLiteStore(Path(tmp) / "tidings.db")
        for seed in case.seeds:
            if seed.linked != "none":
                store.add_source(SourceSpec(case.site.url(seed.path), seed.kind))
        time.sleep(2 * RSS_EVERY)
        start = time.monotonic()
        asyncio.run(crawl(store, alone, watch))
        end = time.monotonic()
        time.sleep(2 * RSS_EVERY)
        store.close()
    return Alone(end - start, sampler.rise(start, end), watch.longest(start, end))


@dataclass(frozen=True)
class URLEnd:
    url: str
    host: str
    ending: str
    failed: bool
    error: str


def _fetch_codes() -> frozenset[str]:
    codes: set[str] = set()
    todo: list[type[FetchError]] = [FetchError]
    while todo:
        cls = todo.pop()
        codes.add(cls.code)
        todo += cls.__subclasses__()
    return frozenset(codes | {"internal_error"})


FETCH_CODES = _fetch_codes()
PARSE_CODES = {"feed": FeedParseError.code, "sitemap": SitemapParseError.code}


def ending(state: str, kind: str, last_error: str | None, fetch: str | None) -> str:
    """How a URL ended, as the counter it went to: an error kind of ``CrawlStats.errors``
    (a failed URL's ``last_error`` starts with the fetch error's code; a parse failure
    stores only the parser's message, and the kind of URL says which parser it was),
    ``robots_blocked``, or, for a URL done, the outcome of its last fetch."""
    if state not in {"done", "failed"}:
        return f"unended ({state})"
    if state == "failed":
        error = last_error or ""
        if error.startswith("robots.txt disallows"):
            return "robots_blocked"
        code = error.split(":", 1)[0]
        return code if code in FETCH_CODES else PARSE_CODES.get(kind, "parse_error")
    outcome, _, reason = (fetch or "unknown|").partition("|")
    return f"{outcome}:{reason}" if outcome == "not_article" and reason else outcome


def url_ends(db: Path) -> list[URLEnd]:
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        rows = conn.execute(
            "SELECT u.url, u.host, u.kind, u.state, u.last_error,"
            " (SELECT f.outcome || '|' || COALESCE(f.error, '') FROM fetch f"
            "  WHERE f.url = u.url ORDER BY f.id DESC LIMIT 1)"
            " FROM url u"
        ).fetchall()
    return [
        URLEnd(url, host, ending(state, kind, error, fetch), state == "failed", error or "")
        for url, host, kind, state, error, fetch in rows
    ]


def stored_urls(db: Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        return {row[0] for row in conn.execute("SELECT url FROM article")}


def warm_up() -> None:
    """Load the extraction and feed libraries before the clock starts, so their one-time
    cost in time and memory is not charged to the first cases."""
    extract_article(story_page(0), url="http://warm.example/")
    parse_feed(rss("Warm", ["http://warm.example/a"]).encode(), "http://warm.example/feed")


# --- judging ---------------------------------------------------------------------------


@dataclass
class CaseResult:
    """What one case did in the crawl, and what it did alone if that was needed."""

    case: Case
    served: list[Served]
    host_ends: list[URLEnd]
    seed_ends: dict[str, URLEnd]
    start: float
    last: float
    rise: float
    shared: int
    logged: list[tuple[int, str]]
    alone: Alone | None = None

    @property
    def seconds(self) -> float:
        return max(0.0, self.last - self.start)


def case_results(
    web: HostileWeb,
    db: Path,
    sampler: MemorySampler,
    captured: LogCapture,
    crawl_span: tuple[float, float],
) -> list[CaseResult]:
    ends = url_ends(db)
    by_url = {e.url: e for e in ends}
    results: list[CaseResult] = []
    windows: list[tuple[float, float]] = []
    for case in web.cases:
        assert case.site is not None
        served = case.site.requests()
        start = min((s.started for s in served), default=crawl_span[0])
        # from the first request to the last of the case's seeds ending
        last = crawl_span[1]
        if len(case.finished) == len(case.seeds):
            last = max(case.finished.values())
        windows.append((start, last))
        seeds = {s.path: by_url[u] for s in case.seeds if (u := case.site.url(s.path)) in by_url}
        needles = [f"//{case.site.netloc}"]
        if case.name in PRIVATE_TARGETS:  # a blocked hop is logged under its own URL
            needles.append(PRIVATE_TARGETS[case.name][0])
        logged = [(lvl, m) for lvl, m in captured.messages if any(n in m for n in needles)]
        host_ends = [e for e in ends if e.host == case.site.netloc]
        rise = sampler.rise(start, last)
        results.append(CaseResult(case, served, host_ends, seeds, start, last, rise, 0, logged))
    for result in results:
        result.shared = sum(1 for s, e in windows if s < result.last and e > result.start) - 1
    return results


def verdict(result: CaseResult, budget: float) -> list[str]:
    """Why ``result`` is not bounded & counted (nothing: it is)."""
    case = result.case
    why: list[str] = []
    for seed in case.seeds:
        end = result.seed_ends.get(seed.path)
        if end is None:
            why.append(f"{seed.path} never reached the frontier")
        elif not any(end.ending == e or end.ending.startswith(e + ":") for e in seed.expected):
            why.append(f"{seed.path} ended as {end.ending}")
    unended = [e for e in result.host_ends if e.ending.startswith("unended")]
    if unended:
        why.append(f"{len(unended)} URLs unended")
    if any(e.ending == "internal_error" for e in result.host_ends):
        why.append("internal_error")
    if result.seconds > budget:
        why.append(f"{result.seconds:.0f} s > {budget:.0f} s")
    if case.max_requests is not None and len(result.served) > case.max_requests:
        why.append(f"{len(result.served)} requests > {case.max_requests}")
    if result.rise > MEMORY_BOUND_MIB:
        if result.alone is None:
            why.append(f"RSS +{result.rise:.0f} MiB while open")
        elif result.alone.rise > MEMORY_BOUND_MIB:
            why.append(f"RSS +{result.alone.rise:.0f} MiB alone")
    if case.name in PRIVATE_TARGETS:
        _, address = PRIVATE_TARGETS[case.name]
        end = next(iter(result.seed_ends.values()), None)
        if end is None or end.ending != "blocked_address" or address not in end.error:
            why.append("PRIVATE ADDRESS NOT BLOCKED")
    return why


def summarise(endings: Iterable[str]) -> str:
    counts = Counter(endings)
    return ", ".join(k if n == 1 else f"{k} ×{n:,}" for k, n in sorted(counts.items()))


def table_row(result: CaseResult, why: list[str]) -> str:
    seeds = {e.url for e in result.seed_ends.values()}
    ended = summarise(e.ending for e in result.seed_ends.values())
    others = [e.ending for e in result.host_ends if e.url not in seeds]
    if others:
        ended += f"; {len(others):,} followed: {summarise(others)}"
    alone = "–"
    if result.alone is not None:
        alone = f"{result.alone.rise:.0f} MiB, {result.alone.stall:.1f} s"
    warned = sum(1 for level, _ in result.logged if level >= logging.WARNING)
    mark = "yes" if not why else "no: " + "; ".join(why)
    return (
        f"| {result.case.name} | {len(result.host_ends):,} | {len(result.served):,} | {ended} "
        f"| {result.seconds:.1f} | {sum(s.sent for s in result.served):,} | {result.rise:.0f} "
        f"({result.shared}) | {alone} | {warned} | {mark} |"
    )


def report(
    web: HostileWeb,
    stats: CrawlStats,
    db: Path,
    settings: CrawlSettings,
    results: list[CaseResult],
    sampler: MemorySampler,
    watch: LoopWatch,
    crawl_span: tuple[float, float],
) -> int:
    backoff = sum(settings.retry_backoff * 2**k for k in range(settings.max_attempts - 1))
    budget = settings.max_attempts * settings.total_timeout + backoff + PROCESSING_ALLOWANCE
    print(
        "\n| case | URLs | requests | ended as (counted) | s | body bytes sent "
        "| RSS rise while open, MiB (cases open with it) | alone: RSS rise, loop stall "
        "| warnings logged | bounded & counted |"
    )
    print("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |")
    verdicts = [(result, verdict(result, budget)) for result in results]
    for result, why in verdicts:
        print(table_row(result, why))

    ends = url_ends(db)
    stored = stored_urls(db)
    controls_stored = len(web.controls & stored)
    control_requests = sum(len(site.requests()) for site in web.news)
    during = [rss for at, rss in sampler.samples if crawl_span[0] <= at <= crawl_span[1]]
    failed = Counter(e.ending for e in ends if e.failed and e.ending != "robots_blocked")
    stalled = [late for at, late in watch.stalls if crawl_span[0] <= at <= crawl_span[1]]
    print(
        f"\ncontrol pages stored: {controls_stored:,} / {len(web.controls):,} "
        f"({control_requests:,} requests to the news hosts)"
    )
    print(
        f"crawl: {crawl_span[1] - crawl_span[0]:.1f} s wall; {stats.fetched:,} fetched, "
        f"{stats.articles_new:,} new articles, {stats.duplicates:,} duplicates, "
        f"not articles {dict(stats.not_articles)}, {stats.robots_blocked} blocked by "
        f"robots.txt, {stats.retried} retries"
    )
    print(
        f"memory (RSS): {during[0]:.0f} MiB at the start, peak {max(during):.0f} MiB, "
        f"{during[-1]:.0f} MiB at the end ({during[-1] - during[0]:+.0f} MiB)"
    )
    print(
        f"event loop: {len(stalled)} stalls over {RSS_EVERY * 1000:.0f} ms, "
        f"{sum(stalled):.1f} s in all, the longest {max(stalled, default=0.0):.1f} s"
    )
    print(f"errors by kind (CrawlStats.errors): {dict(sorted(stats.errors.items()))}")
    agree = "agree" if failed == stats.errors else f"DISAGREE: {dict(sorted(failed.items()))}"
    print(f"failed URLs in the store by kind: {agree}")
    print(f"warnings by kind (CrawlStats.warnings): {dict(sorted(stats.warnings.items()))}")
    print(
        f"bounds per case: ends as expected; {settings.max_attempts} attempts × "
        f"{settings.total_timeout:g} s + {backoff:g} s of backoff + {PROCESSING_ALLOWANCE:g} s "
        f"= {budget:g} s; RSS +{MEMORY_BOUND_MIB:g} MiB while open, or alone if more"
    )
    print("\nwhat the crawl logged first for each case:")
    for result in results:
        if result.logged:
            print(f"  {result.case.name}: {result.logged[0][1][:150]}")
    print()
    for result, why in verdicts:
        print(f"{result.case.name}: bounded & counted: {'yes' if not why else 'no'}")
    if controls_stored < len(web.controls):
        missing = sorted(web.controls - stored)[:5]
        lost = len(web.controls) - controls_stored
        print(f"\nFAIL: {lost} control pages missing, e.g. {missing}")
        return 1
    reached = [r.case.name for r, why in verdicts if "PRIVATE ADDRESS NOT BLOCKED" in why]
    if reached:
        print(f"\nFAIL: a private address may have been reached: {reached}")
        return 2
    return 0


# --- main ------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--pages", type=int, default=1_000, help="control articles")
    parser.add_argument("--feed-items", type=int, default=100_000, help="items of the big feed")
    parser.add_argument("--page-mib", type=int, default=100, help="size of the big pages")
    parser.add_argument("--bomb-mib", type=int, default=1_024, help="decoded size of the bombs")
    parser.add_argument("--robots-mib", type=int, default=100, help="size of the huge robots.txt")
    parser.add_argument("--nesting", type=int, default=100_000, help="nested divs")
    parser.add_argument("--drip-every", type=float, default=0.5, help="seconds between drips")
    parser.add_argument("--total-timeout", type=float, default=10.0, help="crawl deadline")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--no-alone", action="store_true", help="do not crawl a case alone when memory rose"
    )
    parser.add_argument("--db", type=Path, help="keep the crawl's SQLite store here")
    parser.add_argument("--verbose", action="store_true", help="show the crawl's warnings")
    return parser.parse_args(argv)


def capture_logs(verbose: bool) -> LogCapture:
    """The crawl's log records go to a ``LogCapture`` (and with ``verbose``, its warnings to
    stderr), not to this script's output."""
    captured = LogCapture()
    tidings_log = logging.getLogger("tidings")
    tidings_log.setLevel(logging.INFO)
    tidings_log.addHandler(captured)
    tidings_log.propagate = False
    if verbose:
        loud = logging.StreamHandler()
        loud.setLevel(logging.WARNING)
        tidings_log.addHandler(loud)
    return captured


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = CrawlSettings(
        host_delay=0.0, concurrency=args.concurrency, total_timeout=args.total_timeout
    ).allowing("127.0.0.0/8")
    captured = capture_logs(args.verbose)
    print("warming up the extraction libraries...", flush=True)
    warm_up()
    print("building the hostile web (bombs, feeds, sitemaps)...", flush=True)
    web = build_web(args, settings)
    print(
        f"serving {len(web.sites)} hosts: {args.pages:,} control pages on {NEWS_HOSTS} news "
        f"hosts, {len(web.cases)} hostile cases",
        flush=True,
    )
    try:
        with (
            tempfile.TemporaryDirectory(prefix="tidings-hostile-") as tmp,
            MemorySampler() as sampler,
        ):
            db = args.db or Path(tmp) / "tidings.db"
            store = SQLiteStore(db)
            for spec in web.sources:
                store.add_source(spec)
            progress = Progress(db, web.cases)
            watch = LoopWatch()
            print("crawling...", flush=True)
            began = time.monotonic()
            stats = asyncio.run(crawl(store, settings, watch, progress))
            span = (began, time.monotonic())
            time.sleep(2 * RSS_EVERY)
            progress.close()
            store.close()
            results = case_results(web, db, sampler, captured, span)
            suspects = [r for r in results if r.rise > MEMORY_BOUND_MIB]
            if suspects and not args.no_alone:
                print(
                    f"crawl done; memory rose by more than {MEMORY_BOUND_MIB:g} MiB while "
                    f"{len(suspects)} cases were open: crawling each of them alone...",
                    flush=True,
                )
                for result in suspects:
                    result.alone = crawl_alone(result.case, settings, sampler)
                    print(f"  {result.case.name}: {result.alone}", flush=True)
            return report(web, stats, db, settings, results, sampler, watch, span)
    finally:
        for site in web.sites:
            site.stop()


if __name__ == "__main__":
    raise SystemExit(main())
