"""Stream ids and the stream queries (``n``, ``xt``, ``it``, ``ot``, ``nt``, ``r``,
``c``) of the Google Reader API, turned into the store's :class:`ItemFilter`.

A stream is a feed (``feed/<source id>``), a folder (``user/-/label/<name>``) or a
state (``user/-/state/com.google/reading-list``, ``starred`` or ``read``); ``-``
may also be spelled as the account's numeric id. Streams are listed newest crawled
first (article ids grow with crawl time), and the continuation is the id of the last
item given, so paging is stable while new articles arrive.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal, TypeVar

from tidings.errors import InvalidURLError
from tidings.records import ReaderItem
from tidings.serve import visible
from tidings.serve.googlereader.middleware import Params, bad_request
from tidings.serve.googlereader.response import (
    FEED_PREFIX,
    LABEL_PREFIX,
    READ,
    STARRED,
    STATE_PREFIX,
    parse_item_id,
)
from tidings.store.base import ItemFilter, Store
from tidings.urls import canonical_url

Row = TypeVar("Row")

StreamKind = Literal["feed", "label", "reading-list", "starred", "read"]
#: ``stream/items/ids`` lists at most this many ids a call.
MAX_IDS = 10000
#: ``stream/contents`` gives at most this many whole articles a call.
MAX_CONTENTS = 1000
#: At most this many item ids in one ``i`` list.
MAX_ITEM_IDS = 10000
DEFAULT_COUNT = 20
MAX_LABEL = 200
_USER = re.compile(r"user/(-|[0-9]+)/")
_STATES: dict[str, StreamKind] = {
    "reading-list": "reading-list",
    "starred": "starred",
    "read": "read",
}


@dataclass(frozen=True)
class Stream:
    """A parsed stream id: its kind, and the source id or folder it names."""

    id: str
    kind: StreamKind
    source_id: int | None = None
    folder: str | None = None
    #: A ``feed/`` stream naming a URL instead of a source id (only to subscribe).
    url: str | None = None

    def where(self) -> ItemFilter:
        """The articles of this stream."""
        if self.kind == "feed":
            return ItemFilter(source_ids=(self.source_id or 0,))
        if self.kind == "label":
            return ItemFilter(folder=self.folder)
        if self.kind == "starred":
            return ItemFilter(starred=True)
        if self.kind == "read":
            return ItemFilter(read=True)
        return ItemFilter()


def normalize(stream_id: str, account_id: int) -> str:
    """``user/<own id>/...`` spelled ``user/-/...``; other ids are left to fail."""
    match = _USER.match(stream_id)
    if match and match.group(1) == str(account_id):
        return "user/-/" + stream_id[match.end() :]
    return stream_id


def parse_stream(stream_id: str, account_id: int, *, allow_url: bool = False) -> Stream:
    """The stream ``stream_id`` names, else 400 (``allow_url``: ``feed/<url>`` too)."""
    value = normalize(stream_id.strip(), account_id)
    if value.startswith(FEED_PREFIX):
        rest = value[len(FEED_PREFIX) :]
        if rest.isascii() and rest.isdigit() and len(rest) <= 18:
            return Stream(value, "feed", source_id=int(rest))
        if allow_url and rest.startswith(("http://", "https://")):
            try:
                return Stream(value, "feed", url=canonical_url(rest))
            except InvalidURLError as exc:
                raise bad_request(f"not a feed URL: {exc.message}") from exc
    elif value.startswith(LABEL_PREFIX):
        return Stream(value, "label", folder=label_name(value))
    elif value.startswith(STATE_PREFIX) and value[len(STATE_PREFIX) :] in _STATES:
        return Stream(value, _STATES[value[len(STATE_PREFIX) :]])
    raise bad_request(f"unknown stream: {stream_id[:200]}")


def label_name(stream_id: str) -> str:
    """The folder of a ``user/-/label/<name>`` stream id, else 400."""
    if not stream_id.startswith(LABEL_PREFIX):
        raise bad_request(f"not a label: {stream_id[:200]}")
    name = stream_id[len(LABEL_PREFIX) :].strip()
    if not name or len(name) > MAX_LABEL:
        raise bad_request(f"a label name is 1 to {MAX_LABEL} characters")
    return name


def parse_int(params: Params, name: str, default: int | None = None) -> int | None:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"-?[0-9]{1,20}", raw):
        raise bad_request(f"{name} must be an integer, not {raw[:50]!r}")
    return int(raw)


def iso_of_epoch(seconds: float, name: str) -> str:
    """A Unix time as the store's ISO timestamps, else 400 (out of range)."""
    try:
        return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")
    except (OverflowError, OSError, ValueError) as exc:
        raise bad_request(f"{name} is out of range") from exc


def item_ids(params: Params) -> list[int]:
    """The ``i`` list (either id spelling, duplicates dropped), else 400."""
    values = params.getlist("i")
    if not values:
        raise bad_request("give at least one item id (i)")
    if len(values) > MAX_ITEM_IDS:
        raise bad_request(f"at most {MAX_ITEM_IDS} item ids a call")
    try:
        return list(dict.fromkeys(parse_item_id(v) for v in values))
    except ValueError as exc:
        raise bad_request(str(exc)) from exc


@dataclass(frozen=True)
class StreamQuery:
    """What one ``stream/items/ids`` or ``stream/contents`` call asks for."""

    stream: Stream
    where: ItemFilter
    count: int
    #: ``it=starred`` on a feed or a folder: the store's starred filter spans every
    #: source, so this one is intersected here.
    starred_within: bool = False


def parse_query(stream: Stream, params: Params, *, cap: int) -> StreamQuery:
    where = stream.where()
    starred_within = False
    for target in params.getlist("xt"):
        if target.strip() != READ:
            raise bad_request(f"only {READ} can be excluded (xt), not {target[:200]!r}")
        where = replace(where, unread=True)
    for target in params.getlist("it"):
        if target.strip() == READ:
            where = replace(where, read=True)
        elif target.strip() == STARRED:
            if stream.kind in ("feed", "label"):
                starred_within = True
            else:
                where = replace(where, starred=True)
        else:
            raise bad_request(f"only {READ} or {STARRED} can be included (it)")
    older = parse_int(params, "ot")
    if older is not None:
        where = replace(where, crawled_after=iso_of_epoch(older, "ot"))
    newer = parse_int(params, "nt")
    if newer is not None:
        # crawl times are whole seconds: before nt is at or before nt - 1
        where = replace(where, crawled_before=iso_of_epoch(newer - 1, "nt"))
    count = parse_int(params, "n", DEFAULT_COUNT) or 0
    if count < 1:
        raise bad_request("n must be at least 1")
    order = params.get("r", "").strip()
    if order not in ("", "n", "d", "o"):
        raise bad_request("r is o (oldest first) or d (newest first)")
    where = replace(where, by_id=True, oldest_first=order == "o")
    continuation = params.get("c", "").strip()
    if continuation:
        if not (continuation.isascii() and continuation.isdigit() and len(continuation) <= 18):
            raise bad_request("c must be a continuation given by an earlier call, unchanged")
        last = int(continuation)
        where = replace(where, after_id=last) if order == "o" else replace(where, before_id=last)
    return StreamQuery(stream, where, min(count, cap), starred_within)


def stream_page(
    store: Store,
    account_id: int,
    query: StreamQuery,
    read: Callable[[int, ItemFilter], Sequence[Row]],
    id_of: Callable[[Row], int],
) -> tuple[list[Row], str | None]:
    """A page of the stream, each row as ``read`` gives it (``store.reader_items`` for
    contents, ``store.reader_item_times`` for ids), and the continuation for the next
    page (None when this is the last)."""
    count = query.count
    if not query.starred_within:
        rows = list(read(account_id, replace(query.where, limit=count + 1)))
        more = len(rows) > count
        rows = rows[:count]
    else:
        in_stream = store.reader_item_ids(account_id, query.where)
        starred = set(store.reader_item_ids(account_id, ItemFilter(starred=True)))
        ids = [i for i in in_stream if i in starred]
        more = len(ids) > count
        page = ids[:count]
        found = read(account_id, ItemFilter(ids=tuple(page), starred=True))
        by_id = {id_of(row): row for row in found}
        rows = [by_id[i] for i in page if i in by_id]
    return rows, (str(id_of(rows[-1])) if more and rows else None)


def visible_items(store: Store, account_id: int, ids: list[int]) -> list[ReaderItem]:
    """The articles among ``ids`` the account can see (its subscriptions' and what it
    starred: ``serve.visible``), in the order asked."""
    found = {
        entry.article.id: entry
        for entry in visible.visible_items(store, account_id, ItemFilter(ids=tuple(ids)))
    }
    return [found[i] for i in ids if i in found]


def visible_ids(store: Store, account_id: int, ids: list[int]) -> list[int]:
    """Only the ids of :func:`visible_items` (no article is read)."""
    seen = set(visible.visible_ids(store, account_id, ItemFilter(ids=tuple(ids))))
    return [i for i in ids if i in seen]
