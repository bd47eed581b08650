"""What an account sees in the reader apps (Google Reader, Fever): its subscriptions'
articles, one of each cross-feed duplicate, and, wherever they came from, the articles
it starred. The store selects either (``ItemFilter(starred=...)``); the reader APIs
want both, once each."""

from __future__ import annotations

from dataclasses import replace

from tidings.records import ReaderItem
from tidings.store.base import ItemFilter, Store


def visible_items(store: Store, account_id: int, where: ItemFilter) -> list[ReaderItem]:
    """The articles ``where`` selects among those the account sees, one entry each,
    by id (newest first unless ``where.oldest_first``), at most ``where.limit``.

    Each side is asked with the same limit, so the merged first ``limit`` are right;
    an ``offset`` could not be (it would skip on each side): page by id instead."""
    if where.offset:
        raise ValueError("visible items are paged by id (after_id/before_id), not offset")
    merged: dict[int, ReaderItem] = {}
    for side in (where, replace(where, starred=True)):
        for entry in store.reader_items(account_id, side):
            merged.setdefault(entry.article.id, entry)
    ordered = sorted(merged.values(), key=lambda e: e.article.id, reverse=not where.oldest_first)
    return ordered if where.limit is None else ordered[: where.limit]


def visible_ids(store: Store, account_id: int, where: ItemFilter) -> list[int]:
    """The ids of :func:`visible_items`, ascending, without reading any article."""
    ids = set(store.reader_item_ids(account_id, where))
    ids.update(store.reader_item_ids(account_id, replace(where, starred=True)))
    return sorted(ids)
