"""Parse XML sitemaps (``<urlset>``, with Google's ``news:`` extension, and
``<sitemapindex>``), gzip-compressed sitemaps and plain-text sitemaps.

Elements are matched on their local name: real sitemaps get namespaces wrong
often enough (missing, http vs https, undeclared prefixes) that insisting on
them would lose pages.
"""

from __future__ import annotations

import logging
import zlib
from typing import Any

from tidings.errors import SitemapParseError
from tidings.records import ParsedSitemap, SitemapEntry
from tidings.sources._util import (
    decode_markup,
    element_text,
    http_url,
    local_name,
    parse_xml,
    skip_prolog,
)
from tidings.timestamps import utc_iso

log = logging.getLogger(__name__)

#: Largest decompressed sitemap accepted (the sitemaps.org limit is 50 MB uncompressed).
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"


def parse_sitemap(body: bytes, url: str) -> ParsedSitemap:
    """Parse a sitemap fetched from ``url``.

    URLs that are relative, malformed or not http(s) are counted in ``skipped``.
    Raises :class:`SitemapParseError` if ``body`` is not a sitemap or decompresses
    to more than :data:`MAX_SITEMAP_BYTES`.
    """
    if body.startswith(GZIP_MAGIC):
        body = gunzip(body, url)
    text = decode_markup(body)
    start = skip_prolog(text)
    if start >= len(text):
        raise SitemapParseError(f"empty document, not a sitemap ({url})")
    if text[start] != "<":
        return _parse_text(body, url)

    root = parse_xml(body)
    kind = local_name(root) if root is not None else None
    if kind == "urlset":
        result = _parse_urlset(root)
    elif kind == "sitemapindex":
        result = _parse_index(root)
    else:
        what = f"XML with root <{kind}>" if kind else "not well-formed XML"
        raise SitemapParseError(f"not a sitemap: {what} ({url})")
    if result.skipped:
        log.info("sitemap %s: %d unusable URLs skipped", url, result.skipped)
    return result


def gunzip(data: bytes, url: str, limit: int = MAX_SITEMAP_BYTES) -> bytes:
    """Decompress gzip ``data`` (all members), refusing output beyond ``limit`` bytes."""
    out = bytearray()
    while data.startswith(GZIP_MAGIC):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += inflater.decompress(data, limit + 1 - len(out))
        except zlib.error as exc:
            raise SitemapParseError(f"corrupt gzip data: {exc} ({url})") from exc
        if len(out) > limit:
            raise SitemapParseError(f"sitemap decompresses to more than {limit} bytes ({url})")
        if not inflater.eof:
            log.warning("sitemap %s: gzip stream truncated, parsing what was decompressed", url)
            break
        data = inflater.unused_data
    return bytes(out)


def _parse_urlset(root: Any) -> ParsedSitemap:
    pages: list[SitemapEntry] = []
    skipped = 0
    for node in root:
        if local_name(node) != "url":
            continue
        fields = _children(node)
        loc = http_url(_text(fields.get("loc")))
        if loc is None:
            skipped += 1
            continue
        title = published = language = None
        news = fields.get("news")
        if news is not None:
            news_fields = _children(news)
            title = _text(news_fields.get("title"))
            published = utc_iso(_text(news_fields.get("publication_date")))
            publication = news_fields.get("publication")
            if publication is not None:
                language = _text(_children(publication).get("language"))
        pages.append(
            SitemapEntry(
                url=loc,
                lastmod=utc_iso(_text(fields.get("lastmod"))),
                title=title,
                published=published,
                language=language,
            )
        )
    return ParsedSitemap(pages=tuple(pages), sitemaps=(), skipped=skipped)


def _parse_index(root: Any) -> ParsedSitemap:
    sitemaps: list[str] = []
    skipped = 0
    for node in root:
        if local_name(node) != "sitemap":
            continue
        loc_node = _children(node).get("loc")
        loc = http_url(_text(loc_node))
        if loc is None:
            skipped += 1
            continue
        sitemaps.append(loc)
    return ParsedSitemap(pages=(), sitemaps=tuple(sitemaps), skipped=skipped)


def _parse_text(body: bytes, url: str) -> ParsedSitemap:
    """A plain-text sitemap: one absolute URL per line."""
    lines = [line.strip() for line in body.decode("utf-8", errors="replace").splitlines()]
    pages: list[SitemapEntry] = []
    skipped = 0
    for line in lines:
        if not line:
            continue
        loc = http_url(line)
        if loc is None:
            skipped += 1
        else:
            pages.append(SitemapEntry(url=loc))
    if not pages:
        raise SitemapParseError(f"not a sitemap: no XML and no URL lines ({url})")
    if skipped:
        log.info("text sitemap %s: %d lines that are not URLs skipped", url, skipped)
    return ParsedSitemap(pages=tuple(pages), sitemaps=(), skipped=skipped)


def _children(node: Any) -> dict[str, Any]:
    """First child element of ``node`` for each local name."""
    found: dict[str, Any] = {}
    for child in node:
        name = local_name(child)
        if name and name not in found:
            found[name] = child
    return found


def _text(node: Any) -> str | None:
    return element_text(node) if node is not None else None
