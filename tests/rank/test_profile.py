"""Reader profiles from events."""

from __future__ import annotations

import numpy as np

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
    old, new = (np.frombuffer(p.interest or b"", dtype=np.float32) for p in (read, moved))
    assert new[1] > old[1] and abs(float(np.linalg.norm(new)) - 1) < 1e-5
    hidden = updated_profile(read, event("less_like_this"), story([1, 0]))
    assert hidden.topics == {"science": 0.5} and hidden.sources == {"Lab": 0.5}
