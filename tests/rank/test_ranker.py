"""Scoring, learning, explanations, controls and diversity of the personal feed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from tidings.rank.features import features, interest_similarity
from tidings.rank.ranker import Example, Ranker, _matches
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


def test_the_batch_encoding_scores_exactly_as_the_named_features() -> None:
    """``encode_many`` (what pages are scored with) and ``features`` (what explanations
    read) give the same slots and values, so the same margin, for every kind of story
    and reader: duplicate entities and origins, no topic, an embedding of another size,
    popularity, every age bucket, an anonymous reader."""
    rng = np.random.default_rng(7)
    ranker = Ranker()
    ann = ReaderProfile(
        "ann",
        topics={"science": 3.0, "sports": 1.0},
        sources={"Lab Weekly": 2.0},
        entities={"cern": 1.0, "fc tarsk": 3.0},
        events=60,
        interest=vector(3),
    )
    items = []
    for i, hours in enumerate((0.5, 2, 5, 10, 20, 40, 90, 150, 400)):
        items.append(story(i + 1, "science", "Lab Weekly", hours=hours, entities=("cern",)))
        items.append(story(i + 50, "sports", "Goal Daily", hours=hours, size=i))
    odd = FeedCandidate(
        900, 9000, "x", None, "Wire", entities=("cern", "cern", "a", "b", "c", "d", "e"),
        embedding=np.ones(8, np.float32).tobytes(), popularity=12.5,
        origins=("fresh", "similar", "fresh"),
    )  # fmt: skip
    items.append(odd)
    # a model that has learned something, so every slot's weight counts
    for _ in range(30):
        for item in items:
            ranker.learn([Example(ann, item, float(rng.random() < 0.4))], NOW)
    for profile in (ann, ReaderProfile("bob", events=2), None):
        scored = ranker.score(profile, items, NOW)
        # the interest matches of a page come from one matrix product: the same here
        for item, got, match in zip(items, scored, _matches(profile, items), strict=True):
            _, one = ranker.encode(profile, item, NOW, match=match)
            assert got.score == pytest.approx(ranker.model.predict(one), rel=1e-12, abs=1e-15)
        assert len({round(s.score, 6) for s in scored}) > 3  # the scores tell items apart


def test_a_page_explains_only_what_it_shows_and_says_why() -> None:
    ranker = Ranker()
    ann = ReaderProfile("ann", topics={"science": 5.0}, events=30)
    items = pool()
    for _ in range(20):
        ranker.learn([Example(ann, items[i], 1.0, position=0) for i in range(12)], NOW)
        ranker.learn([Example(ann, items[i], 0.0, position=0) for i in range(12, 24)], NOW)
    scored = ranker.score(ann, items, NOW, explain=2)
    assert sum(1 for s in scored if s.reasons) == 2  # the others wait for the page
    best = max(scored, key=lambda s: s.score)
    assert best.reasons and best.candidate.topic == "science"
    assert ranker.explain(ann, [best.candidate], NOW) == [best.reasons]
    assert "you read a lot about science" in best.reasons
    assert ranker.explain(ann, [], NOW) == []  # a page with every story muted


def test_a_reader_whose_only_reads_bounced_gets_a_feed() -> None:
    """A bounce adds a satisfaction of 0 to the outlet: the reader's outlet weights sum
    to zero, which once divided by zero while filling the perspective slot."""
    bounced = ReaderProfile("cy", topics={"science": 0.0}, sources={"Lab Weekly": 0.0}, events=3)
    scored = Ranker().score(bounced, pool(), NOW)
    page = build_feed(scored, profile=bounced, controls=ReaderControls(), now=NOW, limit=10)
    assert len(page) == 10
    assert any(item.slot == "perspective" for item in page)
