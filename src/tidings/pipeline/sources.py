"""Adding sources: by URL with autodiscovery, and OPML import/export."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from tidings.config import CrawlSettings
from tidings.crawl import Fetcher, RobotsCache, RobotsVerdict
from tidings.errors import FetchError
from tidings.extract import decode_html
from tidings.records import OutlineFeed, Source, SourceKind, SourceSpec
from tidings.sources import discover_feeds, parse_opml, sniff_kind, write_opml
from tidings.store import Store
from tidings.urls import canonical_url

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AddedSource:
    source: Source
    created: bool
    #: Other feeds the page advertised, not added (the first one was).
    alternatives: tuple[str, ...] = ()


async def add_source(
    store: Store, url: str, settings: CrawlSettings, kind: SourceKind | None = None
) -> AddedSource:
    """Add ``url`` as a source. Without ``kind``, fetch it and decide: a feed or a
    sitemap is added as such; an HTML page that advertises feeds
    (``<link rel="alternate">``) adds its first feed; any other page is added as a page.
    """
    url = canonical_url(url)
    alternatives: tuple[str, ...] = ()
    if kind is None:
        kind, url, alternatives = await _discover(url, settings)
    source, created = store.add_source(SourceSpec(url=url, kind=kind))
    log.info("source %s: %s (%s)", "added" if created else "exists", url, kind.value)
    return AddedSource(source, created, alternatives)


async def _discover(url: str, settings: CrawlSettings) -> tuple[SourceKind, str, tuple[str, ...]]:
    async with Fetcher(settings) as fetcher:
        verdict, _ = await RobotsCache(fetcher, settings).check(url)
        if verdict is RobotsVerdict.DISALLOWED:
            raise FetchError(url, "robots.txt disallows this URL")
        response = await fetcher.fetch(url)
    kind = sniff_kind(response.body, response.content_type)
    if kind is not SourceKind.PAGE:
        return kind, url, ()
    html = decode_html(response.body, response.charset).text
    feeds = []
    for found in discover_feeds(html, response.final_url):
        try:
            feeds.append(canonical_url(found))
        except FetchError:
            continue
    if feeds:
        return SourceKind.FEED, feeds[0], tuple(feeds[1:])
    return SourceKind.PAGE, url, ()


def import_opml(store: Store, data: bytes, *, account_id: int | None = None) -> tuple[int, int]:
    """Add every feed of an OPML file; with ``account_id``, also subscribe that account
    to each, in the folder its outline sits in. Returns (added, already present)."""
    added = existing = 0
    for outline in parse_opml(data):
        try:
            url = canonical_url(outline.url)
        except FetchError as exc:
            log.warning("skipping OPML entry: %s", exc)
            continue
        spec = SourceSpec(
            url=url, kind=SourceKind.FEED, title=outline.title, site_url=outline.site_url
        )
        source, created = store.add_source(spec)
        if created:
            added += 1
        else:
            existing += 1
        if account_id is not None:
            store.subscribe(account_id, source.id, title=outline.title, folder=outline.category)
    return added, existing


def export_opml(store: Store, *, account_id: int | None = None) -> str:
    """Every feed source as OPML 2.0; with ``account_id``, that account's subscriptions
    under its own titles, in its folders."""
    if account_id is not None:
        feeds = [
            OutlineFeed(
                url=sub.source.url,
                title=sub.display_title,
                site_url=sub.source.site_url,
                category=sub.folder,
            )
            for sub in store.subscriptions(account_id)
            if sub.source.kind is SourceKind.FEED
        ]
    else:
        feeds = [
            OutlineFeed(url=s.url, title=s.title, site_url=s.site_url)
            for s in store.list_sources()
            if s.kind is SourceKind.FEED
        ]
    return write_opml(feeds)
