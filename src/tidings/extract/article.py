"""Article extraction: main text and metadata of a news page.

The steps, each in its own module: decode the bytes (``encoding``), parse once, read
what the page declares about itself (``structured``: JSON-LD, ``<meta>``), extract the
main text from two trafilatura candidates (``text``), pick each field from the
sources that do best on the shared gold data (``fields``: title, authors, date), tell
articles from listings, error pages, bot challenges, cookie walls and paywall stubs
(``pagetype``), and identify the language (``language``).
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml.html import HtmlElement

from tidings.extract.encoding import decode_html
from tidings.extract.fields.authors import clean_authors, pick_authors
from tidings.extract.fields.dates import date_params, pick_date, to_day
from tidings.extract.fields.fallback import LazyMeta
from tidings.extract.fields.title import pick_title, strip_site_suffix
from tidings.extract.pagetype import (
    PageSignals,
    anchor_texts,
    classify_page,
    linked_headings,
)
from tidings.extract.structured import PageMeta, read_page_meta
from tidings.extract.text import drop_headline_lines, extract_text
from tidings.language import cjk_ratio, detect_language
from tidings.records import ExtractedArticle, NotAnArticle

__all__ = ["clean_authors", "content_hash", "extract_article", "strip_site_suffix"]

LOGGER = logging.getLogger(__name__)

#: Minimum characters of main text for an article in alphabetic scripts.
MIN_CHARS = 250
#: Minimum characters of main text for a (mostly) Chinese/Japanese/Korean article.
MIN_CHARS_CJK = 100
#: Share of CJK characters above which the CJK threshold applies.
CJK_SHARE = 0.3
#: Pages longer than this (characters of decoded HTML) are cut before parsing.
MAX_HTML_CHARS = 6_000_000
#: Pages with more elements than this are rejected as ``too_large`` (news pages have ~5k).
MAX_ELEMENTS = 100_000
#: Share of replacement/control/unassigned characters above which text is garbage.
MAX_GARBLED_SHARE = 0.02
#: Characters of the text given to language identification: its model reads 2,000
#: (links and numbers removed), and cleaning the whole of a long text first costs ~1 ms
#: a page.
LANGUAGE_SAMPLE_CHARS = 2500


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    cleaned = " ".join(value.split())
    return cleaned or None


def _first(tree: HtmlElement, xpath: str) -> str | None:
    try:
        found = tree.xpath(xpath)
    except (ValueError, TypeError):  # pragma: no cover - static expressions
        return None
    for item in found:
        text = _clean(item if isinstance(item, str) else item.text_content())
        if text:
            return text
    return None


def _absolute(link: str | None, base: str | None) -> str | None:
    if not link:
        return None
    link = link.strip()
    try:
        absolute = urljoin(base, link) if base else link
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return absolute


def _canonical(tree: HtmlElement, url: str | None) -> str | None:
    for xpath in (
        "//link[contains(concat(' ', translate(@rel, 'CANOIL', 'canoil'), ' '), ' canonical ')]"
        "/@href",
        "//meta[@property='og:url' or @name='og:url']/@content",
    ):
        absolute = _absolute(_first(tree, xpath), url)
        if absolute:
            return absolute
    return url


def _html_lang(tree: HtmlElement) -> str | None:
    return _first(
        tree,
        "/html/@lang | /html/@xml:lang | "
        "//meta[translate(@http-equiv, 'CONTENTLAGU', 'contentlagu')='content-language']/@content",
    )


def _parse(html: str) -> HtmlElement | None:
    try:
        tree = trafilatura.load_html(html)
    except (ValueError, TypeError, RecursionError) as err:
        LOGGER.debug("unparseable HTML: %s", err)
        return None
    return tree if isinstance(tree, HtmlElement) else None


def _may_be_too_large(html: str) -> bool:
    """Whether ``html`` is long enough to parse to more than ``MAX_ELEMENTS`` nodes.

    Each node takes at least three characters of markup (``<a>``), and the parser adds
    at most one implied node (a ``<p>``, ``<body>``) per node written: at most two nodes
    per three characters, so a page shorter than 1.5 x the cap cannot exceed it and
    need not be counted (most news pages are shorter).
    """
    return 2 * len(html) >= 3 * MAX_ELEMENTS


def _size(tree: HtmlElement) -> int:
    """Elements, comments and processing instructions in the tree (what ``iter()`` yields)."""
    count = tree.xpath("count(//* | //comment() | //processing-instruction())")
    return int(count) if isinstance(count, float) else 0


#: Control characters (but tab and newlines), replacement character, surrogates and
#: private-use characters: what bytes that are not text decode to.
_GARBAGE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ud800-\uf8ff]")


def _garbled(text: str) -> bool:
    """Text decoded from bytes that were not text (binary, wrong codec beyond repair)."""
    sample = text[:20_000]
    return len(_GARBAGE.findall(sample)) > MAX_GARBLED_SHARE * len(sample)


def _day_from_hint(published: str | None) -> str | None:
    return to_day(published.strip()) if published else None


def _fields(
    page: dict[str, str | None],
    meta: PageMeta,
    found: LazyMeta,
    url: str | None,
    hints: Mapping[str, str],
) -> dict[str, Any]:
    """Title, authors, day, image, site name and description from every source.

    ``page`` holds what was read from the tree (``canonical``, ``h1``, ``title``);
    ``found`` is trafilatura's metadata, searched only for the fields asked of it, so
    each trafilatura fallback below is read only where the declared sources are empty.
    """
    canonical, h1 = page["canonical"], page["h1"]
    site_name = (
        _clean(meta.meta.get("og:site_name")) or meta.jsonld_publisher or _clean(found.sitename)
    )
    declared = meta.headline or meta.meta.get("og:title") or meta.meta.get("twitter:title")
    title = pick_title(
        [declared or _clean(found.title), page["title"]],
        h1,
        site_name,
        canonical or url,
    ) or _clean(hints.get("title"))
    # order chosen on the training split: JSON-LD persons, trafilatura's byline, <meta>
    authors = (
        clean_authors(meta.jsonld_authors)
        or pick_authors(_clean(found.author), meta.meta_authors)
        or pick_authors(meta.jsonld_organisations)
    )
    day = pick_date(meta, to_day(found.date), url) or _day_from_hint(hints.get("published"))
    image = meta.meta.get("og:image") or meta.meta.get("twitter:image") or meta.jsonld_image
    return {
        "canonical_url": canonical,
        "title": title,
        "authors": authors,
        "date": day,
        "image": _absolute(image or _clean(found.image), url or canonical),
        "site_name": site_name,
        "description": _clean(meta.meta.get("description"))
        or _clean(meta.meta.get("og:description"))
        or _clean(found.description),
    }


def extract_article(
    body: bytes | str,
    *,
    url: str | None = None,
    charset: str | None = None,
    hints: Mapping[str, str] | None = None,
) -> ExtractedArticle | NotAnArticle:
    """Extract the main text and metadata of a news page.

    ``hints`` may carry ``title`` and ``published`` (ISO 8601, from the feed); they are
    used only where the page itself lacks a title or a date. Pages that are not
    articles come back as ``NotAnArticle`` with a short reason (``empty``,
    ``too_short``, ``listing``, ``error_page``, ``bot_challenge``, ``cookie_wall``,
    ``paywall``, ``garbled``, ``too_large``, ``extraction_failed``); hostile input
    (garbage, absurd nesting, huge pages) never raises.
    """
    hints = hints or {}
    html = decode_html(body, charset).text if isinstance(body, bytes) else body
    if not html or not html.strip():
        return NotAnArticle(url, "empty")
    if len(html) > MAX_HTML_CHARS:
        LOGGER.info("page of %d characters cut to %d: %s", len(html), MAX_HTML_CHARS, url)
        html = html[:MAX_HTML_CHARS]

    tree = _parse(html)
    if tree is None:
        return NotAnArticle(url, "empty")
    if _may_be_too_large(html) and _size(tree) > MAX_ELEMENTS:
        LOGGER.info("page with more than %d elements rejected: %s", MAX_ELEMENTS, url)
        return NotAnArticle(url, "too_large")

    meta = read_page_meta(tree)
    html_lang = _html_lang(tree)
    anchors = anchor_texts(tree)
    # read from the tree itself (trafilatura extracts from copies and prunes those)
    page = {
        "canonical": _canonical(tree, url),
        "h1": _first(tree, "//h1"),
        "title": _first(tree, "//head/title | //title"),
    }
    headings = linked_headings(tree)
    try:
        extracted = extract_text(tree, url, anchors)
        # trafilatura's searches, each run only if a field needs it (the tree stays intact)
        found = LazyMeta(tree, url, date_params(url))
        fields = _fields(page, meta, found, url, hints)
    except (RecursionError, ValueError, TypeError, AttributeError, IndexError) as err:
        # trafilatura/htmldate failing on a pathological page: a rejection, not a crash
        LOGGER.warning("extraction failed for %s: %r", url, err)
        return NotAnArticle(url, "extraction_failed")
    text = drop_headline_lines(extracted.text, (fields["title"], page["title"], page["h1"]))
    article = ExtractedArticle(url=url, text=text.strip(), **fields)
    raw = extracted.raw

    if not article.text:
        return NotAnArticle(url, "empty", article)
    if _garbled(article.text):
        return NotAnArticle(url, "garbled", article)
    language = detect_language(
        f"{article.title or ''}\n{article.text[:LANGUAGE_SAMPLE_CHARS]}",
        html_lang,
        short_text_model=False,
    )
    article = replace(article, language=language)
    # the CJK threshold is lower: it matters (and the text is counted) only below the other
    short_cjk = len(article.text) < MIN_CHARS and cjk_ratio(article.text) > CJK_SHARE
    signals = PageSignals(
        url, page["title"] or "", page["h1"] or "", article.text, anchors, meta, headings, raw
    )
    reason = classify_page(signals, MIN_CHARS_CJK if short_cjk else MIN_CHARS)
    if reason is not None:
        return NotAnArticle(url, reason, article)
    return article


_PUNCT_OR_SPACE = re.compile(r"[\W_]+")


def content_hash(text: str) -> str:
    """sha256 hex of ``text`` normalised for exact-duplicate detection.

    NFKC, case-folded, and every run of whitespace/punctuation collapsed to one space,
    so the same article text hashes the same whatever its spacing, quotes or dashes.
    """
    normalised = unicodedata.normalize("NFKC", text).casefold()
    normalised = _PUNCT_OR_SPACE.sub(" ", normalised).strip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()
