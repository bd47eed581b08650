"""The features of many stories for one reader, hashed straight to model slots.

:func:`tidings.rank.features.features` names every feature of one (reader, story) pair,
which is what explanations need; formatting and hashing ~20 names per story cost ~70 µs,
~20 ms for a page's 300 candidates. A page has one reader and few distinct topics,
outlets, age buckets and entities, so this module hashes each distinct name once per
page (and each story's own indicators once per process) and returns flat arrays the model
reads in one call. The slots and values are exactly those of
``model.features(features(...))``, so a margin is the same either way (a test holds the
two to each other); only the feature names are not kept.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from tidings.rank.features import (
    MAX_ENTITIES,
    SIMILARITY_EDGES,
    _bucket,
    _share,
    age_hours,
    interest_match,
)
from tidings.rank.online import _BIAS, _slot
from tidings.records import FeedCandidate, ReaderProfile

__all__ = ["Encoded", "encode_many"]


@dataclass(frozen=True)
class Encoded:
    """Slots and values of many examples, one after another; example ``i`` is
    ``slots[offsets[i]:offsets[i + 1]]`` (its first slot is the bias)."""

    slots: npt.NDArray[np.int64]
    values: npt.NDArray[np.float32]
    offsets: npt.NDArray[np.int64]


def encode_many(
    profile: ReaderProfile | None,
    candidates: Sequence[FeedCandidate],
    now: datetime,
    matches: Sequence[tuple[float, float, float] | None],
    bits: int,
) -> Encoded:
    """Every candidate's hashed features for ``profile`` (None: an anonymous reader),
    as scored (no position); ``matches`` are the candidates' interest matches
    (``ranker._matches``), None where not computed with the others."""
    mask = (1 << bits) - 1
    bias = _BIAS & mask
    slots: list[int] = []
    values: list[float] = []
    offsets = [0]
    popularity_slot = _slot("popularity") & mask
    if profile is None:
        for candidate in candidates:
            _item(candidate, now, mask, bias, popularity_slot, slots, values)
            offsets.append(len(slots))
        return _encoded(slots, values, offsets)
    # what holds the reader is hashed, and its affinity found, once per page and value
    reader = profile.reader
    history = "new" if profile.events < 5 else "some" if profile.events < 50 else "rich"
    history_slot = _slot(f"history={history}") & mask
    # each table's sum once per page (``features._share`` takes it when at hand)
    topics, sources, entities = profile.topics, profile.sources, profile.entities
    topic_total, source_total = sum(topics.values()), sum(sources.values())
    entity_total = sum(entities.values())
    by_topic: dict[str | None, tuple[int, float]] = {}
    by_source: dict[str, tuple[int, float]] = {}
    by_entity: dict[str, tuple[int, float]] = {}
    names = ("affinity:topic", "affinity:source", "affinity:entity", "similarity")
    fixed = [_slot(name) & mask for name in (*names, "similarity:mean")]
    edges = [_slot(f"similarity>={edge}") & mask for edge in SIMILARITY_EDGES]
    for candidate, match in zip(candidates, matches, strict=True):
        _item(candidate, now, mask, bias, popularity_slot, slots, values)
        topic = by_topic.get(candidate.topic)
        if topic is None:
            name = f"reader={reader}&topic={candidate.topic or '-'}"
            topic = (_slot(name) & mask, _share(topics, candidate.topic, topic_total))
            by_topic[candidate.topic] = topic
        source = by_source.get(candidate.source)
        if source is None:
            name = f"reader={reader}&source={candidate.source}"
            source = (_slot(name) & mask, _share(sources, candidate.source, source_total))
            by_source[candidate.source] = source
        slots += (history_slot, topic[0], source[0])
        values += (1.0, 1.0, 1.0)
        best_entity = 0.0
        # a dict of names keeps one of each: duplicates are dropped as ``features`` does
        for key in dict.fromkeys(candidate.entities[:MAX_ENTITIES]):
            entity = by_entity.get(key)
            if entity is None:
                name = f"reader={reader}&entity={key}"
                entity = (_slot(name) & mask, _share(entities, key, entity_total))
                by_entity[key] = entity
            slots.append(entity[0])
            values.append(1.0)
            best_entity = max(best_entity, entity[1])
        # None: an embedding of another size than the page's, matched alone
        similarity, _, mean = match or interest_match(profile, candidate)
        slots += fixed
        values += (topic[1], source[1], best_entity, similarity, mean)
        reached = bisect_right(SIMILARITY_EDGES, similarity)
        slots += edges[:reached]
        values += (1.0,) * reached
        offsets.append(len(slots))
    return _encoded(slots, values, offsets)


def _item(
    candidate: FeedCandidate,
    now: datetime,
    mask: int,
    bias: int,
    popularity_slot: int,
    slots: list[int],
    values: list[float],
) -> None:
    """The bias and the story's own features (no reader), appended."""
    own = _item_slots(
        _bucket(age_hours(candidate, now)),
        candidate.topic or "-",
        candidate.source,
        min(candidate.story_size, 6),
        candidate.origins,
        mask,
    )
    slots += own
    slots.append(popularity_slot)
    values += (1.0,) * len(own)
    values.append(math.log1p(max(0.0, candidate.popularity)))


@lru_cache(maxsize=1 << 16)
def _item_slots(
    bucket: str, topic: str, source: str, coverage: int, origins: tuple[str, ...], mask: int
) -> tuple[int, ...]:
    """Slots of a story's own indicator features (most pages repeat each combination)."""
    names = [f"age={bucket}", f"topic={topic}", f"source={source}", f"coverage={coverage}"]
    # a dict of names keeps one of each: duplicates are dropped as ``features`` does
    names += (f"origin={origin}" for origin in dict.fromkeys(origins))
    return (_BIAS & mask, *(_slot(name) & mask for name in names))


def _encoded(slots: list[int], values: list[float], offsets: list[int]) -> Encoded:
    return Encoded(
        np.asarray(slots, dtype=np.int64),
        np.asarray(values, dtype=np.float32),
        np.asarray(offsets, dtype=np.int64),
    )
