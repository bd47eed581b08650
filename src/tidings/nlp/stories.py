"""Online story clustering: articles about one event, across outlets and languages.

Each article arrives once (:meth:`StoryClusterer.assign`) with its embedding (a
multilingual model, so an English and a Chinese report of one event are close),
its entities (normalised strings) and its publication time. It joins the best
*live* story or starts a new one:

- **Candidates** are stories with a member published within ``window`` of the
  article (72 h by default): an event from last month is never today's story,
  however similar the words.
- **Score** = cosine(article, story centroid *in the article's language*)
  + ``entity_weight`` × share of the article's entities the story already has
  − ``time_weight`` × (time gap to the story / window).
  A story with no member in the article's language is compared through its
  closest other-language centroid plus ``cross_lingual_bonus``: the model's
  similarities across languages run lower than within one, and the two reports
  share no entity strings (:func:`anchor_terms` gives them numbers, codes and
  Latin-script names in common instead). Keeping one centroid per language stops a
  story with many languages from attracting everything.
- The article joins the best story if its score reaches ``join_threshold``.

Stories develop:

- **Merge**: when the story that grew now sits within ``merge_threshold`` of another
  live story (centroid cosine, entity boost included), the younger is folded into
  the older; the older keeps its id and :class:`StoryAssignment` lists the absorbed
  ids in ``merged_from``.
- **Split**: a story of at least ``split_min_size`` members is checked after it
  grows: members are linked where their pairwise score reaches
  ``split_link_threshold``; if the links fall apart into groups of two or more,
  every group but the one holding the oldest member becomes a new story
  (``split_into``).

Each story keeps its member list and a representative article (the member
closest to the centroid; the earliest on a tie). Everything is deterministic given
the input order. State is exported as plain records (:meth:`snapshot`) and read
back with :meth:`StoryClusterer.restore`; ids are ints that are never reused.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from tidings.records import Story
from tidings.timestamps import parse_timestamp

__all__ = [
    "ClusterSnapshot",
    "RestoredMember",
    "StoryAssignment",
    "StoryClusterer",
    "StoryInput",
    "StoryParams",
    "anchor_terms",
    "story_params",
]

log = logging.getLogger(__name__)

Vector = npt.NDArray[np.float32]


@dataclass(frozen=True, eq=False)
class StoryInput:
    article_id: int
    #: L2-normalised embedding of the article's title + lead (``Embedder.passages``).
    embedding: Vector
    #: Normalised entity strings (people, organisations, places), any order.
    entities: tuple[str, ...] = ()
    #: ISO 8601; None means "now" (the latest time the clusterer has seen).
    published_at: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class StoryAssignment:
    article_id: int
    story_id: int
    #: True when the article started a new story.
    created: bool
    #: Stories folded into ``story_id`` by this assignment (their ids are retired).
    merged_from: tuple[int, ...] = ()
    #: New stories split off the article's story by this assignment.
    split_into: tuple[int, ...] = ()
    #: Every story whose member list changed (rewrite these in the store; the ids
    #: in ``merged_from`` are gone).
    changed: tuple[int, ...] = ()


@dataclass(frozen=True, eq=False)
class RestoredMember:
    """What :meth:`StoryClusterer.restore` needs of a member article (from the store)."""

    embedding: Vector | None
    published_at: str | None = None
    language: str | None = None
    entities: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClusterSnapshot:
    """Everything needed to restart the clusterer where it stopped."""

    next_story_id: int
    #: The latest publication time seen (ISO 8601), the clock for undated articles.
    clock: str | None
    stories: tuple[Story, ...]


@dataclass(frozen=True)
class StoryParams:
    #: Hours around a story's members within which an article may join it.
    window_hours: float = 72.0
    #: Calibrated for multilingual-e5-small on title+lead windows (bench/nlp.py): its
    #: cosines are compressed (unrelated news ≈ 0.75, one event ≈ 0.86–0.93).
    join_threshold: float = 0.89
    merge_threshold: float = 0.92
    entity_weight: float = 0.04
    time_weight: float = 0.02
    #: Cross-language cosines of one event run ~0.08 below same-language ones.
    cross_lingual_bonus: float = 0.08
    split_min_size: int = 4
    split_link_threshold: float = 0.84
    #: Stories whose latest member is older than this (hours behind the clock) are
    #: no longer candidates and their member vectors are dropped from memory.
    retire_hours: float = 24.0 * 14


@dataclass
class _Story:
    story_id: int
    members: list[int] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    langs: list[str] = field(default_factory=list)
    vectors: list[Vector | None] = field(default_factory=list)
    member_entities: list[tuple[str, ...]] = field(default_factory=list)
    #: Sum of member vectors per language ("" for unknown).
    lang_sums: dict[str, Vector] = field(default_factory=dict)
    entities: Counter[str] = field(default_factory=Counter)
    representative: int = 0
    first: float = 0.0
    last: float = 0.0
    _centroids: dict[str, Vector] | None = None

    @property
    def live(self) -> bool:
        return bool(self.lang_sums)

    def add(
        self,
        article_id: int,
        vector: Vector | None,
        when: float,
        lang: str,
        entities: tuple[str, ...],
    ) -> None:
        if not self.members:
            self.first = self.last = when
        self.first = min(self.first, when)
        self.last = max(self.last, when)
        self.members.append(article_id)
        self.times.append(when)
        self.langs.append(lang)
        self.vectors.append(vector)
        self.member_entities.append(entities)
        self.entities.update(entities)
        if vector is not None:
            total = self.lang_sums.get(lang)
            self.lang_sums[lang] = vector.copy() if total is None else total + vector
        self._centroids = None

    def centroids(self) -> dict[str, Vector]:
        """Unit centroid per language."""
        if self._centroids is None:
            self._centroids = {lang: _unit(total) for lang, total in self.lang_sums.items()}
        return self._centroids

    def centroid(self) -> Vector:
        """Unit centroid over all members (each language weighted by its members)."""
        return _unit(np.sum(np.stack(list(self.lang_sums.values())), axis=0))

    def forget_vectors(self) -> None:
        self.vectors = [None] * len(self.members)
        self.lang_sums = {}
        self._centroids = None


def _ts(value: str | None) -> float | None:
    if not value:
        return None
    parsed = parse_timestamp(value)
    if parsed is None:
        return None
    return parsed.timestamp()


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).isoformat()


def _unit(vector: Vector) -> Vector:
    v = np.asarray(vector, dtype=np.float32).reshape(-1)
    norm = float(np.linalg.norm(v))
    return v if norm == 0.0 else (v / norm).astype(np.float32)


_NUMBER = re.compile(r"(?<![A-Za-z0-9.])\d+(?:[.,]\d+)*(?:\s?%)?")
_CODE = re.compile(r"\b(?=[A-Za-z0-9-]*[A-Za-z])(?=[A-Za-z0-9-]*\d)[A-Za-z0-9-]{2,}\b")
_LATIN_IN_CJK = re.compile(r"[A-Za-z][A-Za-z0-9.&-]*[A-Za-z0-9]|[A-Z]")
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
_COMMON_NUMBERS = frozenset({str(n) for n in range(0, 32)} | {"2023", "2024", "2025", "2026"})


def anchor_terms(text: str) -> tuple[str, ...]:
    """Terms that read the same in every language: cross-lingual evidence of one event.

    Numbers (``7.2``, ``4.25%`` → ``4.25%``, ``600``; small counts, days of the month
    and years left out), codes that mix letters and digits (``H5N1``, ``737``,
    ``iPhone 16e`` → ``16e``), acronyms (``NASA``, ``FAA``) and, in Chinese or
    Japanese text, the Latin-script names it quotes (``SpaceX``, ``OpenAI``), so that
    they meet the same names in English reports. Prefixed ``#`` so they never collide
    with entity names; give them to :class:`StoryInput` with the entities.
    """
    text = unicodedata.normalize("NFKC", text)
    terms: set[str] = set()
    for match in _NUMBER.finditer(text):
        raw = match.group().replace(" ", "")
        number = raw.rstrip("%").replace(",", "")
        if number in _COMMON_NUMBERS:
            continue
        terms.add("#" + number + ("%" if raw.endswith("%") else ""))
    for match in _CODE.finditer(text):
        terms.add("#" + match.group().casefold())
    for match in _ACRONYM.finditer(text):
        terms.add("#" + match.group().casefold())
    if _CJK_CHAR.search(text):
        for match in _LATIN_IN_CJK.finditer(text):
            terms.add("#" + match.group().casefold())
    else:
        # Capitalised words an English report shares with a Chinese one quoting it.
        for word in re.findall(r"\b[A-Z][a-z]*[A-Z][A-Za-z]*\b", text):
            terms.add("#" + word.casefold())
    return tuple(sorted(terms))


def story_params(model: str) -> StoryParams:
    """Thresholds calibrated for embedding ``model`` (similarities differ by model;
    see :data:`tidings.nlp.backends.STORY_THRESHOLDS`); the defaults otherwise."""
    from tidings.nlp.backends import STORY_THRESHOLDS

    overrides: dict[str, Any] = dict(STORY_THRESHOLDS.get(model, {}))
    return StoryParams(**overrides)


class StoryClusterer:
    """Incremental clustering of articles into stories (see the module docstring)."""

    def __init__(self, params: StoryParams | None = None) -> None:
        self.params = params or StoryParams()
        self._stories: dict[int, _Story] = {}
        self._story_of: dict[int, int] = {}
        self._next_id = 1
        self._clock: float | None = None
        self._assigned = 0

    # --- public API ------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._stories)

    def story_of(self, article_id: int) -> int | None:
        return self._story_of.get(article_id)

    def assign(self, item: StoryInput) -> StoryAssignment:
        """Put one article into a story (a repeat of a known article is a no-op)."""
        known = self._story_of.get(item.article_id)
        if known is not None:
            return StoryAssignment(item.article_id, known, created=False)
        vector = _unit(item.embedding)
        when = _ts(item.published_at)
        if when is None:
            when = self._clock if self._clock is not None else 0.0
        elif self._clock is None or when > self._clock:
            self._clock = when
        entities = tuple(sorted({e for e in item.entities if e}))
        language = item.language or ""

        best_id, best_score = self._best_story(vector, entities, when, language)
        created = best_id is None or best_score < self.params.join_threshold
        story = self._new_story() if created or best_id is None else self._stories[best_id]
        story.add(item.article_id, vector, when, language, entities)
        self._story_of[item.article_id] = story.story_id
        changed = {story.story_id}
        survivor, merged = self._merge(story)
        changed.add(survivor.story_id)
        split = self._maybe_split(survivor)
        changed.update(split)
        for sid in changed:
            if sid in self._stories:
                self._update_representative(self._stories[sid])
        self._assigned += 1
        if self._assigned % 256 == 0:
            self._retire()
        final = self._story_of[item.article_id]
        return StoryAssignment(
            item.article_id,
            final,
            created=created and final == story.story_id and not merged,
            merged_from=merged,
            split_into=split,
            changed=tuple(sorted(sid for sid in changed if sid in self._stories)),
        )

    def stories(self) -> tuple[Story, ...]:
        """Every story, by id."""
        return tuple(self._record(self._stories[sid]) for sid in sorted(self._stories))

    def story(self, story_id: int) -> Story | None:
        story = self._stories.get(story_id)
        return None if story is None else self._record(story)

    def snapshot(self) -> ClusterSnapshot:
        clock = None if self._clock is None else _iso(self._clock)
        return ClusterSnapshot(self._next_id, clock, self.stories())

    @classmethod
    def restore(
        cls,
        snapshot: ClusterSnapshot,
        articles: Mapping[int, RestoredMember],
        params: StoryParams | None = None,
    ) -> StoryClusterer:
        """A clusterer in the state ``snapshot`` describes.

        ``articles`` gives each member's stored embedding, time, language and
        entities (from the store). Members of retired stories (older than
        ``retire_hours``) may be left out: their stories keep their member lists
        but take no new articles.
        """
        self = cls(params)
        self._next_id = snapshot.next_story_id
        self._clock = _ts(snapshot.clock)
        for record in snapshot.stories:
            story = _Story(record.id)
            first = _ts(record.first_published) or 0.0
            for article_id in record.members:
                member = articles.get(article_id)
                if member is None:
                    story.add(article_id, None, first, "", ())
                else:
                    when = _ts(member.published_at)
                    story.add(
                        article_id,
                        None if member.embedding is None else _unit(member.embedding),
                        first if when is None else when,
                        member.language or "",
                        tuple(sorted(set(member.entities))),
                    )
                self._story_of[article_id] = record.id
            if not story.members:
                continue
            story.first = min(story.first, first)
            story.last = max(story.last, _ts(record.last_published) or story.last)
            if any(v is None for v in story.vectors):
                story.forget_vectors()
            story.representative = record.representative
            self._stories[record.id] = story
            self._next_id = max(self._next_id, record.id + 1)
        return self

    # --- scoring ---------------------------------------------------------------------

    def _gap(self, when: float, story: _Story) -> float:
        if story.first <= when <= story.last:
            return 0.0
        return min(abs(when - story.first), abs(when - story.last))

    def _similarity(self, vector: Vector, language: str, story: _Story) -> float:
        """Cosine to the story's centroid in the article's language if it has one,
        else to its closest other-language centroid plus the cross-lingual bonus."""
        centroids = story.centroids()
        own = centroids.get(language)
        if own is not None:
            return float(own @ vector)
        bonus = self.params.cross_lingual_bonus if language else 0.0
        return max(float(c @ vector) for c in centroids.values()) + bonus

    def _entity_share(self, entities: Sequence[str], story: _Story) -> float:
        if not entities:
            return 0.0
        hits = sum(1 for e in entities if story.entities.get(e, 0) > 0)
        return hits / len(entities)

    def _score(
        self, vector: Vector, entities: Sequence[str], when: float, language: str, story: _Story
    ) -> float:
        p = self.params
        window = p.window_hours * 3600.0
        score = self._similarity(vector, language, story)
        score += p.entity_weight * self._entity_share(entities, story)
        score -= p.time_weight * self._gap(when, story) / window
        return score

    def _best_story(
        self, vector: Vector, entities: Sequence[str], when: float, language: str
    ) -> tuple[int | None, float]:
        window = self.params.window_hours * 3600.0
        best_id: int | None = None
        best = -np.inf
        for story_id in sorted(self._stories):
            story = self._stories[story_id]
            if not story.live or self._gap(when, story) > window:
                continue
            score = self._score(vector, entities, when, language, story)
            if score > best:
                best, best_id = score, story_id
        return best_id, float(best)

    def _story_similarity(self, a: _Story, b: _Story) -> float:
        ca, cb = a.centroids(), b.centroids()
        shared = sorted(set(ca) & set(cb))
        if shared:
            best = max(float(ca[lang] @ cb[lang]) for lang in shared)
        else:
            best = max(float(x @ y) for x in ca.values() for y in cb.values())
            best += self.params.cross_lingual_bonus
        top = [e for e, _ in a.entities.most_common(20)]
        return best + self.params.entity_weight * self._entity_share(top, b)

    # --- state changes ---------------------------------------------------------------

    def _new_story(self) -> _Story:
        story = _Story(self._next_id)
        self._next_id += 1
        self._stories[story.story_id] = story
        return story

    def _merge(self, story: _Story) -> tuple[_Story, tuple[int, ...]]:
        """Fold live stories close to ``story`` into the older of each pair."""
        p = self.params
        window = p.window_hours * 3600.0
        merged: list[int] = []
        target = story
        while True:
            partner: _Story | None = None
            for other_id in sorted(self._stories):
                other = self._stories[other_id]
                if other is target or not other.live:
                    continue
                if (
                    self._gap(target.first, other) > window
                    and self._gap(target.last, other) > window
                ):
                    continue
                if self._story_similarity(target, other) >= p.merge_threshold:
                    partner = other
                    break
            if partner is None:
                break
            keep, gone = (
                (target, partner) if target.story_id < partner.story_id else (partner, target)
            )
            self._absorb(keep, gone)
            merged.append(gone.story_id)
            target = keep
        return target, tuple(sorted(merged))

    def _absorb(self, keep: _Story, gone: _Story) -> None:
        for i, article_id in enumerate(gone.members):
            keep.add(
                article_id, gone.vectors[i], gone.times[i], gone.langs[i], gone.member_entities[i]
            )
            self._story_of[article_id] = keep.story_id
        del self._stories[gone.story_id]
        log.debug("story %d merged into %d", gone.story_id, keep.story_id)

    def _maybe_split(self, story: _Story) -> tuple[int, ...]:
        p = self.params
        n = len(story.members)
        if n < p.split_min_size or not story.live or any(v is None for v in story.vectors):
            return ()
        if n > 60 and n % 10:
            return ()
        matrix = np.stack([v for v in story.vectors if v is not None])
        sims = matrix @ matrix.T
        langs = story.langs
        cross = np.array([[a != b and bool(a) and bool(b) for b in langs] for a in langs])
        linked = (sims + p.cross_lingual_bonus * cross) >= p.split_link_threshold
        groups = _components(linked)
        if sum(1 for g in groups if len(g) >= 2) < 2:
            return ()
        # The group holding the oldest member keeps the story's id (the story goes
        # on); if that member is alone, the largest group does.
        oldest = min(range(n), key=lambda i: (story.times[i], i))
        groups.sort(key=lambda g: (not (oldest in g and len(g) >= 2), -len(g), min(g)))
        keep_idx = set(groups[0])
        new_ids: list[int] = []
        moved: list[tuple[_Story, list[int]]] = []
        for group in groups[1:]:
            if len(group) < 2:
                keep_idx.update(group)
                continue
            moved.append((self._new_story(), group))
        old = story
        rebuilt = _Story(old.story_id)
        for i in sorted(keep_idx):
            rebuilt.add(
                old.members[i], old.vectors[i], old.times[i], old.langs[i], old.member_entities[i]
            )
        self._stories[old.story_id] = rebuilt
        for new, group in moved:
            for i in group:
                new.add(
                    old.members[i],
                    old.vectors[i],
                    old.times[i],
                    old.langs[i],
                    old.member_entities[i],
                )
                self._story_of[old.members[i]] = new.story_id
            new_ids.append(new.story_id)
        log.debug("story %d split into %s", old.story_id, new_ids)
        return tuple(new_ids)

    def _update_representative(self, story: _Story) -> None:
        pairs = [(i, v) for i, v in enumerate(story.vectors) if v is not None]
        if not pairs:
            return
        centroid = story.centroid()
        best_i, best_s = pairs[0][0], -np.inf
        for i, v in pairs:
            score = float(v @ centroid)
            if score > best_s + 1e-6 or (
                abs(score - best_s) <= 1e-6 and story.times[i] < story.times[best_i]
            ):
                best_i, best_s = i, score
        story.representative = story.members[best_i]

    def _retire(self) -> None:
        """Forget member vectors of stories that can no longer take articles."""
        if self._clock is None:
            return
        horizon = self._clock - self.params.retire_hours * 3600.0
        for story in self._stories.values():
            if story.live and story.last < horizon:
                story.forget_vectors()

    def _record(self, story: _Story) -> Story:
        langs = tuple(sorted({lang for lang in story.langs if lang}))
        return Story(
            id=story.story_id,
            members=tuple(story.members),
            representative=story.representative,
            first_published=_iso(story.first),
            last_published=_iso(story.last),
            languages=langs,
            entities=tuple(sorted(story.entities.items(), key=lambda kv: (-kv[1], kv[0]))[:50]),
        )


def _components(linked: npt.NDArray[np.bool_]) -> list[list[int]]:
    n = len(linked)
    seen = [False] * n
    groups: list[list[int]] = []
    for start in range(n):
        if seen[start]:
            continue
        stack, group = [start], []
        seen[start] = True
        while stack:
            i = stack.pop()
            group.append(i)
            for j in np.flatnonzero(linked[i]):
                if not seen[j]:
                    seen[j] = True
                    stack.append(int(j))
        groups.append(sorted(group))
    return groups
