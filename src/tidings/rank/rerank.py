"""From scores to a feed: reader controls, freshness, diversity, perspectives, exploration.

Scores alone make a monotonous page: five stories on the same topic from the
reader's favourite outlet. The feed is built greedily with Maximal Marginal
Relevance (Carbonell & Goldstein 1998): each next story maximises its (fresh,
boosted) score minus its similarity to what is already on the page (same topic,
same outlet, close embeddings). Then one slot goes to "other perspectives" (a
multi-outlet story from an outlet the reader seldom reads) and one to exploration
(a story the model knows little about), so new interests can show up. Mutes and
hidden stories are filtered first; they always win.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

import numpy as np

from tidings.rank.features import age_hours, interest_similarity
from tidings.rank.ranker import Scored
from tidings.records import FeedCandidate, RankedStory, ReaderControls, ReaderProfile

#: Hours after which a story's score is halved.
HALF_LIFE_HOURS = 36.0
#: Score multiplier for a story matching a boost.
BOOST = 1.5
#: MMR trade-off: 1 = scores only, 0 = diversity only.
RELEVANCE_WEIGHT = 0.7
#: Positions (0-based) of the perspective and exploration slots.
PERSPECTIVE_SLOT = 3
EXPLORE_SLOT = 6
#: Exploration picks a story whose (centred) cosine with every one of the reader's
#: interests is below this (:mod:`tidings.rank.interests`), or of a topic never read.
EXPLORE_SIMILARITY = 0.05
#: An outlet with less than this share of a reader's reading counts as unusual.
UNUSUAL_SOURCE_SHARE = 0.05


def _keys(candidate: FeedCandidate) -> set[tuple[str, str]]:
    keys = {("source", candidate.source)}
    keys.update(("source", o) for o in candidate.outlets)
    if candidate.topic:
        keys.add(("topic", candidate.topic))
    keys.update(("entity", e) for e in candidate.entities)
    keys.update(("keyword", k) for k in candidate.keywords)
    return keys


def allowed(candidate: FeedCandidate, controls: ReaderControls) -> bool:
    """Not hidden and matching none of the reader's mutes."""
    if not controls.muted:  # most readers: nothing to build
        return candidate.story_id not in controls.hidden
    if candidate.story_id in controls.hidden:
        return False
    own = {("source", candidate.source), ("topic", candidate.topic or "")}
    own.update(("entity", e) for e in candidate.entities)
    own.update(("keyword", k) for k in candidate.keywords)
    return not (own & controls.muted)


def boosted(candidate: FeedCandidate, controls: ReaderControls) -> list[tuple[str, str]]:
    if not controls.boosted:
        return []
    return sorted(_keys(candidate) & controls.boosted)


def similarity(a: FeedCandidate, b: FeedCandidate) -> float:
    """How alike two stories look on a page, in [0, 1]."""
    value = 0.0
    if a.topic and a.topic == b.topic:
        value += 0.35
    if a.source == b.source:
        value += 0.25
    if a.embedding is not None and b.embedding is not None:
        va = np.frombuffer(a.embedding, dtype=np.float32)
        vb = np.frombuffer(b.embedding, dtype=np.float32)
        if va.shape == vb.shape:
            value += 0.4 * max(0.0, float(np.dot(va, vb)))
    return min(1.0, value)


def _mmr(candidates: Sequence[FeedCandidate], relevance: Sequence[float], limit: int) -> list[int]:
    """Maximal marginal relevance: indexes of ``limit`` candidates, each the best
    ``RELEVANCE_WEIGHT * relevance - (1 - RELEVANCE_WEIGHT) * (greatest similarity to
    those already chosen)`` (``similarity``, computed for all candidates at once)."""
    n = len(candidates)
    if n == 0:
        return []
    topics = np.array([hash(c.topic) if c.topic else 0 for c in candidates])
    has_topic = np.array([bool(c.topic) for c in candidates])
    sources = np.array([hash(c.source) for c in candidates])
    dims = [len(c.embedding) if c.embedding is not None else 0 for c in candidates]
    dim = max(set(dims), key=dims.count)
    has_vector = np.array([d == dim and d > 0 for d in dims])
    width = max(dim // 4, 1)
    if dim and has_vector.all():  # the usual page: one buffer, one copy
        blob = b"".join(c.embedding or b"" for c in candidates)
        vectors = np.frombuffer(blob, dtype=np.float32).reshape(n, width)
    else:
        vectors = np.zeros((n, width), dtype=np.float32)
        for i, c in enumerate(candidates):
            if has_vector[i] and c.embedding is not None:
                vectors[i] = np.frombuffer(c.embedding, dtype=np.float32)
    objective = RELEVANCE_WEIGHT * np.asarray(relevance, dtype=np.float64)
    closest = np.zeros(n)  # greatest similarity to a chosen candidate
    alive = np.ones(n, dtype=bool)
    chosen: list[int] = []
    while len(chosen) < min(limit, n):
        value = np.where(alive, objective - (1 - RELEVANCE_WEIGHT) * closest, -np.inf)
        best = int(np.argmax(value))
        chosen.append(best)
        alive[best] = False
        alike = 0.25 * (sources == sources[best])
        if has_topic[best]:
            alike = alike + 0.35 * (has_topic & (topics == topics[best]))
        if has_vector[best]:
            cosine = np.clip(vectors @ vectors[best], 0.0, None)
            alike = alike + 0.4 * np.where(has_vector, cosine, 0.0)
        closest = np.maximum(closest, np.minimum(alike, 1.0))
    return chosen


def build_feed(
    scored: Sequence[Scored],
    *,
    profile: ReaderProfile | None,
    controls: ReaderControls,
    now: datetime,
    limit: int,
    explore: bool = True,
) -> list[RankedStory]:
    """The page: controls applied, scores decayed by age and boosted, diversified."""
    pool: list[tuple[Scored, float]] = []
    for original in scored:
        if not allowed(original.candidate, controls):
            continue
        decay = math.pow(0.5, age_hours(original.candidate, now) / HALF_LIFE_HOURS)
        value = original.score * decay
        matches = boosted(original.candidate, controls)
        item = original
        if matches:
            value *= BOOST
            item = replace(original, reasons=(f"you follow {matches[0][1]}", *original.reasons))
        pool.append((item, value))
    # Scores are probabilities (often ~0.1) and similarities lie in [0, 1]: relevance
    # is put on the same scale (the best story = 1) or diversity alone would decide.
    top = max((value for _, value in pool), default=0.0)
    scale = 1.0 / top if top > 0 else 1.0
    chosen = _mmr([item.candidate for item, _ in pool], [v * scale for _, v in pool], limit)
    page = [
        RankedStory(pool[i][0].candidate, pool[i][1], pool[i][0].reasons, "personal")
        for i in chosen
    ]
    taken = set(chosen)
    pool = [entry for i, entry in enumerate(pool) if i not in taken]
    rest = [item for item, _ in sorted(pool, key=lambda iv: -iv[1])]
    _fill_slot(page, rest, PERSPECTIVE_SLOT, lambda c: _unusual(c, profile), "perspective",
               "a different outlet's view", reuse=True)  # fmt: skip
    if explore:  # exploration shows what the scores alone would not
        _fill_slot(page, rest, EXPLORE_SLOT, lambda c: _unexplored(c, profile), "explore",
                   "something new for you", reuse=False)  # fmt: skip
    return page[:limit]


def _fill_slot(
    page: list[RankedStory],
    rest: list[Scored],
    position: int,
    wanted: Callable[[FeedCandidate], bool],
    slot: str,
    reason: str,
    *,
    reuse: bool,
) -> None:
    """Ensure one story ``wanted`` on the page at ``position``: one already on the page
    counts when ``reuse`` (it is relabelled), else one is brought in from ``rest``."""
    if len(page) <= position:
        return
    for i, shown in enumerate(page if reuse else ()):
        if shown.slot == "personal" and wanted(shown.candidate):
            page[i] = replace(shown, slot=slot, reasons=(reason, *shown.reasons))
            return
    for i, item in enumerate(rest):
        if wanted(item.candidate):
            rest.pop(i)
            page.insert(
                position, RankedStory(item.candidate, item.score, (reason, *item.reasons), slot)
            )
            return


def _unusual(candidate: FeedCandidate, profile: ReaderProfile | None) -> bool:
    if candidate.story_size < 2:
        return False
    if profile is None or not profile.sources:
        return True
    total = sum(profile.sources.values())
    if total <= 0:  # outlets read once, their weights decayed to nothing
        return True
    return profile.sources.get(candidate.source, 0.0) / total < UNUSUAL_SOURCE_SHARE


def _unexplored(candidate: FeedCandidate, profile: ReaderProfile | None) -> bool:
    """A topic the reader never read, or a story far from all their interests."""
    if profile is None:
        return True
    if (candidate.topic or "-") not in profile.topics:
        return True
    if profile.interest is None or candidate.embedding is None:
        return False
    return interest_similarity(profile, candidate) < EXPLORE_SIMILARITY


def top_stories(
    candidates: Sequence[FeedCandidate], *, controls: ReaderControls, now: datetime, limit: int
) -> list[RankedStory]:
    """The editorial feed, the same for everyone: stories many outlets cover, fresh,
    read to the end by many, diversified like the personal one."""
    scored = [
        Scored(
            c,
            math.log1p(c.story_size) + 0.5 * math.log1p(c.popularity),
            (f"covered by {c.story_size} outlets",) if c.story_size > 1 else ("fresh",),
        )
        for c in candidates
    ]
    page = build_feed(scored, profile=None, controls=controls, now=now, limit=limit, explore=False)
    return [replace(item, slot="top") for item in page]


def latest(
    candidates: Sequence[FeedCandidate], *, controls: ReaderControls, limit: int
) -> list[RankedStory]:
    """Newest first, nothing personal (mutes still apply)."""
    kept = [c for c in candidates if allowed(c, controls)]
    kept.sort(key=lambda c: (c.published_at or "", c.story_id), reverse=True)
    return [RankedStory(c, 0.0, ("newest first",), "latest") for c in kept[:limit]]
