"""The in-memory candidate pool over a real store: retrieval by each source,
refreshes that see new stories and activity, and the learner's story look-up."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from tests.stores import TestStores
from tidings.pipeline import candidates as pool_module
from tidings.pipeline.candidates import CandidatePool
from tidings.records import (
    ArticleAnalysis,
    ArticleSaved,
    Entity,
    ExtractedArticle,
    FeedCandidate,
    ReaderControls,
    ReaderProfile,
    Story,
)
from tidings.store import NewEvent, Store

DIM = 32
TOPICS = ("science", "sport", "business")


@pytest.fixture
def store(stores: TestStores) -> Store:
    return stores.open()


def vector(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
    return v / np.linalg.norm(v)


def add_story(store: Store, index: int, hours_ago: float, outlets: int = 1) -> list[int]:
    """Story ``index + 1`` with ``outlets`` member articles; returns the member ids."""
    published = (datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat(timespec="seconds")
    members = []
    analyses: list[tuple[ArticleAnalysis, int | None]] = []
    for copy in range(outlets):
        url = f"https://outlet{copy}.example/{index}"
        text = f"Story {index} told by outlet {copy}. " * 20
        saved = store.save_article(
            ExtractedArticle(url, url, f"Story {index} ({copy})", text, site_name=f"Outlet {copy}"),
            url=url,
            source_id=None,
            fetch_id=None,
            published_at=published,
            content_hash=hashlib.sha256(text.encode()).hexdigest(),
        )
        assert isinstance(saved, ArticleSaved)
        members.append(saved.article_id)
        analyses.append(
            (
                ArticleAnalysis(
                    saved.article_id,
                    "en",
                    vector(index).tobytes(),
                    "test",
                    None,
                    entities=(Entity(f"Thing {index % 7}", "organization", f"thing {index % 7}"),),
                    topic=TOPICS[index % len(TOPICS)],
                ),
                None,
            )
        )
    story = Story(index + 1, tuple(members), members[0], published, published, ("en",))
    store.save_analyses(analyses, stories=[story])
    return members


def test_each_source_retrieves_its_stories_once(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool_module, "FRESH", 20)
    for i in range(100):
        add_story(store, i, hours_ago=i, outlets=2 if i % 10 == 0 else 1)
    # Story 90 is old (90 h): only the interest vector can bring it in.
    old = 90
    profile = ReaderProfile("ann", topics={"sport": 3.0}, interest=vector(old).tobytes())
    pool = CandidatePool(store, background=False)
    now = datetime.now(UTC)
    found = pool.retrieve(now, reader="ann", profile=profile, controls=ReaderControls())
    by_story = {c.story_id: c for c in found}
    assert len(by_story) == len(found)  # one entry per story
    newest = sorted(by_story.values(), key=lambda c: c.published_at or "", reverse=True)
    assert "fresh" in newest[0].origins
    assert "similar" in by_story[old + 1].origins
    assert "fresh" not in by_story[old + 1].origins
    followed = [c for c in found if "followed" in c.origins]
    assert followed and all(c.topic == "sport" or c.source == "Outlet 0" for c in followed)
    # a multi-outlet story lists every outlet
    assert by_story[1].outlets == ("Outlet 0", "Outlet 1")
    # without an interest vector, the old story is out of reach
    plain = pool.retrieve(now, reader="bob", profile=ReaderProfile("bob"))
    assert old + 1 not in {c.story_id for c in plain}


def test_refresh_sees_new_stories_and_clicks(store: Store) -> None:
    for i in range(10):
        add_story(store, i, hours_ago=i + 1)
    pool = CandidatePool(store, refresh_seconds=0.0, activity_seconds=0.0, background=False)
    now = datetime.now(UTC)
    assert len(pool.retrieve(now)) == 10
    members = add_story(store, 10, hours_ago=0.1)
    clicks = [NewEvent("click", article_id=members[0], reader=f"r{n}") for n in range(4)]
    store.record_events(clicks)
    pool.snapshot(now)  # the refresh is due at once: this call runs it
    found = {c.story_id: c for c in pool.retrieve(now)}
    assert 11 in found
    assert found[11].popularity == 4
    assert "trending" in found[11].origins
    # the neighbour index holds the new story too
    profile = ReaderProfile("ann", interest=vector(10).tobytes())
    similar = [c for c in pool.retrieve(now, profile=profile) if "similar" in c.origins]
    assert similar[0].story_id == 11


def test_stories_older_than_the_window_are_not_candidates(store: Store) -> None:
    add_story(store, 0, hours_ago=1)
    add_story(store, 1, hours_ago=24 * 8)
    pool = CandidatePool(store, background=False)
    assert [c.story_id for c in pool.retrieve(datetime.now(UTC))] == [1]


def test_background_refresh_never_blocks_and_catches_up(store: Store) -> None:
    add_story(store, 0, hours_ago=1)
    pool = CandidatePool(store, refresh_seconds=0.0)
    try:
        now = datetime.now(UTC)
        assert len(pool.retrieve(now)) == 1
        add_story(store, 1, hours_ago=0.5)
        deadline = datetime.now(UTC) + timedelta(seconds=10)
        while len(pool.retrieve(now)) < 2 and datetime.now(UTC) < deadline:
            pass
        assert {c.story_id for c in pool.retrieve(now)} == {1, 2}
    finally:
        pool.close()  # before the fixture closes the store under the pool's thread
    assert pool._thread is not None and not pool._thread.is_alive()


def test_the_learner_finds_the_story_of_any_member(store: Store) -> None:
    members = add_story(store, 3, hours_ago=1, outlets=3)
    found = store.stories_of_articles(members)
    assert {c.story_id for c in found.values()} == {4}
    assert {c.article_id for c in found.values()} == set(members)
    assert all(c.story_size == 3 and c.topic == TOPICS[0] for c in found.values())


def _random_candidate(rng: np.random.Generator, story_id: int) -> FeedCandidate:
    day = int(rng.integers(1, 8))
    return FeedCandidate(
        story_id=story_id,
        article_id=10_000 + story_id,
        title=f"Story {story_id}",
        topic=str(rng.choice(["world", "tech", "sport", ""])) or None,
        source=f"outlet-{int(rng.integers(0, 6))}",
        entities=tuple(f"e{int(x)}" for x in rng.integers(0, 12, size=int(rng.integers(0, 4)))),
        # ties on the publication time are broken by the story id, as in a rebuild
        published_at=f"2026-05-0{day}T{int(rng.integers(0, 3)):02d}:00:00+00:00",
    )


@pytest.mark.parametrize("seed", range(12))
def test_an_incremental_refresh_patches_the_snapshot_as_a_rebuild_would(seed: int) -> None:
    rng = np.random.default_rng(seed)
    stories = {sid: _random_candidate(rng, sid) for sid in range(1, 200)}
    activity = {sid: (int(rng.integers(0, 5)), int(rng.integers(0, 4))) for sid in range(1, 60)}
    old = pool_module._snapshot(stories, activity, "w1")
    # some stories change (a new outlet, topic, entities, time), some go, some are new
    changed = [_random_candidate(rng, int(sid)) for sid in rng.choice(199, 15) + 1]
    changed += [_random_candidate(rng, sid) for sid in range(200, 210)]
    removed = [int(sid) for sid in rng.choice(199, 10) + 1]
    new_stories = {sid: c for sid, c in stories.items() if sid not in removed}
    new_stories.update((c.story_id, c) for c in changed)
    removed = [sid for sid in removed if sid not in new_stories]
    patched = pool_module._patched(old, new_stories, activity, "w2", changed, removed)
    rebuilt = pool_module._snapshot(new_stories, activity, "w2")
    assert patched.newest == rebuilt.newest
    assert patched.by_key == rebuilt.by_key
    assert patched.by_article == rebuilt.by_article
    assert patched.trending == rebuilt.trending
    # nothing changed: the lists are reused as they are
    same = pool_module._patched(rebuilt, new_stories, activity, "w3", [], [])
    assert same.newest is rebuilt.newest and same.by_key is rebuilt.by_key
    assert same.watermark == "w3"


def test_stories_readers_of_a_region_click_are_popular_there(store: Store) -> None:
    from tidings.rank.ranker import Ranker

    for i in range(6):
        add_story(store, i, hours_ago=i + 1)
    quiet = add_story(store, 6, hours_ago=40)  # old: not among the freshest
    for reader, region in (("gb1", "GB"), ("gb2", "GB"), ("fr1", "FR")):
        store.set_region(reader, region)
    store.record_events(
        [NewEvent("click", article_id=quiet[0], reader=r) for r in ("gb1", "gb2", "fr1")]
    )
    pool = CandidatePool(store, refresh_seconds=0.0, activity_seconds=0.0, background=False)
    now = datetime.now(UTC)
    for region, expected in (("GB", True), ("FR", False), (None, False)):
        found = {c.story_id: c for c in pool.retrieve(now, controls=ReaderControls(region=region))}
        # two readers of GB clicked story 7, one of FR: popular in GB only
        assert ("regional" in found[7].origins) is expected
    assert store.regional_clicks(clicks_after="2000-01-01") == {"GB": {7: 2}, "FR": {7: 1}}
    gb = pool.retrieve(now, controls=ReaderControls(region="GB"), limit=1000)
    story = next(c for c in gb if c.story_id == 7)
    scored = Ranker().score(None, [story], now)
    assert "popular in your region" in scored[0].reasons
