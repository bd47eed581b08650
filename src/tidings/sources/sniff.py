"""Tell a feed from a sitemap from a web page, by the start of the body and its type."""

from __future__ import annotations

import json
import re

from tidings.records import SourceKind
from tidings.sources._util import decode_markup, http_url, skip_prolog

#: How much of the body is looked at; the root element comes within this in practice.
SNIFF_BYTES = 64 * 1024

_ROOT = re.compile(r"<(?:[\w.-]+:)?([\w.-]+)(?=[\s/>])")
_FEED_ROOTS = frozenset({"rss", "RDF", "feed"})
_SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})
_JSON_FEED_VERSION = re.compile(r'"version"\s*:\s*"https?://jsonfeed\.org/version/')
_FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
    }
)
_GZIP_TYPES = frozenset({"application/gzip", "application/x-gzip"})


def sniff_kind(body: bytes, content_type: str | None) -> SourceKind:
    """FEED, SITEMAP or PAGE, judged first by the body's root element (after any BOM,
    whitespace, XML declaration, comments and DOCTYPE), then by ``content_type``
    when the body is not conclusive. Anything unrecognised is a PAGE."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if body.startswith(b"\x1f\x8b"):
        return SourceKind.SITEMAP
    text = decode_markup(body[:SNIFF_BYTES])
    start = skip_prolog(text)
    head = text[start:]

    if head.startswith("<"):
        match = _ROOT.match(head)
        root = match.group(1) if match else ""
        if root in _FEED_ROOTS:
            return SourceKind.FEED
        if root in _SITEMAP_ROOTS:
            return SourceKind.SITEMAP
        if root.lower() == "html":
            return SourceKind.PAGE
    elif head.startswith("{"):
        if _is_json_feed(body, head):
            return SourceKind.FEED
        return SourceKind.PAGE

    if media_type in _FEED_TYPES:
        return SourceKind.FEED
    if media_type in _GZIP_TYPES:
        return SourceKind.SITEMAP
    if media_type == "text/plain" and _looks_like_url_list(head):
        return SourceKind.SITEMAP
    return SourceKind.PAGE


def _is_json_feed(body: bytes, head: str) -> bool:
    if _JSON_FEED_VERSION.search(head):
        return True
    # The version key is usually first; if not, parse the whole thing to be sure.
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return False
    version = data.get("version") if isinstance(data, dict) else None
    return isinstance(version, str) and version.startswith("https://jsonfeed.org/version/")


def _looks_like_url_list(head: str) -> bool:
    """A plain-text sitemap: the first few non-empty lines are all absolute URLs."""
    lines = [line.strip() for line in head.splitlines() if line.strip()][:5]
    return bool(lines) and all(http_url(line) for line in lines)
