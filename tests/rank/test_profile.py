"""Reader profiles from events."""

from __future__ import annotations

import numpy as np

from tidings.rank import interests
from tidings.rank.features import interest_similarity
from tidings.rank.profile import updated_profile
from tidings.records import Event, FeedCandidate, ReaderProfile


def event(kind: str, **data: object) -> Event:
    return Event(1, kind, 10, "ann", dict(data), "2026-11-23T00:00:00Z")


def story(vector: list[float]) -> FeedCandidate:
    v = np.asarray(vector, dtype=np.float32)
    return FeedCandidate(7, 10, "t", "science", "Lab", entities=("cern",),
                         embedding=(v / np.linalg.norm(v)).tobytes())  # fmt: skip


def test_reads_bounces_and_hides() -> None:
    start = ReaderProfile("ann")
    clicked = updated_profile(start, event("click"), story([1, 0]))
    assert clicked.read == {7} and clicked.events == 1 and not clicked.topics
    read = updated_profile(clicked, event("dwell", seconds=120), story([1, 0]))
    assert read.topics == {"science": 1.0} and read.entities == {"cern": 1.0}
    assert read.interest is not None
    bounce = updated_profile(read, event("dwell", seconds=3), story([0, 1]))
    assert bounce.topics == {"science": 1.0}  # a bounce adds nothing
    assert bounce.interest == read.interest
    moved = updated_profile(read, event("dwell", seconds=60), story([0, 1]))
    before, after = (interest_similarity(p, story([0, 1])) for p in (read, moved))
    assert after > 0.99 > before  # a second interest gets its own centroid
    assert interest_similarity(moved, story([1, 0])) > 0.99  # and the first one stays
    hidden = updated_profile(read, event("less_like_this"), story([1, 0]))
    assert hidden.topics == {"science": 0.5} and hidden.sources == {"Lab": 0.5}


def test_impressions_set_the_common_direction_and_old_profiles_still_match() -> None:
    common = np.asarray([1.0, 1.0, 0.0], dtype=np.float32) / np.sqrt(2)
    blob = None
    for _ in range(5):
        blob = interests.shown(blob, common)
    assert blob is not None and len(blob) == 4 * 3 * (1 + interests.SLOTS)
    # what every story shares is projected out: only the differences count
    blob = interests.read(blob, np.asarray([1.0, 0.0, 0.0], dtype=np.float32), 1.0)
    best, share, _ = interests.match(blob, np.asarray([0.0, 1.0, 0.0], dtype=np.float32))
    assert best < -0.99 and share == 1.0
    legacy = np.asarray([0.0, 0.0, 1.0], dtype=np.float32).tobytes()  # one running mean
    assert interests.match(legacy, np.asarray([0.0, 0.0, 1.0], dtype=np.float32))[0] > 0.99
    upgraded = interests.read(legacy, np.asarray([1.0, 0.0, 0.0], dtype=np.float32), 1.0)
    assert upgraded is not None and len(upgraded) == 4 * 3 * (1 + interests.SLOTS)
    assert interests.match(upgraded, np.asarray([0.0, 0.0, 1.0], dtype=np.float32))[0] > 0.99


def test_interests_keep_a_few_centroids_and_drop_the_weakest() -> None:
    blob = None
    for axis in range(interests.SLOTS + 1):
        vector = np.zeros(8, dtype=np.float32)
        vector[axis] = 1.0
        blob = interests.read(blob, vector, 1.0)
    first, newest = (np.eye(8, dtype=np.float32)[i] for i in (0, interests.SLOTS))
    assert interests.match(blob, newest)[0] > 0.99  # the newest interest is kept
    assert interests.match(blob, first)[0] < 0.01  # the oldest, weakest one went
