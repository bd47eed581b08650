"""Parse RSS 0.9x/1.0/2.0 and Atom feeds (via feedparser) and JSON Feed (via json).

feedparser is only ever handed a byte stream: given a ``str`` or ``bytes`` it may
fetch a URL or open a local file named by the data. Documents that declare XML
entities are rejected before parsing (no real feed needs them, and they are how
"billion laughs" and XXE payloads work), whatever the expat version underneath.
"""

from __future__ import annotations

import io
import logging
import re
from typing import Any

import feedparser

from tidings.errors import FeedParseError
from tidings.records import FeedEntry, ParsedFeed
from tidings.sources._util import (
    collapse,
    decode_markup,
    html_to_text,
    http_url,
    skip_prolog,
    struct_to_utc_iso,
)
from tidings.sources.jsonfeed import parse_json_feed

log = logging.getLogger(__name__)

_ENTITY_DECL = re.compile(r"<!ENTITY", re.IGNORECASE)
_EMAIL = re.compile(r"(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def parse_feed(body: bytes, url: str) -> ParsedFeed:
    """Parse a feed document fetched from ``url``.

    Entry links are made absolute against ``url``; entries without a usable http(s)
    link are counted in ``skipped``. Raises :class:`FeedParseError` if ``body`` is
    not a feed (empty, an HTML page, garbage, XML of another kind).
    """
    text = decode_markup(body)
    start = skip_prolog(text)
    if start >= len(text):
        raise FeedParseError(f"empty document (or no root element), not a feed ({url})")
    if text[start] in "{[":
        return parse_json_feed(body, url)
    if _ENTITY_DECL.search(text, 0, start):
        raise FeedParseError(f"document declares XML entities; refused for safety ({url})")

    try:
        result = feedparser.parse(
            io.BytesIO(body),
            response_headers={"content-location": url, "content-type": "application/xml"},
            resolve_relative_uris=True,
            sanitize_html=True,
        )
    except Exception as exc:
        # feedparser turns only SAX errors into "bozo" results; an error in its own
        # handlers escapes (a namespace URI holding whitespace: "too many values to
        # unpack"). Whatever it is, the document could not be parsed as a feed.
        raise FeedParseError(f"not a feed: feedparser failed ({exc!r}) ({url})") from exc
    version: str = result.get("version") or ""
    raw_entries: list[Any] = list(result.get("entries") or [])
    problem = result.get("bozo_exception") if result.get("bozo") else None

    if not version and not raw_entries:
        raise FeedParseError(f"{_describe_non_feed(text, start, problem)} ({url})")

    warning = f"{type(problem).__name__}: {problem}" if problem is not None else None
    if warning:
        log.info("feed %s parsed with a problem: %s", url, warning)

    entries: list[FeedEntry] = []
    skipped = 0
    for raw in raw_entries:
        entry = _entry(raw, url)
        if entry is None:
            skipped += 1
        else:
            entries.append(entry)
    if skipped:
        log.info("feed %s: %d entries without a usable link skipped", url, skipped)

    feed = result.get("feed") or {}
    return ParsedFeed(
        title=_text(feed.get("title"), feed.get("title_detail")),
        site_url=http_url(feed.get("link"), url),
        entries=tuple(entries),
        skipped=skipped,
        warning=warning,
    )


def _describe_non_feed(text: str, start: int, problem: object) -> str:
    head = text[start : start + 64].lower()
    if head.startswith("<html") or head.startswith("<!doctype html"):
        return "not a feed: an HTML page"
    if problem is not None:
        return f"not a feed: not well-formed ({problem})"
    if head.startswith("<"):
        match = re.match(r"<([\w:.-]+)", head)
        root = match.group(1) if match else "?"
        return f"not a feed: XML document with root <{root}>, not RSS, RDF or Atom"
    return "not a feed: no RSS, RDF, Atom or JSON Feed content"


def _entry(raw: Any, feed_url: str) -> FeedEntry | None:
    link = http_url(raw.get("link"), feed_url)
    if link is None:
        for candidate in raw.get("links") or []:
            if candidate.get("rel", "alternate") == "alternate":
                link = http_url(candidate.get("href"), feed_url)
                if link:
                    break
    if link is None:
        return None
    published = struct_to_utc_iso(raw.get("published_parsed")) or struct_to_utc_iso(
        raw.get("updated_parsed")
    )
    return FeedEntry(
        url=link,
        title=_text(raw.get("title"), raw.get("title_detail")),
        published=published,
        authors=_authors(raw),
        summary=_summary(raw),
    )


def _text(value: Any, detail: Any) -> str | None:
    """A feedparser text construct as plain text (HTML only stripped when it is HTML)."""
    if not isinstance(value, str):
        return None
    kind = (detail or {}).get("type", "text/plain")
    return html_to_text(value) if kind in _HTML_TYPES else collapse(value)


def _summary(raw: Any) -> str | None:
    summary = raw.get("summary")
    if isinstance(summary, str) and summary.strip():
        return html_to_text(summary)
    for content in raw.get("content") or []:
        value = content.get("value")
        if isinstance(value, str) and value.strip():
            return html_to_text(value)
    return None


def _authors(raw: Any) -> tuple[str, ...]:
    author = raw.get("author")
    authors = raw.get("authors") or []
    if isinstance(author, str) and "@" in author and len(authors) <= 1:
        # feedparser's e-mail regex cuts long TLDs ("desk@x.example (Ana)" gives the
        # name "ple (Ana"), so names next to an address are taken from the raw string.
        name = _name_beside_email(author)
        return (name,) if name else ()
    names: list[str] = []
    for detail in authors:
        name = collapse(detail.get("name")) if hasattr(detail, "get") else None
        if name and name not in names:
            names.append(name)
    if not names and isinstance(author, str) and (fallback := collapse(author)):
        names.append(fallback)
    return tuple(names)


def _name_beside_email(value: str) -> str | None:
    """``"desk@x.example (Ana Ruiz)"`` or ``"Ana Ruiz <desk@x.example>"`` → ``"Ana Ruiz"``."""
    text = _EMAIL.sub("", value)
    text = re.sub(r"\(\s*\)|<\s*>", "", text).strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    return collapse(text)
