"""Sources: turn fetched feeds, sitemaps, OPML files and web pages into the URLs to crawl.

Every function here is pure: it takes bytes (or text) already fetched and returns
records from :mod:`tidings.records`; none of them touches the network. Documents
that cannot be parsed raise the matching :class:`tidings.errors.ParseError`
subclass; unusable entries inside a good document are counted in ``skipped``.
"""

from tidings.sources.discover import discover_feeds
from tidings.sources.feeds import parse_feed
from tidings.sources.opml import parse_opml, write_opml
from tidings.sources.sitemaps import MAX_SITEMAP_BYTES, parse_sitemap
from tidings.sources.sniff import sniff_kind

__all__ = [
    "MAX_SITEMAP_BYTES",
    "discover_feeds",
    "parse_feed",
    "parse_opml",
    "parse_sitemap",
    "sniff_kind",
    "write_opml",
]
