"""Scoring, learning, explanations, controls and diversity of the personal feed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from tidings.rank.features import features, interest_similarity
from tidings.rank.ranker import Example, Ranker
from tidings.rank.rerank import build_feed, latest, similarity, top_stories
from tidings.records import FeedCandidate, ReaderControls, ReaderProfile

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def vector(seed: int) -> bytes:
    v = np.random.default_rng(seed).normal(size=16).astype(np.float32)
    return (v / np.linalg.norm(v)).tobytes()


def story(
    sid: int,
    topic: str,
    source: str,
    *,
    hours: float = 2,
    size: int = 1,
    entities: tuple[str, ...] = (),
    seed: int | None = None,
    outlets: tuple[str, ...] = (),
) -> FeedCandidate:
    return FeedCandidate(
        story_id=sid,
        article_id=sid * 10,
        title=f"{topic} story {sid}",
        topic=topic,
        source=source,
        outlets=outlets or (source,),
        entities=entities,
        published_at=(NOW - timedelta(hours=hours)).isoformat(),
        story_size=size,
        embedding=vector(seed if seed is not None else sid),
    )


def pool() -> list[FeedCandidate]:
    items = []
    for i in range(12):
        items.append(story(i + 1, "science", "Lab Weekly", entities=("cern",)))
    for i in range(12):
        items.append(story(i + 101, "sports", "Goal Daily", entities=("fc tarsk",)))
    items.append(story(200, "world", "Far Times", size=4, outlets=("Far Times", "Wire")))
    items.append(story(201, "health", "Clinic News", hours=1))
    return items


def test_features_name_the_reader_crosses_and_leave_position_for_training() -> None:
    profile = ReaderProfile("ann", topics={"science": 3.0, "sports": 1.0}, events=20)
    named = features(profile, story(1, "science", "Lab Weekly", entities=("cern",)), NOW)
    assert named["reader=ann&topic=science"] == 1.0
    assert named["reader=ann&entity=cern"] == 1.0
    assert named["affinity:topic"] == 0.75
    assert not any(k.startswith("position=") for k in named)
    assert "position=3" in features(profile, story(1, "science", "x"), NOW, position=3)
    anonymous = features(None, story(1, "science", "x"), NOW)
    assert not any(k.startswith("reader=") for k in anonymous)
    assert interest_similarity(ReaderProfile("a", interest=vector(1)), story(1, "s", "x")) > 0.99


def test_a_reader_is_learned_in_a_few_events_and_explained() -> None:
    ranker = Ranker()
    ann = ReaderProfile("ann", events=30)
    bob = ReaderProfile("bob", events=30)
    items = pool()
    examples = []
    for i in range(25):  # Ann reads science to the end, skips sport; Bob the reverse
        examples += [
            Example(ann, items[i % 12], 1.0, position=0),
            Example(ann, items[12 + i % 12], 0.0, position=1),
            Example(bob, items[12 + i % 12], 1.0, position=0),
            Example(bob, items[i % 12], 0.0, position=1),
        ]
    ranker.learn(examples, NOW)
    top_ann = max(ranker.score(ann, items, NOW), key=lambda s: s.score)
    top_bob = max(ranker.score(bob, items, NOW), key=lambda s: s.score)
    assert top_ann.candidate.topic == "science"
    assert top_bob.candidate.topic == "sports"
    assert any("science" in r or "cern" in r for r in top_ann.reasons), top_ann.reasons


def test_feed_obeys_controls_diversifies_and_keeps_a_perspective_slot() -> None:
    ranker = Ranker()
    ann = ReaderProfile("ann", topics={"science": 10.0}, sources={"Lab Weekly": 10.0}, events=30)
    ranker.learn([Example(ann, c, 1.0) for c in pool()[:12] for _ in range(3)], NOW)
    scored = ranker.score(ann, pool(), NOW)

    page = build_feed(scored, profile=ann, controls=ReaderControls(), now=NOW, limit=8)
    assert len(page) == 8
    topics = [p.candidate.topic for p in page]
    assert topics.count("science") < 8  # not a page of one topic
    assert any(p.slot == "perspective" and p.candidate.story_id == 200 for p in page)
    assert all(p.reasons for p in page)

    muted = ReaderControls(muted=frozenset({("topic", "science")}), hidden=frozenset({200}))
    page = build_feed(scored, profile=ann, controls=muted, now=NOW, limit=8)
    assert all(p.candidate.topic != "science" and p.candidate.story_id != 200 for p in page)

    follow = ReaderControls(boosted=frozenset({("topic", "health")}))
    page = build_feed(scored, profile=ann, controls=follow, now=NOW, limit=8)
    health = next(p for p in page if p.candidate.topic == "health")
    assert health.reasons[0] == "you follow health"


def test_non_personal_feeds() -> None:
    items = pool()
    controls = ReaderControls(muted=frozenset({("source", "Goal Daily")}))
    newest = latest(items, controls=controls, limit=5)
    assert newest[0].candidate.story_id == 201  # one hour old
    assert all(p.candidate.source != "Goal Daily" for p in newest)
    top = top_stories(items, controls=ReaderControls(), now=NOW, limit=5)
    assert top[0].candidate.story_id == 200  # four outlets cover it
    assert all(p.slot == "top" for p in top)


def test_similarity_is_symmetric_and_bounded() -> None:
    a, b = story(1, "science", "Lab", seed=5), story(2, "science", "Lab", seed=5)
    assert similarity(a, b) == similarity(b, a) == pytest.approx(1.0)
    assert 0.0 <= similarity(a, story(3, "sports", "Goal", seed=9)) < 0.5
