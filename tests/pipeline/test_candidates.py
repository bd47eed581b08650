"""The in-memory candidate pool over a real SQLite store: retrieval by each source,
refreshes that see new stories and activity, and the learner's story look-up."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from tidings.pipeline import candidates as pool_module
from tidings.pipeline.candidates import CandidatePool
from tidings.records import (
    ArticleAnalysis,
    ArticleSaved,
    Entity,
    ExtractedArticle,
    ReaderControls,
    ReaderProfile,
    Story,
)
from tidings.store import NewEvent, SQLiteStore

DIM = 32
TOPICS = ("science", "sport", "business")


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    s = SQLiteStore(tmp_path / "t.db")
    yield s  # type: ignore[misc]
    s.close()


def vector(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
    return v / np.linalg.norm(v)


def add_story(store: SQLiteStore, index: int, hours_ago: float, outlets: int = 1) -> list[int]:
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
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
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


def test_refresh_sees_new_stories_and_clicks(store: SQLiteStore) -> None:
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


def test_stories_older_than_the_window_are_not_candidates(store: SQLiteStore) -> None:
    add_story(store, 0, hours_ago=1)
    add_story(store, 1, hours_ago=24 * 8)
    pool = CandidatePool(store, background=False)
    assert [c.story_id for c in pool.retrieve(datetime.now(UTC))] == [1]


def test_background_refresh_never_blocks_and_catches_up(store: SQLiteStore) -> None:
    add_story(store, 0, hours_ago=1)
    pool = CandidatePool(store, refresh_seconds=0.0)
    now = datetime.now(UTC)
    assert len(pool.retrieve(now)) == 1
    add_story(store, 1, hours_ago=0.5)
    deadline = datetime.now(UTC) + timedelta(seconds=10)
    while len(pool.retrieve(now)) < 2 and datetime.now(UTC) < deadline:
        pass
    assert {c.story_id for c in pool.retrieve(now)} == {1, 2}


def test_the_learner_finds_the_story_of_any_member(store: SQLiteStore) -> None:
    members = add_story(store, 3, hours_ago=1, outlets=3)
    found = store.stories_of_articles(members)
    assert {c.story_id for c in found.values()} == {4}
    assert {c.article_id for c in found.values()} == set(members)
    assert all(c.story_size == 3 and c.topic == TOPICS[0] for c in found.values())
