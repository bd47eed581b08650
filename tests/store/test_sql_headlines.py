"""Headline candidates, event batches and event cursors, on whichever engine the run uses."""

from __future__ import annotations

import pytest

from tests.stores import TestStores
from tidings.errors import NotFoundError
from tidings.records import (
    ArticleAnalysis,
    ArticleSaved,
    ExtractedArticle,
    FaithfulnessVerdict,
    HeadlineCandidate,
    HeadlineDelta,
    HeadlineOrigin,
    Story,
)
from tidings.store import NewEvent, Store


@pytest.fixture
def store(stores: TestStores) -> Store:
    return stores.open()


def article(store: Store, n: int, *, story: int | None = None) -> int:
    text = f"Article {n} text. " * 30
    saved = store.save_article(
        ExtractedArticle(url=f"http://x/{n}", canonical_url=None, title=f"Title {n}", text=text),
        url=f"http://x/{n}", source_id=None, fetch_id=None, published_at=None,
        content_hash=f"h{n}",
    )  # fmt: skip
    assert isinstance(saved, ArticleSaved)
    analysis = ArticleAnalysis(saved.article_id, "en", None, None, None)
    stories = [Story(story, (saved.article_id,), saved.article_id, None, None)] if story else []
    store.save_analyses([(analysis, None)], stories=stories)
    return saved.article_id


def candidate(text: str, supported: bool = True, clickbait: float = 0.1) -> HeadlineCandidate:
    verdict = FaithfulnessVerdict(supported, 0.7, () if supported else ("number 9 not in article",))
    return HeadlineCandidate(text, HeadlineOrigin.EXTRACTIVE, author="extractive:lead",
                             clickbait=clickbait, faithfulness=verdict)  # fmt: skip


def test_articles_needing_headlines_and_upserts_keep_the_record(store: Store) -> None:
    a = article(store, 1, story=5)
    b = article(store, 2)
    assert [x.id for x in store.articles_needing_headlines(10)] == [a, b]
    store.save_headlines(
        a, 5, [(candidate("Alpha"), "en", True), (candidate("Beta", False), "en", False)]
    )
    assert [x.id for x in store.articles_needing_headlines(10)] == [b]

    rows = store.headlines_of([a])[a]
    assert [r.candidate.text for r in rows] == ["Alpha", "Beta"]
    beta = rows[1]
    assert not beta.eligible and beta.candidate.faithfulness is not None
    assert beta.candidate.faithfulness.reasons == ("number 9 not in article",)
    assert beta.story_id == 5

    assert store.apply_headline_deltas(
        {rows[0].id: HeadlineDelta(impressions=10, clicks=2, pending_clicks=1, reward=1.5)},
        consumer="headlines", expected_cursor=0, new_cursor=3,
    )  # fmt: skip
    # Re-checked later (now supported): gates replaced, record kept, no duplicate row.
    store.save_headlines(a, 5, [(candidate("Alpha", clickbait=0.2), "en", True),
                                (candidate("Beta"), "en", True)])  # fmt: skip
    again = store.headlines_of([a])[a]
    assert len(again) == 2
    assert (again[0].impressions, again[0].clicks, again[0].reward) == (10, 2, 1.5)
    assert again[0].candidate.clickbait == pytest.approx(0.2)
    assert again[1].eligible
    with pytest.raises(NotFoundError):
        store.get_headline(999)


def test_cursor_compare_and_set(store: Store) -> None:
    a = article(store, 1)
    store.save_headlines(a, None, [(candidate("Alpha"), "en", True)])
    hid = store.headlines_of([a])[a][0].id
    delta = {hid: HeadlineDelta(impressions=1)}
    assert store.event_cursor("headlines") == 0
    assert store.apply_headline_deltas(delta, consumer="headlines", expected_cursor=0, new_cursor=4)
    # A second process that read the same events loses the race and changes nothing.
    assert not store.apply_headline_deltas(
        delta, consumer="headlines", expected_cursor=0, new_cursor=4
    )
    assert store.get_headline(hid).impressions == 1
    assert store.event_cursor("headlines") == 4
    assert store.event_cursor("ranking") == 0


def test_event_batches_and_reads(store: Store) -> None:
    assert store.record_events([]) == 0
    n = store.record_events(
        [NewEvent("impression", data={"headline_id": 1, "position": 0}),
         NewEvent("hide", reader="r1"),
         NewEvent("click", data={"headline_id": 1, "text": "中文"})]
    )  # fmt: skip
    assert n == 3
    events = store.events_after(0)
    assert [e.kind for e in events] == ["impression", "hide", "click"]
    assert events[2].data == {"headline_id": 1, "text": "中文"}
    assert events[1].reader == "r1"
    clicks = store.events_after(0, kinds=["click", "impression"], limit=1)
    assert [e.kind for e in clicks] == ["impression"]
    assert store.events_after(events[-1].id) == []
