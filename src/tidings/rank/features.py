"""Features of a (reader, story) pair, named so they can be hashed and explained.

Three kinds, as in production recommenders: the item alone (topic, outlet, age,
coverage, popularity), the reader alone (how much history there is), and crosses of
reader and item (reader × topic, reader × outlet, reader × entity), which carry a
reader's taste. The reader's history also enters as dense affinities (what share of
their satisfied reading went to this topic, outlet or entity; the cosine between
their interest vector and the story), which generalise to items the crosses have
never seen. ``position`` is a training-only feature: it soaks up position bias, and
is left out when scoring, so every item is scored as if shown first.
"""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np

from tidings.rank import interests
from tidings.records import FeedCandidate, ReaderProfile
from tidings.timestamps import parse_timestamp

#: Age buckets in hours (the last bucket is everything older).
AGE_BUCKETS = (1, 3, 6, 12, 24, 48, 96, 168)
#: Entities of a story that become reader crosses.
MAX_ENTITIES = 5
#: Cumulative indicators of the interest similarity (``similarity>=0.3`` ...). The
#: cosine spans a narrow range, so FTRL's per-coordinate rate keeps its weight too small
#: to tell a reader's interests apart; indicators learn a step function quickly
#: (bench/ranking.py: +17% long-term satisfaction). Edges suit the centred cosines of
#: :mod:`tidings.rank.interests` (USE multilingual: ~0 unrelated, 0.2-0.5 alike).
SIMILARITY_EDGES = tuple(round(0.05 * i, 2) for i in range(11))


def age_hours(candidate: FeedCandidate, now: datetime) -> float:
    published = parse_timestamp(candidate.published_at)
    if published is None:
        return 24.0 * 7
    return max(0.0, (now - published).total_seconds() / 3600)


def _bucket(hours: float) -> str:
    for limit in AGE_BUCKETS:
        if hours < limit:
            return f"<{limit}h"
    return f">={AGE_BUCKETS[-1]}h"


def _share(weights: dict[str, float], key: str | None, total: float | None = None) -> float:
    """``key``'s share of ``weights`` (``total``: their sum, when already at hand)."""
    if not key or not weights:
        return 0.0
    total = sum(weights.values()) if total is None else total
    return weights.get(key, 0.0) / total if total > 0 else 0.0


def interest_match(
    profile: ReaderProfile | None, candidate: FeedCandidate
) -> tuple[float, float, float]:
    """(cosine to the closest interest, its share of the reader's interests, cosine to
    their mean): see :func:`tidings.rank.interests.match`; zeros if unknown."""
    if profile is None or profile.interest is None or candidate.embedding is None:
        return 0.0, 0.0, 0.0
    return interests.match(profile.interest, np.frombuffer(candidate.embedding, np.float32))


def interest_similarity(profile: ReaderProfile | None, candidate: FeedCandidate) -> float:
    """Cosine between the story and the closest of the reader's interests (0 if unknown)."""
    return interest_match(profile, candidate)[0]


def features(
    profile: ReaderProfile | None,
    candidate: FeedCandidate,
    now: datetime,
    *,
    position: int | None = None,
    match: tuple[float, float, float] | None = None,
) -> dict[str, float]:
    """Named features; ``profile`` None scores for an anonymous reader. ``match`` is
    :func:`interest_match` when the caller computed it for many candidates at once."""
    out: dict[str, float] = {
        f"age={_bucket(age_hours(candidate, now))}": 1.0,
        f"topic={candidate.topic or '-'}": 1.0,
        f"source={candidate.source}": 1.0,
        f"coverage={min(candidate.story_size, 6)}": 1.0,
        "popularity": math.log1p(max(0.0, candidate.popularity)),
    }
    for origin in candidate.origins:
        out[f"origin={origin}"] = 1.0
    if position is not None:
        out[f"position={min(position, 20)}"] = 1.0
    if profile is None:
        return out
    reader = profile.reader
    history = "new" if profile.events < 5 else "some" if profile.events < 50 else "rich"
    out[f"history={history}"] = 1.0
    out[f"reader={reader}&topic={candidate.topic or '-'}"] = 1.0
    out[f"reader={reader}&source={candidate.source}"] = 1.0
    for entity in candidate.entities[:MAX_ENTITIES]:
        out[f"reader={reader}&entity={entity}"] = 1.0
    out["affinity:topic"] = _share(profile.topics, candidate.topic)
    out["affinity:source"] = _share(profile.sources, candidate.source)
    entities = candidate.entities[:MAX_ENTITIES]
    if entities and profile.entities:
        total = sum(profile.entities.values())
        out["affinity:entity"] = max(_share(profile.entities, e, total) for e in entities)
    else:
        out["affinity:entity"] = 0.0
    similarity, _, mean = match if match is not None else interest_match(profile, candidate)
    out["similarity"] = similarity
    out["similarity:mean"] = mean
    for edge in SIMILARITY_EDGES:
        if similarity < edge:
            break
        out[f"similarity>={edge}"] = 1.0
    return out
