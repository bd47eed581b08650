"""The store's behaviour on whichever engine the run uses (SQLite, or PostgreSQL with
``TIDINGS_TEST_DATABASE_URL``): sources, the frontier, articles and their duplicates,
events, analyses and stories."""

from __future__ import annotations

import time

import pytest

from tests.stores import TestStores
from tidings.errors import NotFoundError
from tidings.records import ArticleSaved, DuplicateArticle, ExtractedArticle, SourceKind, SourceSpec
from tidings.store import NewURL, Store


def article(title: str, text: str | None = None, date: str | None = None) -> ExtractedArticle:
    return ExtractedArticle(
        url=None, canonical_url=None, title=title, text=text or f"{title} body", date=date
    )


def save(
    store: Store, url: str, title: str, published: str | None = None, text: str | None = None
) -> object:
    return store.save_article(
        article(title, text),
        url=url,
        source_id=None,
        fetch_id=None,
        published_at=published,
        content_hash=f"hash:{text or title}",
    )


def test_sources_are_idempotent_and_removable(stores: TestStores) -> None:
    store = stores.open()
    spec = SourceSpec(url="http://a.example/feed", kind=SourceKind.FEED)
    first, created = store.add_source(spec)
    second, created_again = store.add_source(spec)
    assert created and not created_again and first.id == second.id
    assert len(store.list_sources()) == 1
    store.remove_source(first.id)
    assert store.list_sources() == []
    with pytest.raises(NotFoundError):
        store.get_source(first.id)


def test_frontier_claims_each_url_once_and_skips_busy_hosts(stores: TestStores) -> None:
    store = stores.open()
    urls = [NewURL(f"http://{h}/p{i}", h, SourceKind.PAGE) for h in ("a", "b") for i in range(2)]
    assert store.enqueue(urls) == 4
    assert store.enqueue(urls) == 0  # de-duplicated
    now = time.time()
    first = store.claim([], now)
    assert first is not None and first.host == "a"
    other = store.claim(["a"], now)
    assert other is not None and other.host == "b"
    store.retry_later(other.id, not_before=now + 60, error="429")
    nxt = store.claim(["a"], now)
    assert nxt is not None and nxt.url == "http://b/p1"
    assert store.claim(["a", "b"], now) is None
    store.complete(first.id, etag='"x"')
    assert store.frontier_counts() == {"queued": 2, "in_progress": 1, "done": 1, "failed": 0}
    assert store.next_due() is not None
    # A new run re-queues what a dead run left in progress.
    assert store.start_run() == 3


def test_frontier_partitions_split_hosts_between_workers(stores: TestStores) -> None:
    store = stores.open()
    hosts = [f"h{i}.example" for i in range(12)]
    store.enqueue([NewURL(f"http://{h}/p{i}", h, SourceKind.PAGE) for h in hosts for i in range(3)])
    now = time.time()
    claimed: list[set[str]] = []
    for part in range(3):
        mine: set[str] = set()
        while (item := store.claim([], now, partition=(part, 3))) is not None:
            mine.add(item.host)
        claimed.append(mine)
    # Every host is owned by exactly one worker, and every URL was claimed.
    assert set().union(*claimed) == set(hosts)
    assert sum(len(m) for m in claimed) == len(hosts)
    assert all(claimed)  # 12 hosts spread over 3 parts: none is empty here
    assert store.frontier_counts()["in_progress"] == 36
    with pytest.raises(ValueError):
        store.claim([], now, partition=(3, 3))


def test_articles_page_newest_first_without_overlap(stores: TestStores) -> None:
    store = stores.open()
    for i in range(25):
        save(store, f"http://a/{i}", f"T{i}", published=f"2026-11-{i + 1:02d}T08:00:00Z")
    seen: list[str] = []
    cursor = None
    while True:
        page = store.list_articles(limit=10, cursor=cursor)
        seen += [a.title or "" for a in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [f"T{i}" for i in range(24, -1, -1)]


def test_future_dates_do_not_pin_an_article_on_top(stores: TestStores) -> None:
    store = stores.open()
    save(store, "http://a/future", "Future", published="2099-01-01T00:00:00Z")
    save(store, "http://a/now", "Now")
    titles = [a.title for a in store.list_articles().items]
    assert titles == ["Now", "Future"]  # same sort time: the newer insert first


def test_same_url_updates_in_place_and_same_text_is_a_duplicate(stores: TestStores) -> None:
    store = stores.open()
    first = save(store, "http://a/1", "One", text="shared text")
    assert isinstance(first, ArticleSaved) and first.created
    again = save(store, "http://a/1", "One (updated)", text="shared text")
    assert isinstance(again, ArticleSaved) and not again.created
    copy = save(store, "http://b/1", "Copy", text="shared text")
    assert isinstance(copy, DuplicateArticle) and copy.duplicate_of == first.article_id
    assert store.count_articles() == 1 and store.count_articles(include_duplicates=True) == 2
    assert store.get_article(first.article_id).title == "One (updated)"


def test_events_are_appended(stores: TestStores) -> None:
    store = stores.open()
    store.record_event("click", reader="r1", data={"position": 3})
    store.record_event("impression", reader="r1")
    assert store.count_events() == 2 and store.count_events("click") == 1


def test_an_earlier_publication_becomes_the_original(stores: TestStores) -> None:
    store = stores.open()
    late = save(store, "http://copy/1", "Copy", published="2026-11-20T10:00:00Z", text="wire")
    early = save(store, "http://wire/1", "Wire", published="2026-11-20T08:30:00Z", text="wire")
    assert isinstance(late, ArticleSaved) and isinstance(early, ArticleSaved)
    assert early.supersedes == late.article_id
    assert store.get_article(late.article_id).duplicate_of == early.article_id
    third = save(store, "http://other/1", "Other", published="2026-11-20T12:00:00Z", text="wire")
    assert isinstance(third, DuplicateArticle) and third.duplicate_of == early.article_id
    assert [a.url for a in store.list_articles().items] == ["http://wire/1"]


def test_analyses_stories_and_near_duplicates_persist(stores: TestStores) -> None:
    from tidings.records import ArticleAnalysis, Entity, Story

    store = stores.open()
    ids = []
    for i, text in enumerate(["alpha story", "beta story", "alpha story, re-wrapped"]):
        saved = save(
            store, f"http://a/{i}", f"T{i}", published=f"2026-11-2{i}T08:00:00Z", text=text
        )
        assert isinstance(saved, ArticleSaved)
        ids.append(saved.article_id)
    assert [a.id for a in store.articles_to_process(10)] == ids
    assert store.count_articles_to_process() == 3
    vector = bytes(range(16))
    entity = Entity(text="Ostrava", label="place", normalized="ostrava", count=2)
    analyses = [
        (
            ArticleAnalysis(
                article_id,
                "en",
                vector,
                "e5",
                b"sig",
                (entity,),
                ("kw",),
                "world",
                0.9,
                "Summary.",
                ("ostrava", "#12"),
            ),
            ids[0] if article_id == ids[2] else None,
        )
        for article_id in ids
    ]
    story = Story(
        7,
        (ids[0], ids[2]),
        ids[0],
        "2026-11-20T08:00:00+00:00",
        "2026-11-22T08:00:00+00:00",
        ("en",),
        (("ostrava", 2),),
    )
    store.save_analyses(analyses, stories=[story], state={"next_story_id": "8"})
    store.save_analyses(analyses, stories=[story])  # idempotent
    assert store.articles_to_process(10) == []
    assert store.count_articles_to_process() == 0
    store.close()

    reopened = stores.open()  # everything survives a restart
    analysis = reopened.get_analysis(ids[1])
    assert analysis is not None and analysis.embedding == vector
    assert analysis.entities == (entity,) and analysis.topic == "world"
    assert analysis.story_terms == ("ostrava", "#12")
    assert [a.article_id for a in reopened.iter_analyses()] == ids
    assert [a.article_id for a in reopened.iter_analyses(published_after="2026-11-21")] == ids[1:]
    copy = reopened.get_article(ids[2])
    assert copy.duplicate_of == ids[0]
    assert reopened.count_articles() == 2
    story = reopened.story_of(ids[2])
    assert story is not None and story.id == 7 and story.members == (ids[0], ids[2])
    assert reopened.nlp_state() == {"next_story_id": "8"}
    assert reopened.load_stories(active_after="2026-11-23") == []
    briefs = reopened.article_briefs([ids[0], ids[1], 999])
    assert briefs[ids[0]].topic == "world" and briefs[ids[0]].story_id == 7
    assert briefs[ids[0]].story_size == 2 and briefs[ids[1]].story_id is None
    assert 999 not in briefs
    assert [a.id for a in reopened.get_articles([ids[2], 999, ids[0]])] == [ids[2], ids[0]]
    assert [a.id for a in reopened.duplicates_of(ids[0])] == [ids[2]]
    reopened.save_analyses([], removed_stories=[7])
    assert reopened.count_stories() == 0 and reopened.story_of(ids[0]) is None


def test_connections_of_threads_that_ended_are_closed(stores: TestStores) -> None:
    """The server's worker threads come and go: a store must not keep a connection
    for every thread it ever served (a load test showed them piling up)."""
    import threading

    store = stores.open()
    store.count_articles()
    for _ in range(3):
        threads = [threading.Thread(target=store.count_articles) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    # one more thread: opening its connection closes those of the 30 that ended
    last = threading.Thread(target=store.count_articles)
    last.start()
    last.join()
    assert len(store._connections) <= 2  # type: ignore[attr-defined]  # this one + the last
    assert store.count_articles() == 0  # this thread's connection still works
