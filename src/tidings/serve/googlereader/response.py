"""The Google Reader API's JSON shapes and id spellings.

Clients parse these strictly: ids and microsecond/millisecond times are *strings*,
``published``/``updated`` are integer Unix seconds, and an item id is spelled either
long (``tag:google.com,2005:reader/item/`` and 16 hex digits) or short (the same
number in decimal). Item ids are Tidings' article ids and ``feed/<n>`` the source ids.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tidings.records import ReaderItem, Subscription
from tidings.serve.sanitize import text_as_html
from tidings.timestamps import parse_timestamp

ITEM_ID_PREFIX = "tag:google.com,2005:reader/item/"
FEED_PREFIX = "feed/"
LABEL_PREFIX = "user/-/label/"
STATE_PREFIX = "user/-/state/com.google/"
READING_LIST = STATE_PREFIX + "reading-list"
STARRED = STATE_PREFIX + "starred"
READ = STATE_PREFIX + "read"
KEPT_UNREAD = STATE_PREFIX + "kept-unread"

_LONG_ID = re.compile(re.escape(ITEM_ID_PREFIX) + r"([0-9a-fA-F]{1,16})")
_SHORT_ID = re.compile(r"[0-9]{1,19}")
#: Article ids are SQLite rowids: positive and below 2**63.
_MAX_ID = 2**63 - 1

JSON = dict[str, Any]


def parse_item_id(value: str) -> int:
    """An article id from either spelling; raises ``ValueError`` for anything else."""
    value = value.strip()
    long = _LONG_ID.fullmatch(value)
    if long:
        number = int(long.group(1), 16)
    elif _SHORT_ID.fullmatch(value):
        number = int(value)
    else:
        raise ValueError(f"not an item id: {value[:100]!r}")
    if not 0 < number <= _MAX_ID:
        raise ValueError(f"not an item id: {value[:100]!r}")
    return number


def long_item_id(article_id: int) -> str:
    return f"{ITEM_ID_PREFIX}{article_id:016x}"


def feed_stream_id(source_id: int | None) -> str:
    return f"{FEED_PREFIX}{source_id}" if source_id is not None else ""


def label_stream_id(folder: str) -> str:
    return LABEL_PREFIX + folder


def epoch_seconds(iso: str | None) -> int:
    """Unix seconds of an ISO time (0 when missing or unparsable)."""
    parsed = parse_timestamp(iso)
    return int(parsed.timestamp()) if parsed else 0


def usec(iso: str | None) -> str:
    """Microseconds since the epoch, as the string the protocol wants."""
    return str(epoch_seconds(iso) * 1_000_000)


def subscription(sub: Subscription) -> JSON:
    return {
        "id": feed_stream_id(sub.source.id),
        "title": sub.display_title,
        "categories": (
            [{"id": label_stream_id(sub.folder), "label": sub.folder}] if sub.folder else []
        ),
        "url": sub.source.url,
        "htmlUrl": sub.source.site_url or sub.source.url,
        "iconUrl": "",
    }


def item_ref(article_id: int, crawled_at: str) -> JSON:
    return {"id": str(article_id), "directStreamIds": [], "timestampUsec": usec(crawled_at)}


def item(entry: ReaderItem, subscriptions: Mapping[int, Subscription]) -> JSON:
    """One article as ``stream/contents`` and ``stream/items/contents`` show it.

    ``subscriptions`` (by source id) give the origin's title and the item's folder; a
    starred article of a feed no longer subscribed to keeps the source's own title.
    """
    article = entry.article
    sub = subscriptions.get(article.source_id) if article.source_id is not None else None
    published = epoch_seconds(article.published_at or article.created_at)
    crawled = epoch_seconds(article.created_at)
    categories = [READING_LIST]
    if entry.read:
        categories.append(READ)
    if entry.starred:
        categories.append(STARRED)
    if sub is not None and sub.folder:
        categories.append(label_stream_id(sub.folder))
    return {
        "id": long_item_id(article.id),
        "crawlTimeMsec": str(crawled * 1000),
        "timestampUsec": str(crawled * 1_000_000),
        "published": published,
        "updated": published,
        "title": article.title or "",
        "canonical": [{"href": article.url}],
        "alternate": [{"href": article.url, "type": "text/html"}],
        "summary": {"direction": "ltr", "content": text_as_html(article.text)},
        "author": ", ".join(article.authors),
        "origin": {
            "streamId": feed_stream_id(article.source_id),
            "title": sub.display_title if sub else (article.source_title or ""),
            "htmlUrl": (sub.source.site_url or sub.source.url) if sub else "",
        },
        "categories": categories,
    }
