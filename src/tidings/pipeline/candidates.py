"""The feed's candidate stories, kept in memory by the serving process.

Ranking a page must take milliseconds on a store of a hundred thousand recent
stories, so candidates are not queried per request. A :class:`CandidatePool` holds
the stories of the candidate window (their representative, topic, outlets,
entities, embedding), lists of them newest first per topic, outlet and entity, an
approximate nearest-neighbour index of their embeddings, and their recent activity
(clicks, reports joining). A request *retrieves* a few hundred candidates from it
(:meth:`CandidatePool.retrieve`), the way large recommenders do before ranking:

- ``fresh``: the newest stories;
- ``trending``: the most clicked lately, and stories many reports joined lately;
- ``regional``: the most clicked lately by readers of the reader's region (a setting);
- ``similar``: the nearest neighbours of the reader's interest vector;
- ``followed``: the newest of the topics, outlets and entities the reader boosted or
  reads most;
- ``collaborative``: what readers who read what this reader read also read.

The pool refreshes itself from the store: stories changed since its last look every
``refresh_seconds`` (an indexed query), activity every ``activity_seconds`` (clicks
and reports lately: a grouped count), and a full reload every
``reload_seconds`` (stories merged away, the window moved). Refreshes after the first
run in a background thread and swap in an immutable snapshot, so a request never
waits for one; the first build of the neighbour index also runs in the background
(until it is ready, ``similar`` is left out and the interest similarity still ranks).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from tidings.nlp.ann import VectorIndex
from tidings.pipeline.pool_index import load_or_build
from tidings.records import FeedCandidate, ReaderControls, ReaderProfile
from tidings.store import Store

log = logging.getLogger(__name__)

#: Stories last published longer ago than this are not candidates.
CANDIDATE_WINDOW = timedelta(days=7)
#: Clicks within this window make a story popular (trending).
POPULAR_WINDOW = timedelta(hours=48)
#: Reports joining a story within this window make it breaking news (trending).
BURST_WINDOW = timedelta(hours=6)
#: A story that gained this many reports within ``BURST_WINDOW`` is breaking.
BURST_REPORTS = 3
#: Clicks within ``POPULAR_WINDOW`` that make a story trending.
TRENDING_CLICKS = 3
#: Clicks by readers of one region within ``POPULAR_WINDOW`` that make a story popular
#: in that region.
REGIONAL_CLICKS = 2
MAX_CANDIDATES = 300
#: How many candidates each source contributes at most (a page shows 30: ten times
#: that is enough to rank and diversify, and each candidate costs ranking time).
FRESH, TRENDING, SIMILAR, FOLLOWED, COLLABORATIVE, REGIONAL = 100, 40, 100, 20, 40, 20
#: The reader's strongest topics, outlets and entities that retrieve stories.
TOP_TOPICS, TOP_SOURCES, TOP_ENTITIES = 3, 3, 5
#: How long a reader's collaborative neighbours are reused.
COLLABORATIVE_TTL = 60.0


@dataclass(frozen=True)
class PoolSnapshot:
    """The pool's content at one refresh; never changed, replaced whole."""

    stories: dict[int, FeedCandidate] = field(default_factory=dict)
    #: Story ids, newest first.
    newest: tuple[int, ...] = ()
    #: ("topic" | "source" | "entity", value) → story ids, newest first.
    by_key: dict[tuple[str, str], tuple[int, ...]] = field(default_factory=dict)
    #: Representative article id → story id.
    by_article: dict[int, int] = field(default_factory=dict)
    #: Story id → (clicks lately, reports joined lately).
    activity: dict[int, tuple[int, int]] = field(default_factory=dict)
    #: Story ids by clicks lately (most first), then breaking stories.
    trending: tuple[int, ...] = ()
    #: Region → story ids its readers clicked lately (most first).
    regional: dict[str, tuple[int, ...]] = field(default_factory=dict)
    #: The latest change time of a story seen (the next refresh reads after it).
    watermark: str | None = None


def _newest_key(candidate: FeedCandidate) -> tuple[str, int]:
    return (candidate.published_at or "", candidate.story_id)


def _keys(candidate: FeedCandidate) -> list[tuple[str, str]]:
    """The ``by_key`` lists a story is on: its outlet, first entities, topic."""
    keys = [("source", candidate.source)] + [("entity", e) for e in candidate.entities[:8]]
    if candidate.topic:
        keys.append(("topic", candidate.topic))
    return keys


def _trending(
    stories: dict[int, FeedCandidate], activity: dict[int, tuple[int, int]]
) -> tuple[int, ...]:
    clicked = sorted(
        (sid for sid, (clicks, _) in activity.items() if clicks and sid in stories),
        key=lambda sid: (-activity[sid][0], -sid),
    )
    breaking = [
        sid for sid, (_, joined) in activity.items() if joined >= BURST_REPORTS and sid in stories
    ]
    return tuple(dict.fromkeys(clicked + sorted(breaking, reverse=True)))


def _by_region(
    stories: dict[int, FeedCandidate], clicks: dict[str, dict[int, int]]
) -> dict[str, tuple[int, ...]]:
    """Each region's stories in the pool with ``REGIONAL_CLICKS`` clicks or more lately,
    most clicked first."""
    out: dict[str, tuple[int, ...]] = {}
    for region, counts in clicks.items():
        ids = [sid for sid, n in counts.items() if n >= REGIONAL_CLICKS and sid in stories]
        if ids:
            out[region] = tuple(sorted(ids, key=lambda sid: (-counts[sid], -sid)))
    return out


def _still_in(
    regional: dict[str, tuple[int, ...]], stories: dict[int, FeedCandidate]
) -> dict[str, tuple[int, ...]]:
    """``regional`` without the stories no longer in the pool."""
    out = {region: tuple(sid for sid in ids if sid in stories) for region, ids in regional.items()}
    return {region: ids for region, ids in out.items() if ids}


def _snapshot(
    stories: dict[int, FeedCandidate],
    activity: dict[int, tuple[int, int]],
    watermark: str | None,
    regional: dict[str, dict[int, int]] | None = None,
) -> PoolSnapshot:
    """A snapshot built from scratch (sorting every story: ~0.4 s for 100,000)."""
    newest = sorted(stories.values(), key=_newest_key, reverse=True)
    by_key: dict[tuple[str, str], list[int]] = {}
    for c in newest:
        for key in _keys(c):
            by_key.setdefault(key, []).append(c.story_id)
    return PoolSnapshot(
        stories=stories,
        newest=tuple(c.story_id for c in newest),
        by_key={k: tuple(v) for k, v in by_key.items()},
        by_article={c.article_id: c.story_id for c in newest},
        activity=activity,
        trending=_trending(stories, activity),
        regional=_by_region(stories, regional or {}),
        watermark=watermark,
    )


def _merge_newest(
    ids: Sequence[int], stories: dict[int, FeedCandidate], drop: set[int], add: list[int]
) -> tuple[int, ...]:
    """``ids`` (newest first) without ``drop``, with ``add`` put in their places."""
    kept = [sid for sid in ids if sid not in drop] if drop else list(ids)
    if not add:
        return tuple(kept)
    added = sorted(add, key=lambda sid: _newest_key(stories[sid]), reverse=True)
    out: list[int] = []
    i = 0
    for sid in added:
        key = _newest_key(stories[sid])
        while i < len(kept) and _newest_key(stories[kept[i]]) > key:
            out.append(kept[i])
            i += 1
        out.append(sid)
    out.extend(kept[i:])
    return tuple(out)


def _patched(
    old: PoolSnapshot,
    stories: dict[int, FeedCandidate],
    activity: dict[int, tuple[int, int]],
    watermark: str | None,
    changed: Sequence[FeedCandidate],
    removed: Sequence[int],
    regional: dict[str, dict[int, int]] | None = None,
) -> PoolSnapshot:
    """``old`` with a few stories changed or gone, without sorting every story again.
    ``regional``: the regions' clicks when they were read again (else kept).

    An incremental refresh every few seconds must not hold the interpreter for the
    ~0.4 s a whole rebuild takes on a large pool (every request waits meanwhile): with
    nothing changed the lists are reused, else only the lists a changed story is on
    are patched.
    """
    unchanged = not changed and not removed
    if unchanged and activity is old.activity:
        trending = old.trending
    else:
        trending = _trending(stories, activity)
    if regional is not None:
        by_region = _by_region(stories, regional)
    elif unchanged:
        by_region = old.regional
    else:
        by_region = _still_in(old.regional, stories)
    if unchanged:
        return replace(
            old,
            stories=stories,
            activity=activity,
            trending=trending,
            regional=by_region,
            watermark=watermark,
        )
    moved = {c.story_id for c in changed} | set(removed)
    gone_before = [old.stories[sid] for sid in moved if sid in old.stories]
    added = list(dict.fromkeys(c.story_id for c in changed if c.story_id in stories))
    by_key = dict(old.by_key)
    touched: dict[tuple[str, str], list[int]] = {}
    for c in gone_before:
        for key in _keys(c):
            touched.setdefault(key, [])
    for sid in added:
        for key in _keys(stories[sid]):
            touched.setdefault(key, []).append(sid)
    for key, add in touched.items():
        merged = _merge_newest(old.by_key.get(key, ()), stories, moved, add)
        if merged:
            by_key[key] = merged
        else:
            by_key.pop(key, None)
    by_article = {a: sid for a, sid in old.by_article.items() if sid not in moved}
    by_article.update((stories[sid].article_id, sid) for sid in added)
    return PoolSnapshot(
        stories=stories,
        newest=_merge_newest(old.newest, stories, moved, added),
        by_key=by_key,
        by_article=by_article,
        activity=activity,
        trending=trending,
        regional=by_region,
        watermark=watermark,
    )


#: Above this many changed stories an incremental refresh rebuilds the snapshot whole.
PATCH_MAX_CHANGES = 2000


def _marked(candidate: FeedCandidate, popularity: float, origins: tuple[str, ...]) -> FeedCandidate:
    """``dataclasses.replace(candidate, popularity=…, origins=…)`` at a sixth of the cost
    (1.4 µs instead of 8: it runs for every candidate of every page). The copy shares
    the other fields' values, as ``replace`` does, without running ``__init__`` again."""
    marked = object.__new__(FeedCandidate)
    marked.__dict__.update(candidate.__dict__, popularity=popularity, origins=origins)
    return marked


def _vector(candidate: FeedCandidate) -> np.ndarray | None:
    if candidate.embedding is None:
        return None
    return np.frombuffer(candidate.embedding, dtype=np.float32)


class CandidatePool:
    """Recent stories in memory, refreshed from the store (see the module docs).

    With ``background`` (the server's choice), refreshes and index builds run in one
    daemon thread of the pool's own; without it (tests, one-off commands) they run in
    the calling thread when due.
    """

    def __init__(
        self,
        store: Store,
        *,
        refresh_seconds: float = 5.0,
        activity_seconds: float = 30.0,
        reload_seconds: float = 600.0,
        background: bool = True,
        index_path: Path | None = None,
    ) -> None:
        self.store = store
        #: The neighbour index's file, shared with other processes (``pool_index``).
        self.index_path = index_path
        self.refresh_seconds = refresh_seconds
        self.activity_seconds = activity_seconds
        self._activity_at = 0.0
        self.reload_seconds = reload_seconds
        self.background = background
        self._snapshot: PoolSnapshot | None = None
        self._index: VectorIndex | None = None
        self._dim: int | None = None
        self._index_stale = True
        self._refreshed = 0.0
        self._reloaded = 0.0
        self._lock = threading.Lock()
        self._first = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._now: datetime | None = None
        self._peers: dict[str, tuple[float, dict[int, int]]] = {}

    @property
    def stories(self) -> int:
        """Stories in the pool now (0 before the first load)."""
        snap = self._snapshot
        return len(snap.stories) if snap is not None else 0

    @property
    def ready(self) -> bool:
        """Loaded, and its neighbour index built: pages are complete and fast."""
        return self._snapshot is not None and not self._index_stale

    # --- refreshing ----------------------------------------------------------------

    def snapshot(self, now: datetime) -> PoolSnapshot:
        """The current snapshot; the first call loads it, later ones ask for a refresh
        when one is due (done in the background) and return at once."""
        current = self._snapshot
        if current is None:
            with self._first:
                if self._snapshot is None:
                    self._refresh(now, full=True)
                    self._reloaded = self._refreshed
            current = self._snapshot
            assert current is not None
        if self._due() or self._index_stale:
            self._now = now
            if self.background:
                self._start()
                self._wake.set()
            else:
                self._step(now)
                current = self._snapshot or current
        return current

    def _due(self) -> bool:
        return time.monotonic() - self._refreshed >= self.refresh_seconds

    def close(self, timeout: float = 30.0) -> None:
        """Stop the background thread, waiting for a refresh under way to end: the store
        must not be closed under a query of this thread's (SQLite would crash)."""
        with self._lock:
            self._closed = True
            thread = self._thread
        self._wake.set()
        if thread is not None:
            thread.join(timeout)

    def _start(self) -> None:
        with self._lock:
            if self._closed:
                return
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="candidate-pool", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._closed:
                return
            try:
                self._step(self._now)
            except Exception:  # a failed refresh keeps the old snapshot; the next retries
                log.exception("candidate pool refresh failed")

    def _step(self, now: datetime | None) -> None:
        when = now or datetime.now().astimezone()
        if self._due():
            full = time.monotonic() - self._reloaded >= self.reload_seconds
            self._refresh(when, full=full)
            if full:
                self._reloaded = self._refreshed
        if self._index_stale:
            self._build_index()

    def _refresh(self, now: datetime, *, full: bool) -> None:
        started = time.perf_counter()
        window = (now - CANDIDATE_WINDOW).isoformat(timespec="seconds")
        old = self._snapshot
        if full or old is None:
            rows = self.store.story_pool(published_after=window)
            stories = {c.story_id: c for c, _ in rows}
            changed: list[FeedCandidate] = []
            removed: list[int] = []
        else:
            rows = self.store.story_pool(published_after=window, changed_after=old.watermark)
            stories = {sid: c for sid, c in old.stories.items() if (c.published_at or "") >= window}
            removed = [sid for sid in old.stories if sid not in stories]
            changed = [c for c, _ in rows]
            stories.update((c.story_id, c) for c in changed)
        watermark = max((changed_at for _, changed_at in rows), default=None)
        if old is not None and old.watermark and (watermark is None or watermark < old.watermark):
            watermark = old.watermark
        regional: dict[str, dict[int, int]] | None = None
        if old is None or time.monotonic() - self._activity_at >= self.activity_seconds:
            popular_after = (now - POPULAR_WINDOW).isoformat(timespec="seconds")
            activity = self.store.story_activity(
                clicks_after=popular_after,
                joined_after=(now - BURST_WINDOW).isoformat(timespec="seconds"),
            )
            regional = self.store.regional_clicks(clicks_after=popular_after)
            self._activity_at = time.monotonic()
        else:
            activity = old.activity
        if full or old is None or len(changed) + len(removed) > PATCH_MAX_CHANGES:
            snapshot = _snapshot(stories, activity, watermark, regional)
            if regional is None and old is not None:  # not read again: the old, still here
                snapshot = replace(snapshot, regional=_still_in(old.regional, stories))
        else:
            snapshot = _patched(old, stories, activity, watermark, changed, removed, regional)
        with self._lock:
            self._snapshot = snapshot
            self._refreshed = time.monotonic()
            if full or old is None:
                self._index_stale = True
        if not (full or old is None):
            self._update_index(changed, removed)
        log.debug(
            "candidate pool: %d stories (%d changed, %d gone) in %.0f ms",
            len(stories),
            len(changed),
            len(removed),
            1000 * (time.perf_counter() - started),
        )

    def _build_index(self) -> None:
        """A fresh neighbour index of the snapshot's stories (swapped in when built)."""
        snap = self._snapshot
        if snap is None:
            return
        started = time.perf_counter()
        vectors = [(sid, v) for sid, c in snap.stories.items() if (v := _vector(c)) is not None]
        index: VectorIndex | None = None
        dim: int | None = None
        if vectors:
            counts: dict[int, int] = {}
            for _, v in vectors:
                counts[len(v)] = counts.get(len(v), 0) + 1
            dim = max(counts, key=lambda d: counts[d])  # the configured model's, mostly
            same = {sid: v for sid, v in vectors if len(v) == dim}
            index = load_or_build(same, dim, self.index_path)
        with self._lock:
            self._index, self._dim, self._index_stale = index, dim, False
            latest = self._snapshot
        if latest is not None and latest is not snap and index is not None:
            # stories that changed while the index was built
            self._update_index(
                [c for sid, c in latest.stories.items() if c is not snap.stories.get(sid)],
                [sid for sid in snap.stories if sid not in latest.stories],
            )
        log.info(
            "candidate pool index: %d stories in %.1f s",
            len(index) if index is not None else 0,
            time.perf_counter() - started,
        )

    def _update_index(self, changed: Sequence[FeedCandidate], removed: Iterable[int]) -> None:
        with self._lock:
            index, dim = self._index, self._dim
        if index is None:
            return
        for sid in removed:
            index.remove(sid)
        same = [(c.story_id, v) for c in changed if (v := _vector(c)) is not None and len(v) == dim]
        if same:
            index.add_many([sid for sid, _ in same], np.stack([v for _, v in same]))

    # --- retrieval -----------------------------------------------------------------

    def _collaborative(self, reader: str) -> dict[int, int]:
        cached = self._peers.get(reader)
        if cached is not None and time.monotonic() - cached[0] < COLLABORATIVE_TTL:
            return cached[1]
        peers = self.store.co_read(reader)
        if len(self._peers) > 10_000:
            self._peers.clear()
        self._peers[reader] = (time.monotonic(), peers)
        return peers

    def retrieve(
        self,
        now: datetime,
        *,
        reader: str | None = None,
        profile: ReaderProfile | None = None,
        controls: ReaderControls | None = None,
        limit: int = MAX_CANDIDATES,
    ) -> list[FeedCandidate]:
        """Candidates for one page: each source's best (see the module docs), one
        entry per story, each marked with the sources that found it."""
        snap = self.snapshot(now)
        found: dict[int, list[str]] = {}

        def take(ids: Iterable[int], origin: str, most: int) -> None:
            taken = 0
            for sid in ids:
                if taken >= most:
                    break
                if sid in snap.stories:
                    found.setdefault(sid, []).append(origin)
                    taken += 1

        take(snap.newest, "fresh", FRESH)
        take(snap.trending, "trending", TRENDING)
        if controls is not None and controls.region:
            take(snap.regional.get(controls.region, ()), "regional", REGIONAL)
        if profile is not None and profile.interest is not None:
            take(self._similar(profile.interest), "similar", SIMILAR)
        follows: list[tuple[str, str]] = []
        if controls is not None:
            follows += sorted(k for k in controls.boosted if k[0] in ("topic", "source", "entity"))
        if profile is not None:
            for kind, table, top in (
                ("topic", profile.topics, TOP_TOPICS),
                ("source", profile.sources, TOP_SOURCES),
                ("entity", profile.entities, TOP_ENTITIES),
            ):
                best = sorted(((w, k) for k, w in table.items() if w > 0), reverse=True)[:top]
                follows += [(kind, k) for _, k in best]
        for key in dict.fromkeys(follows):
            take(snap.by_key.get(key, ()), "followed", FOLLOWED)
        if reader:
            peers = self._collaborative(reader)
            ranked = sorted(peers, key=lambda a: (-peers[a], -a))
            take(
                (snap.by_article[a] for a in ranked if a in snap.by_article),
                "collaborative",
                COLLABORATIVE,
            )
        out: list[FeedCandidate] = []
        for sid, sources in list(found.items())[:limit]:
            clicks, joined = snap.activity.get(sid, (0, 0))
            hot = clicks >= TRENDING_CLICKS or joined >= BURST_REPORTS
            origins = [*sources, "trending"] if hot and "trending" not in sources else sources
            out.append(_marked(snap.stories[sid], float(clicks), tuple(origins)))
        return out

    def _similar(self, interest: bytes) -> list[int]:
        with self._lock:
            index, dim = self._index, self._dim
        vector = np.frombuffer(interest, dtype=np.float32)
        if index is None or len(vector) != dim:
            return []
        return [n.article_id for n in index.search(vector, SIMILAR)]

    def newest(self, now: datetime, limit: int) -> list[FeedCandidate]:
        """The newest stories (the chronological feed's candidates)."""
        snap = self.snapshot(now)
        return [snap.stories[sid] for sid in snap.newest[:limit]]
