"""Reader controls, settings, profiles and model state, on whichever engine the run uses."""

from __future__ import annotations

import pytest

from tests.stores import TestStores
from tidings.records import ArticleAnalysis, ArticleSaved, ExtractedArticle, ReaderProfile, Story
from tidings.store import Store


@pytest.fixture
def store(stores: TestStores) -> Store:
    return stores.open()


def test_controls_and_settings(store: Store) -> None:
    assert store.reader_controls("ann").personalized
    store.set_control("ann", "source", "Daily Bugle", "mute")
    store.set_control("ann", "topic", "science", "boost")
    store.set_control("ann", "story", "42", "mute")
    store.set_control("bob", "topic", "sports", "mute")
    controls = store.reader_controls("ann")
    assert controls.muted == {("source", "Daily Bugle")}
    assert controls.boosted == {("topic", "science")}
    assert controls.hidden == {42}
    store.set_control("ann", "source", "Daily Bugle", "boost")  # changes its mind
    assert ("source", "Daily Bugle") in store.reader_controls("ann").boosted
    store.set_control("ann", "source", "Daily Bugle", None)
    assert not store.reader_controls("ann").boosted - {("topic", "science")}
    store.set_personalized("ann", False)
    assert not store.reader_controls("ann").personalized
    assert store.reader_controls("bob").personalized
    with pytest.raises(ValueError):
        store.set_control("ann", "colour", "red", "mute")
    with pytest.raises(ValueError):
        store.set_control("ann", "topic", "x", "love")


def test_profiles_models_and_cursor(store: Store) -> None:
    profile = ReaderProfile("ann", topics={"science": 1.5}, sources={"Lab": 1.0},
                            interest=b"\x00" * 8, read=frozenset({3, 4}), events=7)  # fmt: skip
    assert store.save_learning([profile], {"ranker": b"weights"}, consumer="ranker",
                               expected_cursor=0, new_cursor=12)  # fmt: skip
    assert store.reader_profiles(["ann", "nobody"]) == {"ann": profile}
    assert store.load_model("ranker") == b"weights"
    assert store.event_cursor("ranker") == 12
    # A stale learner changes nothing.
    stale = ReaderProfile("ann", events=99)
    assert not store.save_learning([stale], {"ranker": b"old"}, consumer="ranker",
                                   expected_cursor=0, new_cursor=5)  # fmt: skip
    assert store.reader_profiles(["ann"])["ann"].events == 7
    assert store.load_model("ranker") == b"weights"
    assert store.load_model("other") is None


def test_co_reading(store: Store) -> None:
    from tests.store.test_sql_headlines import article
    from tidings.store import NewEvent

    ids = [article(store, n) for n in range(1, 6)]
    reads = {"ann": [0, 1], "bob": [0, 2], "cy": [1, 2, 3], "dee": [4]}
    store.record_events(
        [
            NewEvent("click", article_id=ids[i], reader=r)
            for r, items in reads.items()
            for i in items
        ]
    )
    # Bob and Cy read what Ann read; both read item 2, Cy also item 3; Dee is no peer.
    assert store.co_read("ann") == {ids[2]: 2, ids[3]: 1}
    assert store.co_read("dee") == {}
    assert store.co_read("nobody") == {}


def test_a_readers_region_and_the_clicks_of_each_region(store: Store) -> None:
    assert store.reader_controls("ann").region is None
    store.set_region("ann", "GB")
    store.set_personalized("ann", False)  # other settings keep the region
    controls = store.reader_controls("ann")
    assert controls.region == "GB" and not controls.personalized
    store.set_region("ann", None)
    assert store.reader_controls("ann").region is None
    for bad in ("gb", "GBR", "G1", ""):
        with pytest.raises(ValueError):
            store.set_region("ann", bad)
    assert store.regional_clicks(clicks_after="2000-01-01") == {}


def test_an_outlet_named_like_a_broken_url_leaves_its_story_readable(store: Store) -> None:
    # Found by fuzz/urls.py: host_of raised ValueError on "http://[::\x11]/", and a page's
    # og:site_name (or a feed's title) reaches host_of as a story's outlet, so one
    # hostile page broke the candidate pool of every reader.
    hostile = "http://[::\x11]/"
    ids = []
    for number, site in enumerate([hostile, "https://News.Example/"]):
        saved = store.save_article(
            ExtractedArticle(None, None, f"T{number}", f"text {number}", site_name=site),
            url=f"https://outlet{number}.example/a",
            source_id=None,
            fetch_id=None,
            published_at="2026-11-20T08:00:00Z",
            content_hash=f"hash:{number}",
        )
        assert isinstance(saved, ArticleSaved)
        ids.append(saved.article_id)
    when = "2026-11-20T08:00:00+00:00"
    store.save_analyses(
        [(ArticleAnalysis(article_id, "en", None, None, None), None) for article_id in ids],
        stories=[Story(1, tuple(ids), ids[0], when, when, ("en",))],
    )
    found = store.stories_of_articles(ids)
    assert found[ids[1]].outlets == (hostile, "news.example")
