"""What a page says about itself: JSON-LD (schema.org) and ``<meta>`` tags.

Read once per page, cheaply, and used by the field extractors (title, authors, date,
image) and by the page-type classifier (an ``ItemList``/``CollectionPage`` is a
listing, ``isAccessibleForFree: false`` with little text is a paywall stub).
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

__all__ = ["ARTICLE_TYPES", "PageMeta", "read_page_meta"]

LOGGER = logging.getLogger(__name__)

#: schema.org types of a single news or blog article.
ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "askpublicnewsarticle",
        "blogposting",
        "socialmediaposting",
        "liveblogposting",
        "scholarlyarticle",
        "techarticle",
        "report",
        "satiricalarticle",
        "advertisertcontentarticle",
    }
)
#: schema.org types of pages that list other pages.
LISTING_TYPES = frozenset({"collectionpage", "itemlist", "searchresultspage", "profilepage"})
#: Largest JSON-LD block parsed (some sites inline megabytes of state).
MAX_JSONLD_CHARS = 500_000
_MAX_NODES = 2_000


@dataclass
class PageMeta:
    """Fields a page declares, first declaration wins within each source."""

    jsonld_types: set[str] = field(default_factory=set)
    headline: str | None = None
    jsonld_authors: list[str] = field(default_factory=list)
    jsonld_organisations: list[str] = field(default_factory=list)
    jsonld_published: str | None = None
    jsonld_modified: str | None = None
    jsonld_image: str | None = None
    #: the article's ``publisher`` name (the site name where ``og:site_name`` is missing)
    jsonld_publisher: str | None = None
    free: bool | None = None
    #: ``<meta>`` name/property (lower-cased) → first content.
    meta: dict[str, str] = field(default_factory=dict)
    #: every ``<meta>`` author-ish content, in page order
    meta_authors: list[str] = field(default_factory=list)
    #: first microdata ``datePublished``/``dateCreated`` outside ``<meta>`` (``datetime``,
    #: ``content`` or text), as written
    microdata_published: str | None = None
    #: first ``<time datetime>`` that is not that microdata, as written
    time_datetime: str | None = None
    #: the parsed page, for the searches run only when needed (the visible byline date)
    tree: HtmlElement | None = field(default=None, repr=False, compare=False)

    @property
    def is_article_type(self) -> bool:
        return bool(self.jsonld_types & ARTICLE_TYPES) or self.meta.get("og:type") == "article"

    @property
    def is_listing_type(self) -> bool:
        return bool(self.jsonld_types & LISTING_TYPES) and not self.jsonld_types & ARTICLE_TYPES


def _text(value: object) -> str | None:
    if isinstance(value, str):
        cleaned = " ".join(html.unescape(value).split())
        return cleaned or None
    if isinstance(value, list):
        for item in value:
            found = _text(item)
            if found:
                return found
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("@value") or value.get("url"))
    return None


def _types(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


def _nodes(data: object, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every dict in a JSON-LD document (``@graph``, lists, nesting), bounded."""
    stack: list[tuple[object, int]] = [(data, depth)]
    seen = 0
    while stack and seen < _MAX_NODES:
        item, level = stack.pop()
        seen += 1
        if isinstance(item, dict):
            yield item
            if level < 6:
                stack.extend((value, level + 1) for value in reversed(list(item.values())))
        elif isinstance(item, list) and level < 6:
            stack.extend((value, level + 1) for value in reversed(item))


def _person_names(value: object, organisations: bool = False) -> list[str]:
    """Names of the persons (or, with ``organisations``, the organisations) in ``value``."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, dict) and (
            bool(_types(item) & {"organization", "newsmediaorganization", "corporation"})
            != organisations
        ):
            continue
        if isinstance(item, str) and not organisations:
            names.extend(part for part in re.split(r"\s*(?:,|;| and | und )\s*", item) if part)
        elif isinstance(item, dict):
            name = _text(item.get("name"))
            if name is None and (item.get("givenName") or item.get("familyName")):
                name = _text(f"{item.get('givenName', '')} {item.get('familyName', '')}")
            if name:
                names.append(name)
    return names


def _publisher_name(value: object) -> str | None:
    """The ``name`` of a publisher object (or of the first in a list)."""
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            return _text(item.get("name"))
    return None


_JSON_COMMENT = re.compile(r"^\s*(?:<!--|//<!\[CDATA\[)|(?:-->|//\]\]>)\s*$")


def _read_jsonld(tree: HtmlElement, meta: PageMeta) -> None:
    article_seen = False
    for script in tree.iter("script"):
        kind = (script.get("type") or "").lower()
        if "ld+json" not in kind:
            continue
        raw = script.text or ""
        if not raw.strip() or len(raw) > MAX_JSONLD_CHARS:
            continue
        try:
            data = json.loads(_JSON_COMMENT.sub("", raw.strip()), strict=False)
        except (ValueError, RecursionError):
            LOGGER.debug("unparseable JSON-LD block")
            continue
        for node in _nodes(data):
            types = _types(node)
            meta.jsonld_types |= types
            if not types & ARTICLE_TYPES or article_seen:
                continue
            article_seen = True
            meta.headline = _text(node.get("headline")) or _text(node.get("name"))
            author = node.get("author") or node.get("creator")
            meta.jsonld_authors = _person_names(author)
            meta.jsonld_organisations = _person_names(author, organisations=True)
            meta.jsonld_published = _text(node.get("datePublished") or node.get("dateCreated"))
            meta.jsonld_modified = _text(node.get("dateModified"))
            meta.jsonld_image = _text(node.get("image") or node.get("thumbnailUrl"))
            meta.jsonld_publisher = _publisher_name(node.get("publisher"))
            free = node.get("isAccessibleForFree")
            if isinstance(free, bool):
                meta.free = free
            elif isinstance(free, str) and free.strip().lower() in ("false", "true"):
                meta.free = free.strip().lower() == "true"


_AUTHOR_META = frozenset(
    {
        "author",
        "article:author",
        "dc.creator",
        "dcterms.creator",
        "parsely-author",
        "sailthru.author",
        "byl",
        "citation_author",
        "cxenseparse:author",
        "analytics:author",
    }
)


def _read_meta(tree: HtmlElement, meta: PageMeta) -> None:
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or ""
        key = key.strip().lower()
        content = element.get("content")
        if not key or not content or not content.strip():
            continue
        content = " ".join(html.unescape(content).split())
        meta.meta.setdefault(key, content)
        if key in _AUTHOR_META:
            meta.meta_authors.append(content)


#: every microdata property (a single-test path: twice as fast as testing its value)
_ITEMPROPS = etree.XPath("//*[@itemprop]")
_PUBLISHED_PROPS = frozenset({"datepublished", "datecreated"})
_ISO_START = re.compile(r"\s*\d{4}-\d{1,2}-\d{1,2}")


def _read_page_dates(tree: HtmlElement, meta: PageMeta) -> None:
    """The first ISO 8601 microdata publication date and ``<time datetime>`` (~1 ms a page)."""
    for element in _ITEMPROPS(tree):
        if element.tag == "meta" or element.get("itemprop", "").lower() not in _PUBLISHED_PROPS:
            continue
        value = element.get("datetime") or element.get("content") or element.text_content()
        if _ISO_START.match(value):
            meta.microdata_published = value.strip()[:80]
            break
    for element in tree.iter("time"):
        value = element.get("datetime") or ""
        if (
            _ISO_START.match(value)
            and (element.get("itemprop") or "").lower() not in _PUBLISHED_PROPS
        ):
            meta.time_datetime = value.strip()[:80]
            break


def read_page_meta(tree: HtmlElement) -> PageMeta:
    """JSON-LD and ``<meta>`` declarations of a parsed page."""
    meta = PageMeta(tree=tree)
    _read_jsonld(tree, meta)
    _read_meta(tree, meta)
    _read_page_dates(tree, meta)
    return meta
