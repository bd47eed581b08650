"""The crawl job against real HTTP servers on 127.0.0.1 and a real store (SQLite, or
PostgreSQL with ``TIDINGS_TEST_DATABASE_URL``)."""

from __future__ import annotations

import dataclasses
import itertools
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.stores import TestStores
from tests.webserver import Reply, Request, TestWeb, article_html, drip
from tidings.config import CrawlSettings
from tidings.errors import StoreError
from tidings.pipeline import CrawlJob, CrawlStats
from tidings.pipeline.crawl import MAX_FEED_ENTRIES
from tidings.records import SourceKind, SourceSpec
from tidings.store import SQLiteStore, Store

FAST = CrawlSettings(host_delay=0.0, retry_backoff=0.1, concurrency=4, total_timeout=5.0).allowing(
    "127.0.0.0/8"
)


def rss(items: list[str], title: str = "Test feed") -> str:
    entries = "".join(
        f"<item><title>Item {i}</title><link>{link}</link>"
        f"<pubDate>Mon, 23 Nov 2026 0{i % 10}:00:00 GMT</pubDate></item>"
        for i, link in enumerate(items)
    )
    return (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>{title}</title>"
        f"<link>http://example.org/</link>{entries}</channel></rss>"
    )


@pytest.fixture
def store(stores: TestStores) -> Store:
    return stores.open("crawl.db")


async def crawl(store: Store, settings: CrawlSettings = FAST) -> CrawlStats:
    return await CrawlJob(store, settings).run()


def add_feed(store: Store, web: TestWeb, pages: list[str], path: str = "/feed.xml") -> None:
    web.page(path, rss([web.url(p) for p in pages]), content_type="application/rss+xml")
    store.add_source(SourceSpec(url=web.url(path), kind=SourceKind.FEED))


def stored_urls(store: Store) -> set[str]:
    return {a.url for a in store.list_articles(limit=1000, include_duplicates=True).items}


async def test_feed_pages_are_crawled_and_stored(store: Store) -> None:
    with TestWeb() as web:
        for name in ("a", "b", "c"):
            web.page(f"/{name}", article_html(f"Story {name}"))
        add_feed(store, web, ["/a", "/b", "/c"])
        stats = await crawl(store)
        assert stats.feeds == 1
        assert stats.articles_new == 3
        assert stored_urls(store) == {web.url("/a"), web.url("/b"), web.url("/c")}
        article = store.list_articles().items[0]
        assert article.title and article.title.startswith("Story")
        assert article.published_at is not None  # from the feed's pubDate
        # Raw HTML is kept for re-extraction.
        raw = store.raw_html(article.id)
        assert raw is not None and b"<article>" in raw
        ua = web.hits_for("/a")[0].headers["user-agent"]
        assert "Tidings" in ua


async def test_rerun_is_idempotent(store: Store) -> None:
    with TestWeb() as web:
        web.page("/a", article_html("Story a"))
        add_feed(store, web, ["/a"])
        await crawl(store)
        second = await crawl(store)
        assert second.articles_new == 0
        assert store.count_articles(include_duplicates=True) == 1
        assert len(web.hits_for("/a")) == 1  # a done page is not fetched again


async def test_robots_disallow_is_obeyed(store: Store) -> None:
    with TestWeb() as web:
        web.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        web.page("/open", article_html("Open"))
        web.page("/private/secret", article_html("Secret"))
        add_feed(store, web, ["/open", "/private/secret"])
        stats = await crawl(store)
        assert stats.robots_blocked == 1
        assert web.hits_for("/private/secret") == []
        assert stored_urls(store) == {web.url("/open")}
        assert len(web.hits_for("/robots.txt")) == 1  # cached per host


async def test_crawl_delay_is_honoured(store: Store) -> None:
    with TestWeb() as web:
        web.page("/robots.txt", "User-agent: *\nCrawl-delay: 0.3\n", content_type="text/plain")
        pages = [f"/p{i}" for i in range(4)]
        for p in pages:
            web.page(p, article_html(f"Page {p}"))
        add_feed(store, web, pages)
        settings = dataclasses.replace(FAST, concurrency=8)
        stats = await crawl(store, settings)
        assert stats.articles_new == 4
        times = sorted(h.at for h in web.hits)
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert len(times) == 6  # robots.txt, feed, 4 pages
        assert min(gaps) >= 0.28, gaps


async def test_conditional_get_304_does_not_reextract(store: Store) -> None:
    etag = '"v1"'

    def page(req: Request) -> Reply:
        if req.headers.get("if-none-match") == etag:
            return Reply(304, b"", headers={"ETag": etag}, content_type=None)
        return Reply(body=article_html("Conditional").encode(), headers={"ETag": etag})

    with TestWeb() as web:
        web.route("/page", page)
        store.add_source(SourceSpec(url=web.url("/page"), kind=SourceKind.PAGE))
        first = await crawl(store)
        assert first.articles_new == 1
        before = store.list_articles().items[0]
        second = await crawl(store)
        assert second.not_modified == 1
        assert second.articles_new == second.articles_updated == 0
        hits = web.hits_for("/page")
        assert len(hits) == 2 and hits[1].headers.get("if-none-match") == etag
        after = store.get_article(before.id)
        assert after.updated_at == before.updated_at


async def test_429_with_retry_after_is_retried_later(store: Store) -> None:
    calls = {"n": 0}

    def busy(req: Request) -> Reply:
        calls["n"] += 1
        if calls["n"] == 1:
            return Reply(429, b"slow down", headers={"Retry-After": "1"})
        return Reply(body=article_html("Patience").encode())

    with TestWeb() as web:
        web.route("/busy", busy)
        add_feed(store, web, ["/busy"])
        stats = await crawl(store)
        hits = web.hits_for("/busy")
        assert len(hits) == 2
        assert hits[1].at - hits[0].at >= 0.95
        assert stats.retried == 1 and stats.articles_new == 1 and not stats.errors


async def test_persistent_5xx_gives_up_after_max_attempts(store: Store) -> None:
    with TestWeb() as web:
        web.route("/down", lambda req: Reply(503, b"down"))
        web.page("/up", article_html("Up"))
        add_feed(store, web, ["/down", "/up"])
        settings = dataclasses.replace(FAST, max_attempts=3, retry_backoff=0.05)
        stats = await crawl(store, settings)
        assert len(web.hits_for("/down")) == 3
        assert stats.errors["http_status"] == 1
        assert stored_urls(store) == {web.url("/up")}
        assert store.frontier_counts()["failed"] == 1


async def test_bad_responses_are_counted_and_the_crawl_goes_on(store: Store) -> None:
    gbk_page = article_html("中文新闻").replace(
        "paragraph", "段落，港口预算会议讨论了北码头的修复工作"
    )
    with TestWeb() as web:
        web.route("/loop1", lambda r: Reply(302, headers={"Location": "/loop2"}))
        web.route("/loop2", lambda r: Reply(302, headers={"Location": "/loop1"}))
        web.route(
            "/huge",
            lambda r: Reply(body=(b"<p>" + b"x" * 1024 * 1024 + b"</p>" for _ in range(50))),
        )
        web.route(
            "/huge-declared",
            lambda r: Reply(body=b"", headers={"Content-Length": str(50 * 1024 * 1024)}),
        )
        web.page("/doc.pdf", b"%PDF-1.4 binary", content_type="application/pdf")
        web.page("/wrong-charset", gbk_page.encode("gbk"), content_type="text/html; charset=utf-8")
        web.page("/good", article_html("Good"))
        add_feed(store, web, ["/loop1", "/huge", "/doc.pdf", "/wrong-charset", "/good"])
        # A second source whose "feed" is an HTML page: malformed, counted, crawl goes on.
        web.page("/not-a-feed", "<html><body><p>Hello</p></body></html>")
        store.add_source(SourceSpec(url=web.url("/not-a-feed"), kind=SourceKind.FEED))
        store.add_source(SourceSpec(url=web.url("/huge-declared"), kind=SourceKind.PAGE))
        stats = await crawl(store)
        assert stats.errors["redirect_loop"] == 1
        assert stats.errors["too_large"] == 2
        assert stats.errors["content_type"] == 1
        assert stats.errors["malformed_feed"] == 1
        assert stats.warnings["charset_mismatch"] == 1
        assert stored_urls(store) == {web.url("/good"), web.url("/wrong-charset")}
        chinese = next(a for a in store.list_articles().items if a.url.endswith("charset"))
        assert "北码头" in chinese.text
        sources = {s.url: s for s in store.list_sources()}
        assert sources[web.url("/not-a-feed")].error_count == 1
        assert sources[web.url("/feed.xml")].last_status == "ok: 5 entries"


async def test_slow_drip_response_is_cut_by_the_deadline(store: Store) -> None:
    with TestWeb() as web:
        web.route("/slow", lambda r: Reply(body=drip(100, 0.1)))
        web.page("/good", article_html("Good"))
        add_feed(store, web, ["/slow", "/good"])
        settings = dataclasses.replace(FAST, total_timeout=1.0, max_attempts=1)
        stats = await crawl(store, settings)
        assert stats.errors["timeout"] == 1
        assert stored_urls(store) == {web.url("/good")}


async def test_syndicated_copy_is_linked_not_shown_twice(store: Store) -> None:
    with TestWeb() as web:
        story = article_html("Wire story")
        web.page("/original", story)
        web.page("/copy", story.replace("Example News", "Other Daily"))
        add_feed(store, web, ["/original", "/copy"])
        stats = await crawl(store)
        assert stats.articles_new == 1 and stats.duplicates == 1
        assert store.count_articles() == 1
        assert store.count_articles(include_duplicates=True) == 2


async def test_sitemap_index_is_followed(store: Store) -> None:
    with TestWeb() as web:
        web.page(
            "/sitemap_index.xml",
            "<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            f"<sitemap><loc>{web.url('/news.xml')}</loc></sitemap></sitemapindex>",
            content_type="application/xml",
        )
        web.page(
            "/news.xml",
            "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            f"<url><loc>{web.url('/s1')}</loc></url><url><loc>{web.url('/s2')}</loc></url>"
            "</urlset>",
            content_type="application/xml",
        )
        web.page("/s1", article_html("Sitemap one"))
        web.page("/s2", article_html("Sitemap two"))
        store.add_source(SourceSpec(url=web.url("/sitemap_index.xml"), kind=SourceKind.SITEMAP))
        stats = await crawl(store)
        assert stats.sitemaps == 2
        assert stored_urls(store) == {web.url("/s1"), web.url("/s2")}


async def test_loopback_is_blocked_unless_allowed(store: Store) -> None:
    with TestWeb() as web:
        web.page("/a", article_html("Internal"))
        store.add_source(SourceSpec(url=web.url("/a"), kind=SourceKind.PAGE))
        stats = await crawl(store, dataclasses.replace(FAST, allowed_networks=()))
        assert stats.errors["blocked_address"] == 1
        assert web.hits == []
        assert store.count_articles() == 0


def test_killed_crawl_resumes_without_loss_or_repeat(tmp_path: Path, stores: TestStores) -> None:
    """SIGKILL a real `tidings crawl` process mid-run, then resume: every page stored
    exactly once, and only the pages in progress at the kill are fetched again."""
    import asyncio
    import signal
    import subprocess
    import sys
    import time

    pages = [f"/story-{i}" for i in range(30)]

    def slow_page(req: Request) -> Reply:
        time.sleep(0.1)
        return Reply(body=article_html(f"Resumable {req.path}").encode())

    with TestWeb() as web:
        for p in pages:
            web.route(p, slow_page)
        web.page("/feed.xml", rss([web.url(p) for p in pages]), content_type="application/rss+xml")
        seed = stores.open("tidings.db")
        seed.add_source(SourceSpec(url=web.url("/feed.xml"), kind=SourceKind.FEED))
        seed.close()
        env = {
            **stores.env("tidings.db"),
            "TIDINGS_CRAWL_HOST_DELAY": "0",
            "TIDINGS_LOG_LEVEL": "WARNING",
        }
        cmd = [
            sys.executable,
            "-m",
            "tidings",
            "--data-dir",
            str(tmp_path),
            "crawl",
            "--allow-network",
            "127.0.0.0/8",
        ]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        stored = 0
        watcher = stores.open("tidings.db")
        while time.monotonic() < deadline and stored < 8:
            time.sleep(0.05)
            stored = watcher.count_articles(include_duplicates=True)
        watcher.close()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert 8 <= stored < 30, "the crawl must be killed mid-way"

        store = stores.open("tidings.db")
        stats = asyncio.run(CrawlJob(store, FAST).run())
        assert store.count_articles(include_duplicates=True) == 30
        assert stored_urls(store) == {web.url(p) for p in pages}
        assert not stats.errors
        refetched = [p for p in pages if len(web.hits_for(p)) > 1]
        assert all(len(web.hits_for(p)) <= 2 for p in pages)
        # Only URLs claimed but not completed at the kill (fetched, still being
        # extracted or stored) are fetched again: at most `concurrency` of them.
        assert len(refetched) <= CrawlSettings().concurrency, refetched


async def test_a_full_disk_stops_the_crawl_with_a_clear_error_and_loses_nothing(
    tmp_path: Path,
) -> None:
    """SQLite's own "database or disk is full" (the database capped at its current size
    plus a little): the crawl stops with a StoreError naming it, every write before it
    is whole, and the next run, with room again, completes the rest. SQLite only: the
    cap is a SQLite pragma."""
    with closing(SQLiteStore(tmp_path / "crawl.db")) as store, TestWeb() as web:
        pages = [f"/big-{i}" for i in range(12)]
        for p in pages:
            web.page(p, article_html(f"Big story {p}", paragraphs=60))
        add_feed(store, web, pages)
        conn = store._conn()
        used = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {used + 40}")
        with pytest.raises(StoreError) as info:
            await crawl(store, dataclasses.replace(FAST, concurrency=1))
        assert "full" in str(info.value)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        before = stored_urls(store)
        assert 0 < len(before) < len(pages)
        conn.execute("PRAGMA max_page_count = 1073741823")
        await crawl(store)
        assert stored_urls(store) == {web.url(p) for p in pages}
        assert store.count_articles(include_duplicates=True) == len(pages)


@pytest.fixture
def small_file_system(tmp_path: Path) -> Iterator[Path]:
    """A real 8 MiB tmpfs (root only: skipped where mounting is not allowed)."""
    mount_point = tmp_path / "small-fs"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


async def test_a_file_system_that_fills_up_stops_the_crawl_cleanly_and_loses_nothing(
    small_file_system: Path,
) -> None:
    """A real file system runs out of space mid-crawl (the test above caps SQLite
    instead): the crawl stops with a StoreError, the database stays whole, every
    article stored before is complete, and once space is freed the next run completes
    the rest with none twice."""
    path = small_file_system / "crawl.db"
    with closing(SQLiteStore(path)) as store, TestWeb() as web:
        pages = [f"/big-{i}" for i in range(20)]
        for p in pages:
            web.page(p, article_html(f"Big story {p}", paragraphs=80))
        add_feed(store, web, pages)
        # fill the file system but for a little room: a few pages and their WAL frames
        filler = small_file_system / "filler"
        free = shutil.disk_usage(small_file_system).free
        filler.write_bytes(b"\0" * max(0, free - 800 * 1024))
        with pytest.raises(StoreError) as info:
            await crawl(store, dataclasses.replace(FAST, concurrency=1))
        assert "full" in str(info.value) or "disk" in str(info.value)
        conn = store._conn()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = store.list_articles(limit=1000, include_duplicates=True).items
        assert 0 < len(stored) < len(pages), (len(stored), str(info.value))
        for article in stored:  # what was stored is whole
            full = store.get_article(article.id)
            assert full.text.count(" paragraph ") == 80, article.url
        filler.unlink()
        await crawl(store)
        assert stored_urls(store) == {web.url(p) for p in pages}
        assert store.count_articles(include_duplicates=True) == len(pages)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


async def test_a_feed_of_thousands_of_items_is_followed_only_so_far(store: Store) -> None:
    with TestWeb() as web:
        links = [web.url(f"/item-{i}") for i in range(MAX_FEED_ENTRIES + 500)]
        web.page("/feed.xml", rss(links), content_type="application/rss+xml")
        store.add_source(SourceSpec(url=web.url("/feed.xml"), kind=SourceKind.FEED))
        stats = await crawl(store, dataclasses.replace(FAST, max_pages=1))
        assert stats.warnings["feed_entries_over_limit"] == 500
        assert stats.discovered == MAX_FEED_ENTRIES
        assert store.frontier_counts()["queued"] <= MAX_FEED_ENTRIES


async def test_sitemaps_that_point_at_each_other_end(store: Store) -> None:
    def index_of(other: str) -> str:
        return (
            "<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            f"<sitemap><loc>{web.url(other)}</loc></sitemap></sitemapindex>"
        )

    with TestWeb() as web:
        web.page("/a.xml", index_of("/b.xml"), content_type="application/xml")
        web.page("/b.xml", index_of("/a.xml"), content_type="application/xml")
        store.add_source(SourceSpec(url=web.url("/a.xml"), kind=SourceKind.SITEMAP))
        stats = await crawl(store)
        assert stats.sitemaps == 2  # a, then b; b's link back to a is known already
        assert len(web.hits_for("/a.xml")) == 1 and len(web.hits_for("/b.xml")) == 1
        again = await crawl(store)  # the next run re-polls the source only
        assert again.sitemaps <= 2 and len(web.hits_for("/b.xml")) <= 2
