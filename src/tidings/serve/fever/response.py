"""The Fever API's JSON shapes and id encodings (https://feedafever.com/api).

Clients parse these strictly: booleans are the integers 0 and 1, times are Unix
seconds (integers), and id lists (``feed_ids``, ``unread_item_ids``,
``saved_item_ids``) are comma-separated *strings*, not arrays.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from typing import TypedDict

from tidings.records import ReaderItem, Subscription
from tidings.serve.sanitize import text_as_html
from tidings.timestamps import parse_timestamp

API_VERSION = 3
#: At most this many items per ``items`` call, and per ``with_ids`` list.
MAX_ITEMS = 50
#: Tidings keeps no favicons, so every feed gets this 1-pixel grey GIF (the one the
#: Fever documentation shows): clients need a ``favicons`` entry for each
#: ``favicon_id`` they were given.
PLACEHOLDER_FAVICON = (
    "image/gif;base64,R0lGODlhAQABAIAAAObm5gAAACH5BAEHAAAALAAAAAABAAEAAAICRAEAOw=="
)
#: The group id of "Kindling", every subscription (only in ``mark=group``).
ALL_GROUP = 0
#: The group id of "Sparks" (Fever's hot links); Tidings has none, so it is empty.
SPARKS_GROUP = -1


class Group(TypedDict):
    id: int
    title: str


class FeedsGroup(TypedDict):
    group_id: int
    feed_ids: str


class Feed(TypedDict):
    id: int
    favicon_id: int
    title: str
    url: str
    site_url: str
    is_spark: int
    last_updated_on_time: int


class Favicon(TypedDict):
    id: int
    data: str


class Item(TypedDict):
    id: int
    feed_id: int
    title: str
    author: str
    html: str
    url: str
    is_saved: int
    is_read: int
    created_on_time: int


def group_id(folder: str) -> int:
    """A folder's group id: the CRC-32 of its UTF-8 name, as a positive 31-bit int.

    Tidings stores folders as names only, and Fever clients cache group ids, so the id
    must be the same on every call and every server process: a hash of the name is.
    0 is Kindling (all feeds), so a name hashing to 0 gets 1. Two of one account's
    folders sharing an id is a 1-in-2**31 chance per pair; renaming a folder gives it
    a new id, as deleting and re-creating a group would.
    """
    return (zlib.crc32(folder.encode()) & 0x7FFFFFFF) or 1


def unix_time(timestamp: str | None) -> int:
    """An ISO 8601 time as Unix seconds; 0 when there is none."""
    parsed = parse_timestamp(timestamp)
    return int(parsed.timestamp()) if parsed else 0


def id_string(ids: Iterable[int]) -> str:
    return ",".join(str(i) for i in ids)


def unauthenticated() -> dict[str, object]:
    """The whole answer to a missing or wrong key: clients show a login error on it."""
    return {"api_version": API_VERSION, "auth": 0}


def envelope(subscriptions: Sequence[Subscription]) -> dict[str, object]:
    """What every authenticated answer starts with."""
    refreshed = [unix_time(s.source.last_fetched_at) for s in subscriptions]
    return {
        "api_version": API_VERSION,
        "auth": 1,
        "last_refreshed_on_time": max(refreshed, default=0),
    }


def folders(subscriptions: Sequence[Subscription]) -> dict[int, str]:
    """Group id -> folder name, for the folders the subscriptions are in."""
    names = sorted({s.folder for s in subscriptions if s.folder}, key=str.casefold)
    return {group_id(name): name for name in names}


def groups(subscriptions: Sequence[Subscription]) -> list[Group]:
    return [Group(id=gid, title=name) for gid, name in folders(subscriptions).items()]


def feeds_groups(subscriptions: Sequence[Subscription]) -> list[FeedsGroup]:
    """Which feeds each group holds (a feed in no folder is in no group: clients list
    it under Kindling only)."""
    members: dict[int, list[int]] = {}
    for sub in subscriptions:
        if sub.folder:
            members.setdefault(group_id(sub.folder), []).append(sub.source.id)
    return [FeedsGroup(group_id=gid, feed_ids=id_string(ids)) for gid, ids in members.items()]


def feed(sub: Subscription) -> Feed:
    source = sub.source
    return Feed(
        id=source.id,
        favicon_id=source.id,
        title=sub.display_title,
        url=source.url,
        site_url=source.site_url or source.url,
        is_spark=0,
        last_updated_on_time=unix_time(source.last_fetched_at),
    )


def favicon(sub: Subscription) -> Favicon:
    return Favicon(id=sub.source.id, data=PLACEHOLDER_FAVICON)


def item(entry: ReaderItem) -> Item:
    article = entry.article
    return Item(
        id=article.id,
        feed_id=article.source_id or 0,
        title=article.title or "",
        author=", ".join(article.authors),
        html=text_as_html(article.text),
        url=article.url,
        is_saved=int(entry.starred),
        is_read=int(entry.read),
        # Fever's item time is when it was published; crawl time when that is unknown
        created_on_time=unix_time(article.published_at or article.created_at),
    )
