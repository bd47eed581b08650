"""Import and export feed subscriptions as OPML (the format every feed reader speaks)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from lxml import etree

from tidings.errors import OPMLParseError
from tidings.records import OutlineFeed
from tidings.sources._util import collapse, http_url, local_name, parse_xml

log = logging.getLogger(__name__)


def parse_opml(data: bytes) -> list[OutlineFeed]:
    """The feeds of an OPML document, in document order, each URL once.

    An outline with an ``xmlUrl`` is a feed; one without is a folder, and its
    title/text becomes the ``category`` of the feeds directly or indirectly inside
    it (the nearest folder wins). Feeds whose ``xmlUrl`` is not an absolute
    http(s) URL are skipped and logged.
    """
    root = parse_xml(data)
    if root is None or local_name(root) != "opml":
        raise OPMLParseError("not an OPML document (no <opml> root element)")
    body = next((child for child in root if local_name(child) == "body"), None)
    if body is None:
        raise OPMLParseError("OPML document has no <body>")

    feeds: list[OutlineFeed] = []
    seen: set[str] = set()
    skipped = 0

    def walk(parent: Any, category: str | None) -> None:
        nonlocal skipped
        for outline in parent:
            if local_name(outline) != "outline":
                continue
            attrs = _attributes(outline)
            label = collapse(attrs.get("title")) or collapse(attrs.get("text"))
            raw_url = attrs.get("xmlurl")
            if raw_url is None:
                walk(outline, label or category)
                continue
            url = http_url(raw_url)
            if url is None:
                skipped += 1
                log.warning("OPML feed with unusable xmlUrl skipped: %r", raw_url)
                continue
            if url in seen:
                continue
            seen.add(url)
            feeds.append(
                OutlineFeed(
                    url=url,
                    title=label if label != url else None,
                    site_url=http_url(attrs.get("htmlurl")),
                    category=category,
                )
            )

    walk(body, None)
    if skipped:
        log.warning("OPML import: %d feeds skipped for unusable URLs", skipped)
    return feeds


def write_opml(feeds: Iterable[OutlineFeed], title: str = "Tidings subscriptions") -> str:
    """An OPML 2.0 document listing ``feeds``, grouped in one folder per category
    (feeds without a category sit at the top level). Round-trips with
    :func:`parse_opml`."""
    opml = etree.Element("opml", version="2.0")
    head = etree.SubElement(opml, "head")
    etree.SubElement(head, "title").text = title
    body = etree.SubElement(opml, "body")

    folders: dict[str, Any] = {}
    for feed in feeds:
        parent = body
        if feed.category:
            parent = folders.get(feed.category)
            if parent is None:
                parent = etree.SubElement(body, "outline", text=feed.category, title=feed.category)
                folders[feed.category] = parent
        outline = etree.SubElement(parent, "outline", type="rss", text=feed.title or feed.url)
        if feed.title:
            outline.set("title", feed.title)
        outline.set("xmlUrl", feed.url)
        if feed.site_url:
            outline.set("htmlUrl", feed.site_url)

    xml: bytes = etree.tostring(opml, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return xml.decode("utf-8")


def _attributes(element: Any) -> dict[str, str]:
    """Attributes by lower-cased local name (``xmlUrl``, ``xmlurl`` and ``XMLURL`` all
    occur in the wild)."""
    return {
        str(key).rsplit("}", 1)[-1].lower(): str(value) for key, value in element.attrib.items()
    }
