"""Feed autodiscovery: the ``<link rel="alternate">`` feeds a web page advertises."""

from __future__ import annotations

import logging

from lxml import etree, html

from tidings.sources._util import http_url

log = logging.getLogger(__name__)

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
        "application/rdf+xml",
    }
)


def discover_feeds(html_doc: bytes | str, base_url: str) -> list[str]:
    """Absolute feed URLs advertised by the page at ``base_url``, de-duplicated, in
    document order. Honours ``<base href>``; returns ``[]`` for an empty or unparsable
    page."""
    if not html_doc or not html_doc.strip():
        return []
    try:
        document = html.fromstring(html_doc)
    except ValueError:
        # lxml refuses str input that carries an XML encoding declaration.
        if not isinstance(html_doc, str):
            return []
        document = html.fromstring(html_doc.encode("utf-8"))
    except etree.ParserError:
        return []

    base = base_url
    for base_element in document.iter("base"):
        href = base_element.get("href")
        if href and href.strip():
            base = http_url(href, base_url) or base_url
            break

    found: list[str] = []
    for link in document.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";", 1)[0].strip().lower()
        if "alternate" not in rel or kind not in FEED_TYPES:
            continue
        url = http_url(link.get("href"), base)
        if url is None:
            log.debug("ignoring feed link with unusable href %r", link.get("href"))
            continue
        if url not in found:
            found.append(url)
    return found
