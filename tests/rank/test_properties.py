"""Property tests of scoring and page building: any reader, any stories, any controls.

A reader whose only reads bounced once crashed the perspective slot (outlet weights
summing to zero); these draw profiles with zero, tiny and large weights, interests of
every size, stories with missing topics, dates, embeddings of another size, duplicate
entities and origins, and mutes, boosts and hidden stories.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tidings.rank import interests
from tidings.rank.ranker import Example, Ranker, _matches
from tidings.rank.rerank import build_feed
from tidings.records import FeedCandidate, ReaderControls, ReaderProfile

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TOPICS = ("science", "sports", "world", "")
SOURCES = ("Lab Weekly", "Goal Daily", "Far Times", "Wire")
ENTITIES = ("cern", "fc tarsk", "valdoria", "un")
ORIGINS = ("fresh", "similar", "trending", "followed", "collaborative", "regional")


def _unit(seed: int, size: int = 16) -> bytes:
    v = np.random.default_rng(seed).normal(size=size).astype(np.float32)
    return (v / np.linalg.norm(v)).tobytes()


@st.composite
def candidates(draw: st.DrawFn) -> list[FeedCandidate]:
    out = []
    for i in range(draw(st.integers(0, 25))):
        hours = draw(st.one_of(st.none(), st.floats(0, 2000)))
        published = None if hours is None else (NOW - timedelta(hours=hours)).isoformat()
        embedding = draw(st.sampled_from(["none", "16", "8"]))
        out.append(
            FeedCandidate(
                story_id=draw(st.integers(1, 40)) if i % 5 == 4 else i + 1,
                article_id=100 + i,
                title=f"story {i}",
                topic=draw(st.sampled_from(TOPICS)) or None,
                source=draw(st.sampled_from(SOURCES)),
                outlets=tuple(draw(st.lists(st.sampled_from(SOURCES), max_size=3))),
                entities=tuple(draw(st.lists(st.sampled_from(ENTITIES), max_size=7))),
                keywords=tuple(draw(st.lists(st.sampled_from(ENTITIES), max_size=2))),
                published_at=draw(st.sampled_from([published, "garbage", ""])),
                story_size=draw(st.integers(1, 9)),
                embedding=None if embedding == "none" else _unit(i, int(embedding)),
                popularity=draw(st.floats(0, 1e6)),
                origins=tuple(draw(st.lists(st.sampled_from(ORIGINS), max_size=4))),
            )
        )
    return out


def weights(keys: tuple[str, ...]) -> st.SearchStrategy[dict[str, float]]:
    """Reading weights, also all zero (a reader whose every read bounced)."""
    some = st.dictionaries(
        st.sampled_from(keys), st.sampled_from([0.0, 1e-300, 0.5, 3.0, 1e9]), max_size=4
    )
    return st.one_of(some, st.lists(st.sampled_from(keys), min_size=1).map(dict.fromkeys)
                     .map(lambda found: dict.fromkeys(found, 0.0)))  # fmt: skip


@st.composite
def profiles(draw: st.DrawFn) -> ReaderProfile | None:
    if draw(st.booleans()):
        return None
    interest = None
    for seed in draw(st.lists(st.integers(0, 50), max_size=6)):
        interest = interests.read(interest, np.frombuffer(_unit(seed), np.float32), 1.0)
    return ReaderProfile(
        draw(st.sampled_from(["ann", "bob"])),
        topics=draw(weights(TOPICS)),
        sources=draw(weights(SOURCES)),
        entities=draw(weights(ENTITIES)),
        interest=interest,
        read=frozenset(draw(st.lists(st.integers(1, 30), max_size=5))),
        events=draw(st.integers(0, 100)),
    )


@st.composite
def controls(draw: st.DrawFn) -> ReaderControls:
    keys = st.sampled_from(
        [("source", s) for s in SOURCES]
        + [("topic", t) for t in TOPICS if t]
        + [("entity", e) for e in ENTITIES]
    )
    return ReaderControls(
        personalized=True,
        muted=frozenset(draw(st.lists(keys, max_size=2))),
        boosted=frozenset(draw(st.lists(keys, max_size=2))),
        hidden=frozenset(draw(st.lists(st.integers(1, 30), max_size=3))),
    )


@cache
def trained() -> Ranker:
    """A ranker that has learned something, so every feature's weight counts."""
    ranker = Ranker()
    rng = np.random.default_rng(0)
    reader = ReaderProfile("ann", topics={"science": 2.0}, events=40, interest=None)
    for i in range(300):
        story = FeedCandidate(
            i, i, "t", TOPICS[i % 3], SOURCES[i % 4], entities=(ENTITIES[i % 4],),
            published_at=(NOW - timedelta(hours=i % 100)).isoformat(), embedding=_unit(i),
            popularity=float(i % 7), origins=(ORIGINS[i % 6],),
        )  # fmt: skip
        ranker.learn([Example(reader, story, float(rng.random() < 0.3))], NOW)
    return ranker


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(candidates(), profiles(), controls(), st.integers(1, 12))
def test_any_reader_and_stories_give_a_page_that_obeys_the_controls(
    items: list[FeedCandidate], profile: ReaderProfile | None, wanted: ReaderControls, limit: int
) -> None:
    ranker = trained()
    scored = ranker.score(profile, items, NOW, explain=0)
    assert [s.candidate for s in scored] == items
    assert all(0.0 <= s.score <= 1.0 for s in scored)
    # the one-pass scores are the named features' scores
    for item, got, match in zip(items, scored, _matches(profile, items), strict=True):
        _, one = ranker.encode(profile, item, NOW, match=match)
        assert abs(got.score - ranker.model.predict(one)) < 1e-9
    page = build_feed(scored, profile=profile, controls=wanted, now=NOW, limit=limit)
    assert len(page) <= limit
    for entry in page:
        story = entry.candidate
        assert story.story_id not in wanted.hidden
        own = {("source", story.source), ("topic", story.topic or "")}
        own |= {("entity", e) for e in story.entities}
        own |= {("keyword", k) for k in story.keywords}
        assert not own & wanted.muted
    reasons = ranker.explain(profile, [entry.candidate for entry in page], NOW)
    assert len(reasons) == len(page)
    assert all(found for found in reasons)  # every story says why, in words
