"""Accounts, sessions, subscriptions and read/starred state, on whichever engine the run
uses."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.serve.conftest import save
from tests.stores import TestStores
from tidings.errors import ConflictError, NotFoundError
from tidings.records import DuplicateArticle, SourceKind, SourceSpec
from tidings.store import Store
from tidings.store.base import ItemFilter

SHARED_TEXT = "The council approved the new budget on Monday after a long debate.\n\nMore."


@dataclass
class World:
    store: Store
    wire: int
    local: int
    other: int
    #: wire articles, oldest first
    wire_articles: list[int]
    local_article: int
    #: the local outlet's copy of the wire's first story (same text)
    copy: int
    other_article: int


@pytest.fixture
def world(stores: TestStores) -> World:
    store = stores.open()
    wire = store.add_source(SourceSpec("https://wire.example/feed", SourceKind.FEED, "Wire"))[0]
    local = store.add_source(SourceSpec("https://local.example/feed", SourceKind.FEED, "Local"))[0]
    other = store.add_source(SourceSpec("https://other.example/feed", SourceKind.FEED, "Other"))[0]
    wire_articles = []
    for day in range(1, 4):
        saved = save(
            store,
            url=f"https://wire.example/{day}",
            source_id=wire.id,
            title=f"Wire {day}",
            text=SHARED_TEXT if day == 1 else f"Wire story {day}.\n\nDetails of day {day}.",
            published_at=f"2026-11-0{day}T10:00:00+00:00",
        )
        wire_articles.append(saved.article_id)
    local_article = save(
        store,
        url="https://local.example/a",
        source_id=local.id,
        title="Local",
        text="A local story about the school fair.",
        published_at="2026-11-04T10:00:00+00:00",
    ).article_id
    copy = save(
        store,
        url="https://local.example/wire-copy",
        source_id=local.id,
        title="Budget approved",
        text=SHARED_TEXT,
        published_at="2026-11-01T11:00:00+00:00",
    )
    assert isinstance(copy, DuplicateArticle) and copy.duplicate_of == wire_articles[0]
    other_article = save(
        store,
        url="https://other.example/x",
        source_id=other.id,
        title="Other",
        text="Something else entirely happened far away.",
        published_at="2026-11-05T10:00:00+00:00",
    ).article_id
    return World(
        store,
        wire.id,
        local.id,
        other.id,
        wire_articles,
        local_article,
        copy.article_id,
        other_article,
    )


def test_accounts_are_unique_by_name_and_keep_their_hashes(world: World) -> None:
    store = world.store
    alice = store.create_account("alice", "hash-a", fever_key="fk-a", is_admin=True)
    assert alice.is_admin and alice.reader.startswith("account-")
    with pytest.raises(ConflictError):
        store.create_account("alice", "other")
    found = store.account_credentials("alice")
    assert found is not None and found[0] == alice and found[1] == "hash-a"
    assert store.account_credentials("nobody") is None
    assert store.account_by_fever_key("fk-a") == alice
    assert store.account_by_fever_key("fk-b") is None
    bob = store.create_account("bob", "hash-b", reader="kept-reader-id")
    assert bob.reader == "kept-reader-id"
    assert [a.username for a in store.list_accounts()] == ["alice", "bob"]
    with pytest.raises(NotFoundError):
        store.get_account(999)


def test_sessions_expire_and_end_with_a_new_password(world: World) -> None:
    store = world.store
    alice = store.create_account("alice", "h")
    store.create_session(
        "t1", alice.id, kind="web", csrf="c1", expires_at="2999-01-01T00:00:00+00:00"
    )
    store.create_session(
        "t2", alice.id, kind="web", csrf="c2", expires_at="2000-01-01T00:00:00+00:00"
    )
    assert store.session("t1", "web") == (alice, "c1")
    assert store.session("t1", "api") is None  # a web cookie is not an app token
    assert store.session("t2", "web") is None  # expired
    store.set_password(alice.id, "h2", None)
    assert store.session("t1", "web") is None
    assert store.account_credentials("alice") == (alice, "h2")
    store.create_session(
        "t3", alice.id, kind="api", csrf="c3", expires_at="2999-01-01T00:00:00+00:00"
    )
    store.delete_session("t3")
    assert store.session("t3", "api") is None


def test_an_account_sees_its_subscriptions_once_each_story(world: World) -> None:
    store = world.store
    alice = store.create_account("alice", "h")
    assert store.reader_items(alice.id, ItemFilter()) == []
    store.subscribe(alice.id, world.wire, folder="News")
    store.subscribe(alice.id, world.local, title="My town", folder="Home")
    subs = store.subscriptions(alice.id)
    assert [(s.source.id, s.display_title, s.folder) for s in subs] == [
        (world.wire, "Wire", "News"),
        (world.local, "My town", "Home"),
    ]
    ids = store.reader_item_ids(alice.id, ItemFilter())
    # newest first; the local copy of the wire story is hidden: its original is here too
    assert ids == [world.local_article, *reversed(world.wire_articles)]
    assert world.copy not in ids and world.other_article not in ids
    # without the wire, the local copy is that account's only version of the story
    bob = store.create_account("bob", "h")
    store.subscribe(bob.id, world.local)
    assert set(store.reader_item_ids(bob.id, ItemFilter())) == {world.local_article, world.copy}
    assert store.reader_item_ids(alice.id, ItemFilter(folder="Home")) == [world.local_article]
    assert store.reader_item_ids(alice.id, ItemFilter(source_ids=(world.wire,), by_id=True)) == (
        sorted(world.wire_articles, reverse=True)
    )
    assert (
        store.reader_item_ids(
            alice.id,
            ItemFilter(after_id=world.wire_articles[0], by_id=True, oldest_first=True, limit=2),
        )
        == world.wire_articles[1:3]
    )
    with pytest.raises(NotFoundError):
        store.subscribe(alice.id, 999)


def test_read_and_starred_state_is_per_account(world: World) -> None:
    store = world.store
    alice, bob = store.create_account("alice", "h"), store.create_account("bob", "h")
    for account in (alice, bob):
        store.subscribe(account.id, world.wire)
    first, second, third = world.wire_articles
    assert store.unread_counts(alice.id)[world.wire][0] == 3
    assert store.set_article_state(alice.id, [first, 999], read=True) == 1
    assert store.set_article_state(alice.id, [second], starred=True) == 1
    items = {i.article.id: i for i in store.reader_items(alice.id, ItemFilter())}
    assert (items[first].read, items[first].starred) == (True, False)
    assert (items[second].read, items[second].starred) == (False, True)
    assert store.reader_item_ids(alice.id, ItemFilter(unread=True)) == [third, second]
    assert store.reader_item_ids(alice.id, ItemFilter(read=True)) == [first]
    assert store.reader_item_ids(alice.id, ItemFilter(starred=True)) == [second]
    assert store.unread_counts(alice.id)[world.wire][0] == 2
    assert store.unread_counts(bob.id)[world.wire][0] == 3  # bob's state is his own
    # starring leaves read as it was; un-reading leaves the star
    store.set_article_state(alice.id, [first], starred=True)
    store.set_article_state(alice.id, [first], read=False)
    items = {i.article.id: i for i in store.reader_items(alice.id, ItemFilter())}
    assert (items[first].read, items[first].starred) == (False, True)
    # starred articles outlive the subscription
    store.unsubscribe(alice.id, world.wire)
    assert store.reader_item_ids(alice.id, ItemFilter()) == []
    assert set(store.reader_item_ids(alice.id, ItemFilter(starred=True))) == {first, second}


def test_mark_read_takes_a_filter_and_counts_what_changed(world: World) -> None:
    store = world.store
    alice = store.create_account("alice", "h")
    store.subscribe(alice.id, world.wire)
    store.subscribe(alice.id, world.local)
    store.set_article_state(alice.id, [world.wire_articles[0]], read=True)
    assert store.mark_read(alice.id, ItemFilter(source_ids=(world.wire,))) == 2
    assert store.mark_read(alice.id, ItemFilter(source_ids=(world.wire,))) == 0
    assert store.unread_counts(alice.id) == {
        world.local: (1, store.get_article(world.local_article).created_at)
    }
    assert store.mark_read(alice.id, ItemFilter(crawled_before="2000-01-01T00:00:00+00:00")) == 0
    assert store.mark_read(alice.id, ItemFilter()) == 1
    assert store.unread_counts(alice.id) == {}


def test_deleting_an_account_takes_its_state_with_it(world: World) -> None:
    store = world.store
    alice = store.create_account("alice", "h")
    store.subscribe(alice.id, world.wire)
    store.set_article_state(alice.id, world.wire_articles, read=True, starred=True)
    store.create_session(
        "t", alice.id, kind="web", csrf="c", expires_at="2999-01-01T00:00:00+00:00"
    )
    store.delete_account(alice.id)
    assert store.session("t", "web") is None
    conn = store._conn()  # type: ignore[attr-defined]  # every SQL engine's connection
    for table in ("subscription", "article_state", "auth_session"):
        assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0
    with pytest.raises(NotFoundError):
        store.delete_account(alice.id)
    # removing a source ends its subscriptions
    bob = store.create_account("bob", "h")
    store.subscribe(bob.id, world.other)
    store.remove_source(world.other)
    assert store.subscriptions(bob.id) == []
