"""Article extraction: main text and metadata of a news page.

The heavy lifting is trafilatura (main text, metadata) and htmldate (publication day,
run inside trafilatura's metadata pass with ``extensive_search`` and ``original_date``).
This module decodes the bytes, parses the page once, adds what those libraries leave
rough (canonical URL, title without the site suffix, clean author list, absolute image
URL, language) and turns pages that are not articles into ``NotAnArticle`` records.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml.html import HtmlElement

from tidings.extract.encoding import decode_html
from tidings.extract.language import cjk_ratio, detect_language
from tidings.records import ExtractedArticle, NotAnArticle

__all__ = ["content_hash", "extract_article"]

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
#: A link text shorter than this (letters and digits) is navigation, not a headline.
MIN_ANCHOR_CHARS = 8
#: Above this share of link-text lines, the page is a listing (index, section front).
MAX_LINK_TEXT_SHARE = 0.5
#: A short page with at least this many links of headline length is a listing.
MIN_HEADLINE_CHARS = 15
MIN_LISTING_HEADLINES = 8

#: trafilatura settings, chosen by F1 on the ScrapingHub benchmark (bench/extraction_speed.py).
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "favor_precision": True,
    "favor_recall": False,
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "include_formatting": False,
    "deduplicate": False,
}

_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•|»|/)\s+|\s*[｜：]\s*|\s+\|")
_DATE_PART = re.compile(r"^[\d\s./\-]+$")
_WORDS = re.compile(r"\w+")
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_BY_PREFIX = re.compile(r"^(?:by|from|von|par|por|di|door)\s*[:\-]?\s+", re.IGNORECASE)
_JUNK_AUTHORS = frozenset(
    {
        "by",
        "staff",
        "admin",
        "administrator",
        "author",
        "authors",
        "editor",
        "editors",
        "editorial",
        "editorial staff",
        "editorial team",
        "staff writer",
        "staff writers",
        "staff reporter",
        "news desk",
        "newsdesk",
        "web desk",
        "web team",
        "digital desk",
        "anonymous",
        "unknown",
        "guest",
        "guest author",
        "team",
        "redaktion",
        "n/a",
        "none",
        "null",
    }
)
_MAX_AUTHOR_CHARS = 80
_MAX_AUTHOR_WORDS = 6


# --- helpers -------------------------------------------------------------------


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


_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _squash(text: str) -> str:
    """Lower-case letters and digits only, accents dropped (for comparing names)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def _site_names(site_name: str | None, url: str | None) -> list[str]:
    names: set[str] = set()
    for name in (site_name, _host_label(url)):
        if name:
            names.add(_squash(name))
            names.add(_squash(name.casefold().translate(_TRANSLIT)))
            # "Tageblatt.lu", "MDR.DE": the name without its domain suffix
            names.add(_squash(re.sub(r"\.[a-z]{2,6}$", "", name.casefold())))
    return [name for name in names if name]


def _host_label(url: str | None) -> str | None:
    """``www.theguardian.com`` → ``theguardian``."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    labels = [label for label in host.split(".") if label]
    if len(labels) < 2:
        return None
    # skip second-level public suffixes such as co.uk / com.au
    if len(labels) >= 3 and labels[-2] in ("co", "com", "org", "net", "gov", "ac", "ne", "or"):
        return labels[-3]
    return labels[-2]


def _is_site_name(part: str, names: list[str]) -> bool:
    squashed = _squash(part)
    if not squashed:
        return False
    for name in names:
        short, long = sorted((squashed, name), key=len)
        if short == long or (len(short) >= 3 and short in long):
            return True
    return False


def strip_site_suffix(title: str, site_name: str | None, url: str | None) -> str:
    """Drop a ``" | Site Name"`` suffix (or prefix) when it names the site.

    Also drops a date after the site name (``"Title – DW – 13.06.2023"``) and a site
    name that itself contains separators (``"Title - Israel Nachrichten - Chadashoth"``).
    """
    names = _site_names(site_name, url)
    if not names:
        return title
    if site_name and len(site_name) >= 3:
        lowered, suffix = title.casefold(), site_name.casefold()
        if lowered.endswith(suffix) and len(lowered) > len(suffix):
            head = title[: len(title) - len(suffix)]
            match = _TITLE_SEPARATORS.search(head)
            if match and match.end() == len(head) and match.start() > 0:
                return head[: match.start()].strip()
    for _ in range(3):
        seps = list(_TITLE_SEPARATORS.finditer(title))
        if not seps:
            break
        last = title[seps[-1].end() :]
        if _is_site_name(last, names):
            title = title[: seps[-1].start()].rstrip()
            continue
        if _DATE_PART.match(last) and len(seps) >= 2:
            before = title[seps[-2].end() : seps[-1].start()]
            if _is_site_name(before, names):
                title = title[: seps[-2].start()].rstrip()
                continue
        break
    seps = list(_TITLE_SEPARATORS.finditer(title))
    if seps and _is_site_name(title[: seps[0].start()], names):
        title = title[seps[0].end() :].lstrip()
    return title


def clean_authors(raw: str | None) -> tuple[str, ...]:
    """Split trafilatura's ``"A; B"`` and drop what is not a person or an outlet byline."""
    if not raw:
        return ()
    seen: set[str] = set()
    authors: list[str] = []
    for piece in re.split(r";|\s+\|\s+", raw):
        name = _clean(piece)
        if not name:
            continue
        name = _BY_PREFIX.sub("", name).strip(" ,.:-")
        lowered = name.lower()
        if (
            not name
            or lowered in _JUNK_AUTHORS
            or _EMAIL.search(name)
            or "http" in lowered
            or "www." in lowered
            or len(name) > _MAX_AUTHOR_CHARS
            or len(name.split()) > _MAX_AUTHOR_WORDS
            or not any(ch.isalpha() for ch in name)
        ):
            continue
        if lowered not in seen:
            seen.add(lowered)
            authors.append(name)
    return tuple(authors)


def _day_from_hint(published: str | None) -> str | None:
    if not published:
        return None
    candidate = published.strip()[:10]
    try:
        return date.fromisoformat(candidate).isoformat()
    except ValueError:
        return None


def _valid_day(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


# --- page metadata that trafilatura does not give (or gives raw) -----------------


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


def _date_params() -> dict[str, Any]:
    return {
        "extensive_search": True,
        "original_date": True,
        "outputformat": "%Y-%m-%d",
        "max_date": datetime.now().astimezone().strftime("%Y-%m-%d"),
    }


def _parse(html: str) -> HtmlElement | None:
    try:
        tree = trafilatura.load_html(html)
    except (ValueError, TypeError, RecursionError) as err:
        LOGGER.debug("unparseable HTML: %s", err)
        return None
    return tree if isinstance(tree, HtmlElement) else None


#: Share of replacement/control/unassigned characters above which text is garbage.
MAX_GARBLED_SHARE = 0.02


def _anchor_texts(tree: HtmlElement) -> set[str]:
    """Normalised texts of the page's links (long enough to be headlines)."""
    texts = set()
    for anchor in tree.iter("a"):
        text = _squash(anchor.text_content())
        if len(text) >= MIN_ANCHOR_CHARS:
            texts.add(text)
    return texts


def _is_home_page(url: str | None) -> bool:
    """A site's front page (``/``, ``/index.html``) lists articles; it is not one."""
    if not url:
        return False
    path = urlsplit(url).path.lower()
    return path in ("", "/") or bool(re.fullmatch(r"/(index|default|home)\.\w+", path))


def _link_text_share(text: str, anchors: set[str]) -> float:
    """Share of the extracted text made of lines that are link texts on the page.

    An index or section page extracts to a list of headlines, each a link; an
    article's paragraphs are almost never entirely a link.
    """
    lines = [_squash(line) for line in text.splitlines()]
    total = sum(len(line) for line in lines)
    if not total or not anchors:
        return 0.0
    linked = sum(len(line) for line in lines if line in anchors)
    return linked / total


def _garbled(text: str) -> bool:
    """Text decoded from bytes that were not text (binary, wrong codec beyond repair)."""
    sample = text[:20_000]
    bad = sum(
        1
        for ch in sample
        if ch == "\ufffd"
        or (unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and ch not in "\n\r\t")
    )
    return bad > MAX_GARBLED_SHARE * len(sample)


# --- public API ----------------------------------------------------------------


def extract_article(
    body: bytes | str,
    *,
    url: str | None = None,
    charset: str | None = None,
    hints: Mapping[str, str] | None = None,
) -> ExtractedArticle | NotAnArticle:
    """Extract the main text and metadata of a news page.

    ``hints`` may carry ``title`` and ``published`` (ISO 8601, from the feed); they are
    used only where the page itself lacks a title or a date. Pages without enough text
    come back as ``NotAnArticle`` with reason ``empty`` or ``too_short``; hostile input
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
    if sum(1 for _ in tree.iter()) > MAX_ELEMENTS:
        LOGGER.info("page with more than %d elements rejected: %s", MAX_ELEMENTS, url)
        return NotAnArticle(url, "too_large")

    canonical = _canonical(tree, url)
    html_lang = _html_lang(tree)
    anchors = _anchor_texts(tree)
    h1 = _first(tree, "//h1")
    head_title = _first(tree, "//head/title | //title")

    try:
        document = trafilatura.bare_extraction(
            tree,
            url=url,
            with_metadata=True,
            date_extraction_params=_date_params(),
            **TRAFILATURA_OPTIONS,
        )
    except (RecursionError, ValueError, TypeError, AttributeError, IndexError) as err:
        # trafilatura/htmldate failing on a pathological page: a rejection, not a crash
        LOGGER.warning("extraction failed for %s: %r", url, err)
        return NotAnArticle(url, "extraction_failed")

    meta: dict[str, Any] = {}
    if document is not None:
        meta = document if isinstance(document, dict) else document.as_dict()

    site_name = _clean(meta.get("sitename"))
    base = url or canonical
    title = _clean(meta.get("title")) or h1 or head_title or _clean(hints.get("title"))
    if title:
        title = strip_site_suffix(title, site_name, canonical or url) or title

    article = ExtractedArticle(
        url=url,
        canonical_url=canonical,
        title=title,
        text=(meta.get("text") or "").strip(),
        authors=clean_authors(_clean(meta.get("author"))),
        date=_valid_day(meta.get("date")) or _day_from_hint(hints.get("published")),
        language=None,
        image=_absolute(_clean(meta.get("image")), base),
        site_name=site_name,
        description=_clean(meta.get("description")),
    )

    if not article.text:
        return NotAnArticle(url, "empty", article)
    if _garbled(article.text):
        return NotAnArticle(url, "garbled", article)
    if _is_home_page(url) or _link_text_share(article.text, anchors) > MAX_LINK_TEXT_SHARE:
        return NotAnArticle(url, "listing", article)
    language = detect_language(f"{title or ''}\n{article.text}", html_lang)
    article = replace(article, language=language)
    cjk = cjk_ratio(article.text) > CJK_SHARE
    if len(article.text) < (MIN_CHARS_CJK if cjk else MIN_CHARS):
        # Little text of its own but many headline links: an index or section page.
        headlines = sum(1 for text in anchors if len(text) >= MIN_HEADLINE_CHARS)
        reason = "listing" if headlines >= MIN_LISTING_HEADLINES else "too_short"
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
