"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1).

An item's ``url`` is the original article, as the Atom entry's ``alternate`` link is
(``tidings.sources`` follows ``url`` first, so one Tidings can follow another the same
way in both formats); ``external_url`` is its page on this Tidings. Optional fields
without a value are left out rather than written as null, as the spec asks.
"""

from __future__ import annotations

import json

from tidings.serve.syndication.entries import Entry, Feed

MEDIA_TYPE = "application/feed+json; charset=utf-8"
VERSION = "https://jsonfeed.org/version/1.1"


def write_json_feed(feed: Feed) -> bytes:
    """The feed as a JSON Feed document (UTF-8, non-ASCII text kept as it is)."""
    document = {
        "version": VERSION,
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.self_url,
        "items": [_item(entry) for entry in feed.entries],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


def _item(entry: Entry) -> dict[str, object]:
    item: dict[str, object] = {
        "id": entry.id,
        "url": entry.url,
        "external_url": entry.reader_url,
        "title": entry.title,
        "content_html": entry.content_html,
        "summary": entry.summary,
        "date_published": entry.published,
        "date_modified": entry.updated,
        "authors": [{"name": name} for name in entry.authors],
        "language": entry.language,
        "image": entry.image,
        "tags": [entry.topic] if entry.topic else None,
    }
    return {key: value for key, value in item.items() if value is not None}
