"""What the ranker knows about a reader, updated from each event (pure).

A reader's profile holds satisfaction-weighted reading per topic, outlet and entity,
their interests (a few centroids of the embeddings of what they read to the end, with
the direction shared by the stories they were shown projected out:
:mod:`tidings.rank.interests`), and the stories they opened. It is a function of the
event log: the pipeline stores it, and it could be rebuilt by replaying the log.
"""

from __future__ import annotations

import numpy as np

from tidings.headlines.bandit import dwell_satisfaction
from tidings.rank import interests
from tidings.records import Event, FeedCandidate, ReaderProfile


def updated_profile(
    profile: ReaderProfile, event: Event, candidate: FeedCandidate
) -> ReaderProfile:
    """``profile`` after ``event`` about ``candidate``: a satisfied read (dwell) adds its
    satisfaction to the story's topic, outlet and entities and joins the closest interest
    centroid (or opens one); an impression moves the common direction; a click marks it
    read; a hide or "less like this" halves them."""
    topics, sources, entities = dict(profile.topics), dict(profile.sources), dict(profile.entities)
    keys = [
        (topics, candidate.topic),
        (sources, candidate.source),
        *((entities, e) for e in candidate.entities[:5]),
    ]
    interest = profile.interest
    read = profile.read
    if event.kind == "click":
        read = read | {candidate.story_id}
    elif event.kind == "dwell":
        seconds = event.data.get("seconds")
        satisfaction = dwell_satisfaction(float(seconds)) if isinstance(seconds, int | float) else 0
        for table, key in keys:
            if key:
                table[key] = table.get(key, 0.0) + satisfaction
        if satisfaction > 0 and candidate.embedding is not None:
            vector = np.frombuffer(candidate.embedding, dtype=np.float32)
            interest = interests.read(interest, vector, satisfaction)
    elif event.kind == "impression" and candidate.embedding is not None:
        vector = np.frombuffer(candidate.embedding, dtype=np.float32)
        interest = interests.shown(interest, vector)
    elif event.kind in ("hide", "less_like_this"):
        for table, key in keys:
            if key and key in table:
                table[key] *= 0.5
    return ReaderProfile(
        reader=profile.reader,
        topics=topics,
        sources=sources,
        entities=entities,
        interest=interest,
        read=read,
        events=profile.events + 1,
    )
