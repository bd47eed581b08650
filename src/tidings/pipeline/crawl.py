"""The crawl job: frontier → fetch → parse/extract → store.

This is the only place where the crawl, sources and extract stages meet the
store. The frontier lives in the store, so a killed run resumes where it
stopped: a URL is marked done only after what it produced is stored, and every
write is idempotent, so a URL fetched twice after a crash stores nothing twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from tidings.config import CrawlSettings
from tidings.crawl import Fetcher, HostPoliteness, RobotsCache, RobotsVerdict
from tidings.crawl.warc import WarcArchive
from tidings.errors import (
    FeedParseError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    NetworkError,
    SitemapParseError,
    StoreError,
)
from tidings.pipeline.pages import PageOutcome, fetch_log, store_page
from tidings.records import FetchResponse, FrontierItem, SourceKind
from tidings.sources import parse_feed, parse_sitemap
from tidings.store import FetchLog, NewURL, Store
from tidings.urls import canonical_url, host_of

log = logging.getLogger(__name__)

#: Media types each kind of URL may come back as (an empty type is sniffed).
ACCEPT: dict[SourceKind, frozenset[str]] = {
    SourceKind.PAGE: frozenset({"text/html", "application/xhtml+xml"}),
    SourceKind.FEED: frozenset(
        {
            "application/rss+xml",
            "application/atom+xml",
            "application/rdf+xml",
            "application/feed+json",
            "application/json",
            "application/xml",
            "text/xml",
            "text/plain",
            "text/html",  # misconfigured servers; parse_feed rejects real HTML
            "application/octet-stream",
        }
    ),
    SourceKind.SITEMAP: frozenset(
        {
            "application/xml",
            "text/xml",
            "text/plain",
            "application/gzip",
            "application/x-gzip",
            "application/octet-stream",
        }
    ),
}


@dataclass
class CrawlStats:
    """What one crawl run did. Every URL ends in exactly one of these counters."""

    fetched: int = 0
    not_modified: int = 0
    feeds: int = 0
    sitemaps: int = 0
    discovered: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    duplicates: int = 0
    not_articles: Counter[str] = field(default_factory=Counter)
    robots_blocked: int = 0
    retried: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    warnings: Counter[str] = field(default_factory=Counter)
    elapsed: float = 0.0

    def add(self, other: CrawlStats) -> None:
        """Count what another part of the same run did (a worker of a partitioned
        crawl); ``elapsed`` stays the run's own."""
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.not_articles.update(other.not_articles)
        self.errors.update(other.errors)
        self.warnings.update(other.warnings)

    def as_dict(self) -> dict[str, object]:
        return {
            "fetched": self.fetched,
            "not_modified": self.not_modified,
            "feeds": self.feeds,
            "sitemaps": self.sitemaps,
            "discovered": self.discovered,
            "articles_new": self.articles_new,
            "articles_updated": self.articles_updated,
            "duplicates": self.duplicates,
            "not_articles": dict(self.not_articles),
            "robots_blocked": self.robots_blocked,
            "retried": self.retried,
            "errors": dict(self.errors),
            "warnings": dict(self.warnings),
            "elapsed": round(self.elapsed, 3),
        }


#: Seconds between two looks at the frontier of a partitioned crawl's worker whose own
#: part has nothing due while other parts still have.
PARTITION_POLL = 0.25
#: ...and how long it waits so before it stops (the others may lack the CPU to start).
PARTITION_IDLE = 30.0

#: The plain counters of :class:`CrawlStats` (summed by ``add``).
_COUNTS = (
    "fetched",
    "not_modified",
    "feeds",
    "sitemaps",
    "discovered",
    "articles_new",
    "articles_updated",
    "duplicates",
    "robots_blocked",
    "retried",
)

ProgressCallback = Callable[[CrawlStats, dict[str, int]], None]

#: Entries of one feed that are followed (a news feed has tens; a hostile or broken one
#: may list 100,000): the first ones, which feeds put newest first.
MAX_FEED_ENTRIES = 1_000


class CrawlJob:
    """One crawl run over the store's frontier. ``await CrawlJob(store, settings).run()``.

    ``partition=(k, n)``: crawl only the hosts of part ``k`` of ``n`` (the frontier's
    stable host hash), so ``n`` jobs in as many processes, each with its own part, never
    fetch from one host at once and per-host politeness holds across them. Such workers
    pass ``start_run=False``: ``store.start_run()`` re-queues every URL left in progress,
    which would take the URLs a live worker is fetching, so only the driver calls it,
    once, before the workers start (``pipeline.executor``).
    """

    def __init__(
        self,
        store: Store,
        settings: CrawlSettings,
        *,
        on_progress: ProgressCallback | None = None,
        partition: tuple[int, int] | None = None,
        start_run: bool = True,
    ) -> None:
        self.store = store
        self.settings = settings
        self.stats = CrawlStats()
        self.partition = partition
        self.start_run = start_run
        #: The hosts this run claimed URLs of.
        self.hosts: set[str] = set()
        #: Seconds a partitioned run waits with nothing of its part to take.
        self.partition_idle = PARTITION_IDLE
        self._on_progress = on_progress
        self._politeness = HostPoliteness(settings.host_delay)
        self._pages = 0
        #: Where responses are kept as WARC during a run (``settings.warc_dir``).
        self._archive: WarcArchive | None = None

    async def run(self) -> CrawlStats:
        started = time.monotonic()
        if self.start_run:
            queued = self.store.start_run()
            log.info("crawl started: %d URLs queued", queued)
        else:
            log.info("crawl of part %s started", self.partition)
        warc_dir = self.settings.warc_dir
        with WarcArchive(Path(warc_dir)) if warc_dir else nullcontext() as archive:
            self._archive = archive
            async with Fetcher(self.settings) as fetcher:
                robots = RobotsCache(fetcher, self.settings)
                await self._loop(fetcher, robots)
        self._archive = None
        self.stats.elapsed = time.monotonic() - started
        log.info("crawl finished: %s", self.stats.as_dict())
        self._report()
        return self.stats

    async def _loop(self, fetcher: Fetcher, robots: RobotsCache) -> None:
        in_flight: set[asyncio.Task[None]] = set()
        idle_since: float | None = None  # nothing in flight, nothing to claim
        try:
            while True:
                while len(in_flight) < self.settings.concurrency and not self._page_limit_hit():
                    item = self.store.claim(
                        self._politeness.unavailable_hosts(), time.time(), partition=self.partition
                    )
                    if item is None:
                        break
                    idle_since = None
                    self._politeness.acquire(item.host)
                    self.hosts.add(item.host)
                    if item.kind is SourceKind.PAGE:
                        self._pages += 1
                    in_flight.add(asyncio.create_task(self._process(item, fetcher, robots)))
                if in_flight:
                    tick = min(max(self._politeness.seconds_until_next_ready(), 0.01), 1.0)
                    done, in_flight = await asyncio.wait(
                        in_flight, timeout=tick, return_when=asyncio.FIRST_COMPLETED
                    )
                    for task in done:
                        task.result()  # a store failure must stop the run, not vanish
                    if done:
                        self._report()
                    continue
                if self._page_limit_hit():
                    return
                due = self.store.next_due()
                if due is None:
                    return
                wait = due - time.time()
                if wait > self.settings.max_retry_wait:
                    log.info("remaining URLs are due in %.0fs: left for the next run", wait)
                    return
                # A worker of a partitioned crawl stays while the other parts work
                # (their feeds may list pages of its hosts), polling gently; but not
                # for ever: were the other parts' workers short of a CPU (a lost
                # node), they could not start while it waits. What it leaves goes to
                # the next round (``pipeline.ray_executor``).
                floor = 0.01
                if self.partition is not None:
                    floor = PARTITION_POLL
                    idle_since = idle_since or time.monotonic()
                    if time.monotonic() - idle_since > self.partition_idle:
                        log.info("part %s idle: the rest is left to the next round", self.partition)
                        return
                await asyncio.sleep(
                    min(max(wait, self._politeness.seconds_until_next_ready(), floor), 1.0)
                )
        finally:
            for task in in_flight:
                task.cancel()
            if in_flight:
                await asyncio.gather(*in_flight, return_exceptions=True)

    def _page_limit_hit(self) -> bool:
        return bool(self.settings.max_pages) and self._pages >= self.settings.max_pages

    def _report(self) -> None:
        if self._on_progress is not None:
            self._on_progress(self.stats, self.store.frontier_counts())

    # --- one URL ---------------------------------------------------------------

    async def _process(self, item: FrontierItem, fetcher: Fetcher, robots: RobotsCache) -> None:
        delay: float | None = None
        try:
            verdict, robots_fetched = await robots.check(item.url)
            delay = await robots.crawl_delay(item.url)
            if verdict is RobotsVerdict.DISALLOWED:
                self.stats.robots_blocked += 1
                log.debug("robots.txt disallows %s", item.url)
                self.store.log_fetch(
                    FetchLog(url=item.url, source_id=item.source_id, outcome="robots_blocked")
                )
                self.store.fail(item.id, error="robots.txt disallows")
                return
            if verdict is RobotsVerdict.UNAVAILABLE:
                raise NetworkError(item.url, "robots.txt unavailable")
            if robots_fetched:  # that was a request to this host too: pause before the next
                await asyncio.sleep(max(delay or 0.0, self.settings.host_delay))
            response = await fetcher.fetch(
                item.url,
                etag=item.etag,
                last_modified=item.last_modified,
                accept=ACCEPT[item.kind],
            )
        except FetchError as exc:
            self._fetch_failed(item, exc)
            return
        finally:
            self._politeness.release(item.host, delay)
        self.stats.fetched += 1
        try:
            await self._handle(item, response)
        except StoreError:
            raise  # the store cannot be written (disk full...): stop, nothing half-done
        except Exception as exc:
            # A bug met on one page must not stop the crawl: record it, go on.
            log.exception("internal error while processing %s", item.url)
            self.stats.errors["internal_error"] += 1
            self.store.fail(item.id, error=f"internal_error: {type(exc).__name__}: {exc}")

    async def _handle(self, item: FrontierItem, response: FetchResponse) -> None:
        if self._archive is not None and not response.not_modified:
            self._archive.write(response)
        if response.not_modified:
            self.stats.not_modified += 1
            self.store.log_fetch(self._fetch_log(item, response, "not_modified"))
            self._source_health(item, "not modified", ok=True)
            self.store.complete(item.id)
            return
        if item.kind is SourceKind.FEED:
            await self._handle_feed(item, response)
        elif item.kind is SourceKind.SITEMAP:
            self._handle_sitemap(item, response)
        else:
            await self._handle_page(item, response)

    async def _handle_feed(self, item: FrontierItem, response: FetchResponse) -> None:
        try:
            # in a thread: a hostile feed of 100,000 items takes feedparser ~30 s,
            # which must not stall every other fetch of the run
            feed = await asyncio.to_thread(parse_feed, response.body, response.final_url)
        except FeedParseError as exc:
            self._parse_failed(item, response, exc.code, str(exc))
            return
        self.stats.feeds += 1
        if feed.warning:
            self.stats.warnings["feed_warning"] += 1
            log.warning("feed %s parsed with a warning: %s", item.url, feed.warning)
        if feed.skipped:
            self.stats.warnings["feed_entries_without_link"] += feed.skipped
        entries = feed.entries[:MAX_FEED_ENTRIES]
        if len(feed.entries) > MAX_FEED_ENTRIES:
            self.stats.warnings["feed_entries_over_limit"] += len(feed.entries) - MAX_FEED_ENTRIES
            log.warning(
                "feed %s has %d entries: the first %d are followed",
                item.url,
                len(feed.entries),
                MAX_FEED_ENTRIES,
            )
        new = []
        for entry in entries:
            hints = {"title": entry.title or "", "published": entry.published or ""}
            new.append(self._new_url(entry.url, SourceKind.PAGE, item, hints))
        self._enqueue(new)
        self.store.log_fetch(self._fetch_log(item, response, "feed"))
        self._source_health(item, f"ok: {len(entries)} entries", True, feed.title, feed.site_url)
        self.store.complete(item.id, etag=response.etag, last_modified=response.last_modified)

    def _handle_sitemap(self, item: FrontierItem, response: FetchResponse) -> None:
        try:
            sitemap = parse_sitemap(response.body, response.final_url)
        except SitemapParseError as exc:
            self._parse_failed(item, response, exc.code, str(exc))
            return
        self.stats.sitemaps += 1
        if sitemap.skipped:
            self.stats.warnings["sitemap_invalid_urls"] += sitemap.skipped
        new = [self._new_url(url, SourceKind.SITEMAP, item, {}) for url in sitemap.sitemaps]
        for entry in sitemap.pages:
            hints = {"title": entry.title or "", "published": entry.published or ""}
            new.append(self._new_url(entry.url, SourceKind.PAGE, item, hints))
        self._enqueue(new)
        self.store.log_fetch(self._fetch_log(item, response, "sitemap"))
        self._source_health(
            item, f"ok: {len(sitemap.pages)} pages, {len(sitemap.sitemaps)} sitemaps", True
        )
        self.store.complete(item.id, etag=response.etag, last_modified=response.last_modified)

    async def _handle_page(self, item: FrontierItem, response: FetchResponse) -> None:
        hints = {k: v for k, v in item.hints.items() if v}
        stored = await store_page(
            self.store, response, url=item.url, source_id=item.source_id, hints=hints
        )
        if stored.charset_mismatch:
            self.stats.warnings["charset_mismatch"] += 1
        if stored.outcome is PageOutcome.NOT_ARTICLE:
            self.stats.not_articles[stored.reason or "unknown"] += 1
            self._source_health(item, f"not an article: {stored.reason}", ok=True)
        else:
            if stored.outcome is PageOutcome.DUPLICATE:
                self.stats.duplicates += 1
            elif stored.outcome is PageOutcome.NEW:
                self.stats.articles_new += 1
            else:
                self.stats.articles_updated += 1
            self._source_health(item, "ok: article", ok=True)
        self.store.complete(item.id, etag=response.etag, last_modified=response.last_modified)

    # --- helpers ---------------------------------------------------------------

    def _new_url(
        self, url: str, kind: SourceKind, parent: FrontierItem, hints: dict[str, str]
    ) -> NewURL | None:
        try:
            canonical = canonical_url(url)
        except FetchError as exc:
            self.stats.warnings["invalid_url"] += 1
            log.debug("skipping invalid URL from %s: %s", parent.url, exc)
            return None
        hints = {k: v for k, v in hints.items() if v}
        return NewURL(canonical, host_of(canonical), kind, parent.source_id, hints)

    def _enqueue(self, urls: list[NewURL | None]) -> None:
        self.stats.discovered += self.store.enqueue(u for u in urls if u is not None)

    def _fetch_log(
        self,
        item: FrontierItem,
        response: FetchResponse,
        outcome: str,
        *,
        error: str | None = None,
    ) -> FetchLog:
        """A fetch without its body (pages keep theirs: ``pages.store_page``)."""
        return fetch_log(response, item.url, item.source_id, outcome, error=error)

    def _source_health(
        self,
        item: FrontierItem,
        status: str,
        ok: bool,
        title: str | None = None,
        site_url: str | None = None,
    ) -> None:
        """Only a source's own URL (not the pages it led to) speaks for its health."""
        if item.is_source and item.source_id is not None:
            self.store.update_source(
                item.source_id, status=status, ok=ok, title=title, site_url=site_url
            )

    def _parse_failed(
        self, item: FrontierItem, response: FetchResponse, code: str, message: str
    ) -> None:
        self.stats.errors[code] += 1
        log.warning("%s: %s", code, message)
        self.store.log_fetch(self._fetch_log(item, response, "error", error=message))
        self._source_health(item, f"error: {code}", ok=False)
        self.store.fail(item.id, error=message)

    def _fetch_failed(self, item: FrontierItem, exc: FetchError) -> None:
        retryable = isinstance(exc, FetchTimeoutError | NetworkError) or (
            isinstance(exc, HTTPStatusError) and exc.retryable
        )
        retry_after = exc.retry_after if isinstance(exc, HTTPStatusError) else None
        status = exc.status if isinstance(exc, HTTPStatusError) else None
        self.store.log_fetch(
            FetchLog(
                url=item.url,
                source_id=item.source_id,
                outcome="error",
                status=status,
                error=f"{exc.code}: {exc.message}",
            )
        )
        if retryable and item.attempts + 1 < self.settings.max_attempts:
            self._retry(item, retry_after, f"{exc.code}: {exc.message}")
            return
        self.stats.errors[exc.code] += 1
        log.warning("fetch failed (%s): %s", exc.code, exc)
        self._source_health(item, f"error: {exc.code}", ok=False)
        self.store.fail(item.id, error=f"{exc.code}: {exc.message}")

    def _retry(self, item: FrontierItem, retry_after: float | None, error: str) -> None:
        wait = (
            retry_after
            if retry_after is not None
            else self.settings.retry_backoff * (2**item.attempts)
        )
        self.stats.retried += 1
        log.debug("retrying %s in %.1fs (%s)", item.url, wait, error)
        self.store.retry_later(item.id, not_before=time.time() + wait, error=error)
