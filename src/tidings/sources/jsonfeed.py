"""Parse JSON Feed 1.0 and 1.1 (https://jsonfeed.org), which feedparser 6.0 does not."""

from __future__ import annotations

import json
import logging
from typing import Any

from tidings.errors import FeedParseError
from tidings.records import FeedEntry, ParsedFeed
from tidings.sources._util import collapse, html_to_text, http_url
from tidings.timestamps import utc_iso

log = logging.getLogger(__name__)

JSON_FEED_VERSION_PREFIX = "https://jsonfeed.org/version/"


def parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    """Parse a JSON Feed document; raise :class:`FeedParseError` if it is not one."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise FeedParseError(f"not a feed: invalid JSON ({exc}) ({url})") from exc
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(version, str) or not version.startswith(JSON_FEED_VERSION_PREFIX):
        raise FeedParseError(f"not a feed: JSON without a JSON Feed version ({url})")
    items = data.get("items")
    if not isinstance(items, list):
        raise FeedParseError(f"malformed JSON Feed: 'items' is not a list ({url})")

    feed_authors = _authors(data)
    entries: list[FeedEntry] = []
    skipped = 0
    for item in items:
        entry = _entry(item, url, feed_authors) if isinstance(item, dict) else None
        if entry is None:
            skipped += 1
        else:
            entries.append(entry)
    if skipped:
        log.info("JSON feed %s: %d items without a usable link skipped", url, skipped)
    return ParsedFeed(
        title=collapse(_str(data.get("title"))),
        site_url=http_url(_str(data.get("home_page_url")), url),
        entries=tuple(entries),
        skipped=skipped,
    )


def _entry(item: dict[str, Any], feed_url: str, feed_authors: tuple[str, ...]) -> FeedEntry | None:
    link = http_url(_str(item.get("url")), feed_url) or http_url(
        _str(item.get("external_url")), feed_url
    )
    if link is None:
        return None
    summary = collapse(_str(item.get("summary"))) or collapse(_str(item.get("content_text")))
    if summary is None:
        summary = html_to_text(_str(item.get("content_html")))
    return FeedEntry(
        url=link,
        title=collapse(_str(item.get("title"))),
        published=utc_iso(_str(item.get("date_published")))
        or utc_iso(_str(item.get("date_modified"))),
        # Per the spec, items without authors inherit the feed's.
        authors=_authors(item) or feed_authors,
        summary=summary,
    )


def _authors(obj: dict[str, Any]) -> tuple[str, ...]:
    """Names from ``authors`` (1.1) or ``author`` (1.0)."""
    raw = obj.get("authors")
    people = raw if isinstance(raw, list) else [obj.get("author")]
    names: list[str] = []
    for person in people:
        name = collapse(_str(person.get("name"))) if isinstance(person, dict) else None
        if name and name not in names:
            names.append(name)
    return tuple(names)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None
