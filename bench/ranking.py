"""Ranking benchmark (issue 6): a reader simulator over real articles, four feeds compared.

One command runs the evaluation and prints the comparison table:

    HF_HUB_OFFLINE=1 nice .venv/bin/python bench/ranking.py --jobs 2   # 300 readers, 14 days
    HF_HUB_OFFLINE=1 nice .venv/bin/python bench/ranking.py --readers 100 --days 10 --seed 3
    ... --policies chronological,oracle      # the headroom: ranking by the readers' true taste

The world (``bench/ranking_world.py``) is AG News' test set with Tidings' own embeddings,
or synthetic clusters when ``../shared`` is absent (``--synthetic`` forces them). Fresh
items arrive every day; near-duplicates from different outlets become multi-outlet
stories. Each simulated reader visits at most once a day and is served a page of 10 by
one of four policies, all run on the same world with the same seeds:

- ``chronological``: :func:`tidings.rank.rerank.latest`;
- ``popularity``: the most clicked of the candidate stories, newest first among ties;
- ``click-optimised``: the same :class:`~tidings.rank.ranker.Ranker`, learning click
  labels (weight 1, dwell ignored, hides ignored) and serving the top 10 scores;
- ``tidings``: the Ranker learning dwell-weighted satisfaction, hides as weighted
  negatives, then :func:`~tidings.rank.rerank.build_feed` over the model's top 40
  (freshness, MMR diversity, perspective and exploration slots, hides honoured).

Candidates are the stories of the last 36 hours the reader has not been shown. Both
model policies see the same features (popularity = clicks for one, satisfied reads for
the other) and learn online after every session, with the position of each impression.
Timings (ms per page) are of the page alone, on this machine, under whatever else runs.
What readers do is described in :class:`Reader` and :meth:`Simulation._session`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench.ranking_world import World, ag_news_world, synthetic_world  # noqa: E402

from tidings.rank import interests  # noqa: E402
from tidings.rank.ranker import NEGATIVE_WEIGHTS, Example, Ranker  # noqa: E402
from tidings.rank.rerank import build_feed, latest  # noqa: E402
from tidings.records import (  # noqa: E402
    FeedCandidate,
    RankedStory,
    ReaderControls,
    ReaderProfile,
)

POLICIES = ("chronological", "popularity", "click-optimised", "tidings")
#: Diagnostic only (``--policies oracle``): ranks by the reader's true taste, bait unseen.
DIAGNOSTIC = ("oracle",)
EPOCH = datetime(2026, 11, 2, tzinfo=UTC)
PAGE = 10
#: Candidates: stories of the last this many hours the reader has not been shown.
WINDOW_HOURS = 36.0
#: Tidings re-ranks the model's top this many (candidate generation, then re-rank).
RERANK_POOL = 40
#: Share of readers who acquire a new interest halfway through.
DRIFT_SHARE = 0.4
#: Contentment at which a reader comes back tomorrow about half the time.
RETURN_MIDPOINT = 0.35
#: Drifted readers count for pick-up once they visited this often after the drift.
PICKUP_VISITS = 3
#: Issue 6: a new interest should reach the top 10 within this many clicks.
PICKUP_CLICKS = 5


# --- the reader model -----------------------------------------------------------------


def examine(position: int) -> float:
    """Position bias: the chance a reader looks at rank ``position`` (0-based)."""
    return 1.0 / math.log2(position + 2)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@dataclass
class Reader:
    """A simulated reader: latent taste over clusters and outlets, which may drift.

    Click appeal of an item is ``pref[cluster] + outlet taste + 0.9 if bait + quality
    - fatigue`` (fatigue: 0.35 per same-cluster item already looked at this session,
    0.3 more per one already clicked), times the position bias. A click yields a dwell
    time: bait ~7 s, otherwise growing with quality and how much the reader likes the
    cluster; satisfaction is ``min(1, dwell / 60 s)``. A session's worth is its
    satisfaction, less 0.25 per bounce (< 10 s) and a monotony penalty when the last
    three pages were concentrated on few clusters. ``contentment`` is a running mean of
    that worth, and the chance of coming back tomorrow rises with it: returns are the
    long-term value.
    """

    name: str
    pref: npt.NDArray[np.float64]
    outlet_pref: dict[str, float]
    drift_day: int | None = None
    new_cluster: int = -1
    contentment: float = 0.5
    recent: deque[list[int]] = field(default_factory=lambda: deque(maxlen=3))
    seen: set[int] = field(default_factory=set)
    # what a ranking policy knows (built from its own label: clicks or satisfaction)
    topics: dict[str, float] = field(default_factory=dict)
    sources: dict[str, float] = field(default_factory=dict)
    #: :mod:`tidings.rank.interests` (centroids of reads, common direction of shown).
    interest: bytes | None = None
    read: set[int] = field(default_factory=set)
    hidden: set[int] = field(default_factory=set)
    events: int = 0
    # drift bookkeeping: feedback events (clicks and hides) and clicks since the drift,
    # and how many of each there had been when the new interest first reached the page
    events_since_drift: int = 0
    clicks_since_drift: int = 0
    drifted: bool = False
    visits_since_drift: int = 0
    new_interest_shown: int = 0
    shown_since_drift: int = 0
    pickup_clicks: int | None = None
    pickup_events: int | None = None
    pickup_two: int | None = None

    def profile(self) -> ReaderProfile:
        return ReaderProfile(
            self.name,
            topics=dict(self.topics),
            sources=dict(self.sources),
            interest=self.interest,
            read=frozenset(self.read),
            events=self.events,
        )

    def absorb(self, topic: str, source: str, vector: npt.NDArray[np.float32], w: float) -> None:
        """A read with weight ``w`` enters the profile (decayed sums, as the store would)."""
        for table, key in ((self.topics, topic), (self.sources, source)):
            for k in table:
                table[k] *= 0.97
            table[key] = table.get(key, 0.0) + w
        self.interest = interests.read(self.interest, vector, w)

    def shown(self, vectors: npt.NDArray[np.float32]) -> None:
        """Impressions enter the profile (as :func:`tidings.rank.profile.updated_profile`)."""
        for vector in vectors:
            self.interest = interests.shown(self.interest, vector)

    def return_probability(self) -> float:
        return 0.08 + 0.9 * _sigmoid(3.0 * (self.contentment - RETURN_MIDPOINT))


def make_readers(count: int, world: World, days: int, seed: int) -> list[Reader]:
    rng = np.random.default_rng([seed, 11])
    outlets = sorted(set(world.outlets))
    readers = []
    for r in range(count):
        pref = rng.normal(-0.25, 0.3, size=world.clusters)
        core = rng.choice(world.clusters, size=2, replace=False)
        pref[core[0]] = rng.uniform(1.0, 1.4)
        pref[core[1]] = rng.uniform(0.6, 1.0)
        taste = {o: float(rng.normal(0, 0.2)) for o in outlets}
        reader = Reader(f"r{r}", pref, taste)
        if rng.random() < DRIFT_SHARE and days >= 4:
            reader.drift_day = days // 2
            others = [c for c in range(world.clusters) if c not in core]
            reader.new_cluster = int(rng.choice(others))
        readers.append(reader)
    return readers


# --- the simulation ---------------------------------------------------------------------


@dataclass
class Story:
    sid: int
    rep: int
    members: list[int]
    hours: float
    candidate: FeedCandidate


def schedule(world: World, days: int, per_day: int, seed: int) -> list[Story]:
    """Items arrive at random hours, ``per_day`` a day from day -1 (a backlog); items
    of one day closer than the day's 99.7th percentile of similarity, from different
    outlets, become one story (the first one its representative)."""
    rng = np.random.default_rng([seed, 5])
    order = rng.permutation(len(world))
    needed = (days + 1) * per_day
    if needed > len(order):
        order = np.concatenate([order] * (needed // len(order) + 1))
    stories: list[Story] = []
    for day in range(-1, days):
        batch = order[(day + 1) * per_day : (day + 2) * per_day]
        hours = np.sort(rng.uniform(0, 24, size=len(batch))) + 24 * day
        vecs = world.vectors[batch]
        sims = vecs @ vecs.T
        np.fill_diagonal(sims, -1)
        threshold = float(np.quantile(sims[np.triu_indices(len(batch), 1)], 0.997))
        owner = [-1] * len(batch)
        groups: dict[int, list[int]] = {}
        for i in range(len(batch)):
            for j in range(i):
                if owner[j] == j and sims[i, j] >= threshold:
                    outs = {world.outlets[int(batch[m])] for m in groups[j]}
                    if world.outlets[int(batch[i])] not in outs:
                        owner[i] = j
                        groups[j].append(i)
                        break
            if owner[i] < 0:
                owner[i] = i
                groups[i] = [i]
        for j, members in groups.items():
            items = [int(batch[m]) for m in members]
            rep = items[0]
            sid = len(stories) + 1
            published = EPOCH + timedelta(hours=float(hours[j]))
            outlets = tuple(dict.fromkeys(world.outlets[i] for i in items))
            candidate = FeedCandidate(
                story_id=sid,
                article_id=rep,
                title=world.titles[rep],
                topic=world.topics[rep],
                source=world.outlets[rep],
                outlets=outlets,
                published_at=published.isoformat(),
                story_size=len(items),
                embedding=world.vectors[rep].astype(np.float32).tobytes(),
                origins=("fresh",),
            )
            stories.append(Story(sid, rep, items, float(hours[j]), candidate))
    stories.sort(key=lambda s: s.hours)
    return stories


class Simulation:
    """One policy over the whole horizon; every policy gets the same world and seeds."""

    def __init__(
        self,
        policy: str,
        world: World,
        readers: int,
        days: int,
        per_day: int,
        seed: int,
    ) -> None:
        if policy not in POLICIES + DIAGNOSTIC:
            raise ValueError(f"unknown policy {policy!r}")
        self.policy = policy
        self.world = world
        self.days = days
        self.seed = seed
        self.stories = schedule(world, days, per_day, seed)
        self.by_id = {s.sid: s for s in self.stories}
        self.readers = make_readers(readers, world, days, seed)
        self.ranker: Ranker | None = None
        if policy in ("click-optimised", "tidings"):
            self.ranker = Ranker()
        self.clicks: dict[int, float] = {}
        self.satisfied: dict[int, float] = {}
        self.all_outlets = len(set(world.outlets))
        self.stats: dict[str, float] = dict.fromkeys(
            [
                "pages",
                "impressions",
                "clicks",
                "satisfaction",
                "bounces",
                "bait_shown",
                "bait_clicked",
                "hides",
                "ild_embedding",
                "ild_topic",
                "page_seconds",
                "learn_seconds",
                "sessions_followed",
                "sessions_returned",
            ],
            0.0,
        )
        self.active_days = np.zeros(readers)
        self.outlets_shown: list[set[str]] = [set() for _ in range(readers)]

    # -- candidates and pages

    def _candidates(self, reader: Reader, hour: float) -> list[FeedCandidate]:
        out = []
        tidings = self.policy == "tidings"
        for story in self.stories:
            if story.hours > hour:
                break
            if story.hours < hour - WINDOW_HOURS or story.sid in reader.seen:
                continue
            pop = (self.satisfied if tidings else self.clicks).get(story.sid, 0.0)
            out.append(replace(story.candidate, popularity=pop) if pop else story.candidate)
        return out

    def _page(
        self, reader: Reader, candidates: list[FeedCandidate], now: datetime
    ) -> list[FeedCandidate]:
        if self.policy == "chronological":
            page = latest(candidates, controls=ReaderControls(), limit=PAGE)
            return [p.candidate for p in page]
        if self.policy == "popularity":
            ranked = sorted(
                candidates,
                key=lambda c: (self.clicks.get(c.story_id, 0.0), c.published_at or ""),
                reverse=True,
            )
            return ranked[:PAGE]
        if self.policy == "oracle":
            world = self.world
            ranked = sorted(
                candidates,
                key=lambda c: (
                    -(
                        reader.pref[int(world.cluster[c.article_id])]
                        + reader.outlet_pref.get(c.source, 0.0)
                    )
                ),
            )
            return ranked[:PAGE]
        assert self.ranker is not None
        scored = self.ranker.score(reader.profile(), candidates, now)
        scored.sort(key=lambda s: -s.score)
        if self.policy == "click-optimised":
            return [s.candidate for s in scored[:PAGE]]
        controls = ReaderControls(hidden=frozenset(reader.hidden))
        feed: list[RankedStory] = build_feed(
            scored[:RERANK_POOL], profile=reader.profile(), controls=controls, now=now, limit=PAGE
        )
        return [f.candidate for f in feed]

    # -- one visit

    def _session(self, index: int, reader: Reader, hour: float, rng: np.random.Generator) -> None:
        world = self.world
        now = EPOCH + timedelta(hours=hour)
        candidates = self._candidates(reader, hour)
        started = time.perf_counter()
        shown = self._page(reader, candidates, now)
        page = [c.story_id for c in shown]
        self.stats["page_seconds"] += time.perf_counter() - started
        self.stats["pages"] += 1
        if not page:
            return
        reps = [self.by_id[sid].rep for sid in page]
        clusters = [int(world.cluster[i]) for i in reps]
        if reader.drifted:
            reader.visits_since_drift += 1
            new = sum(1 for c in clusters if c == reader.new_cluster)
            reader.new_interest_shown += new
            reader.shown_since_drift += len(clusters)
            if new and reader.pickup_clicks is None:
                reader.pickup_clicks = reader.clicks_since_drift
                reader.pickup_events = reader.events_since_drift
            if new >= 2 and reader.pickup_two is None:
                reader.pickup_two = reader.clicks_since_drift
        vecs = world.vectors[reps]
        if len(reps) > 1:
            sims = vecs @ vecs.T
            pairs = len(reps) * (len(reps) - 1)
            self.stats["ild_embedding"] += 1 - (float(sims.sum()) - float(np.trace(sims))) / pairs
            topics = [world.topics[i] for i in reps]
            same = sum(1 for a in topics for b in topics if a == b) - len(topics)
            self.stats["ild_topic"] += 1 - same / pairs
        self.outlets_shown[index].update(world.outlets[i] for i in reps)
        looked: dict[int, int] = {}
        clicked_cluster: dict[int, int] = {}
        satisfaction = 0.0
        bounces = 0
        outcomes: list[tuple[int, float, bool, bool]] = []  # (sid, satisfaction, click, hide)
        for position, (sid, item, cluster) in enumerate(zip(page, reps, clusters, strict=True)):
            reader.seen.add(sid)
            bait = bool(world.bait[item])
            self.stats["impressions"] += 1
            self.stats["bait_shown"] += bait
            appeal = (
                reader.pref[cluster]
                + reader.outlet_pref.get(world.outlets[item], 0.0)
                + (0.9 if bait else 0.0)
                + 0.4 * (float(world.quality[item]) - 0.7)
                - 0.35 * looked.get(cluster, 0)
                - 0.3 * clicked_cluster.get(cluster, 0)
            )
            seen_it = rng.random() < examine(position)
            if seen_it:
                looked[cluster] = looked.get(cluster, 0) + 1
            if seen_it and rng.random() < _sigmoid(2.5 * appeal - 2.0):
                clicked_cluster[cluster] = clicked_cluster.get(cluster, 0) + 1
                if bait:
                    dwell = 7.0 * math.exp(rng.normal(0, 0.4))
                else:
                    liking = _sigmoid(3.0 * reader.pref[cluster])
                    mean = 15.0 + 100.0 * float(world.quality[item]) * liking
                    dwell = mean * math.exp(rng.normal(0, 0.5))
                s = min(1.0, dwell / 60.0)
                bounce = dwell < 10.0
                hide = bounce and rng.random() < 0.4
                satisfaction += s
                bounces += bounce
                self.stats["clicks"] += 1
                self.stats["bait_clicked"] += bait
                outcomes.append((sid, s, True, hide))
                reader.events += 1 + hide
                if reader.drifted:
                    reader.clicks_since_drift += 1
                    reader.events_since_drift += 1 + hide
            else:
                hide = seen_it and reader.pref[cluster] < -0.5 and rng.random() < 0.05
                outcomes.append((sid, 0.0, False, hide))
                reader.events += hide
                if reader.drifted:
                    reader.events_since_drift += hide
            self.stats["hides"] += hide
        self.stats["satisfaction"] += satisfaction
        self.stats["bounces"] += bounces
        # long-term: worth of this visit, monotony across the last three pages
        reader.recent.append(clusters)
        recent = [c for p in reader.recent for c in p]
        shares = np.bincount(recent, minlength=world.clusters) / len(recent)
        herfindahl = float(np.sum(shares**2))
        worth = satisfaction - 0.25 * bounces - 2.0 * max(0.0, herfindahl - 0.2)
        reader.contentment = 0.6 * reader.contentment + 0.4 * worth
        started = time.perf_counter()
        self._learn(reader, shown, outcomes, now)
        self.stats["learn_seconds"] += time.perf_counter() - started

    def _learn(
        self,
        reader: Reader,
        shown: list[FeedCandidate],
        outcomes: list[tuple[int, float, bool, bool]],
        now: datetime,
    ) -> None:
        for sid, s, click, _ in outcomes:
            if click:
                self.clicks[sid] = self.clicks.get(sid, 0.0) + 1
                self.satisfied[sid] = self.satisfied.get(sid, 0.0) + s
        if self.ranker is None:
            return
        tidings = self.policy == "tidings"
        profile = reader.profile()  # the profile the page was ranked with
        reader.shown(self.world.vectors[[self.by_id[c.story_id].rep for c in shown]])
        examples = []
        # learnt as shown (with the popularity it had then)
        for position, (candidate, (_, s, click, hide)) in enumerate(
            zip(shown, outcomes, strict=True)
        ):
            if tidings:
                label = s if click else 0.0
                weight = NEGATIVE_WEIGHTS["hide"] if hide else 1.0
            else:
                label, weight = float(click), 1.0
            examples.append(Example(profile, candidate, label, weight, position))
        self.ranker.learn(examples, now)
        for sid, s, click, hide in outcomes:
            if hide and tidings:
                reader.hidden.add(sid)
            if click:
                item = self.by_id[sid].rep
                reader.read.add(sid)
                reader.absorb(
                    self.world.topics[item],
                    self.world.outlets[item],
                    self.world.vectors[item],
                    s if tidings else 1.0,
                )

    # -- the horizon

    def run(self) -> dict[str, Any]:
        rng = np.random.default_rng([self.seed, 17])  # the same draws for every policy
        active = np.ones(len(self.readers), dtype=bool)
        for day in range(self.days):
            for reader in self.readers:
                if reader.drift_day == day:
                    reader.pref[reader.new_cluster] = 1.3
                    reader.drifted = True
            hours = 24 * day + rng.uniform(7, 23, size=len(self.readers))
            visits = [i for i in np.argsort(hours) if active[i]]
            for i in visits:
                # one uniform stream per reader and day, independent of the policy
                sub = np.random.default_rng([self.seed, 19, day, int(i)])
                self._session(int(i), self.readers[i], float(hours[i]), sub)
                self.active_days[i] += 1
            tomorrow = np.asarray([rng.random() for _ in self.readers])
            nxt = np.asarray(
                [tomorrow[i] < r.return_probability() for i, r in enumerate(self.readers)]
            )
            if day < self.days - 1:
                self.stats["sessions_followed"] += float(active.sum())
                self.stats["sessions_returned"] += float((active & nxt).sum())
            active = nxt
        return self._figures()

    def _figures(self) -> dict[str, Any]:
        st = self.stats
        pages = max(st["pages"], 1.0)
        drifted = [r for r in self.readers if r.visits_since_drift >= PICKUP_VISITS]

        def median(values: list[int | None]) -> float | None:
            got = sorted(v for v in values if v is not None)
            # readers never picked up count as beyond every observed value
            missing = len(values) - len(got)
            ordered = got + [10**9] * missing
            if not ordered:
                return None
            mid = ordered[len(ordered) // 2]
            return None if mid >= 10**9 else float(mid)

        def within(values: list[int | None]) -> float:
            hits = sum(1 for v in values if v is not None and v <= PICKUP_CLICKS)
            return hits / max(len(values), 1)

        readers = len(self.readers)
        return {
            "policy": self.policy,
            "pages": int(st["pages"]),
            "ctr": st["clicks"] / max(st["impressions"], 1.0),
            "satisfaction_per_page": st["satisfaction"] / pages,
            "satisfaction_per_reader": st["satisfaction"] / readers,
            "active_days": float(self.active_days.mean()),
            "return_rate": st["sessions_returned"] / max(st["sessions_followed"], 1.0),
            "ild_embedding": st["ild_embedding"] / pages,
            "ild_topic": st["ild_topic"] / pages,
            "outlet_coverage": float(np.mean([len(s) for s in self.outlets_shown]))
            / self.all_outlets,
            "bait_share_shown": st["bait_shown"] / max(st["impressions"], 1.0),
            "bait_share_clicked": st["bait_clicked"] / max(st["clicks"], 1.0),
            "bounce_rate": st["bounces"] / max(st["clicks"], 1.0),
            "hides": int(st["hides"]),
            "drifted_readers": len(drifted),
            "outlets": self.all_outlets,
            "pickup_clicks_median": median([r.pickup_clicks for r in drifted]),
            "pickup_events_median": median([r.pickup_events for r in drifted]),
            "pickup_within": within([r.pickup_clicks for r in drifted]),
            "pickup_share": sum(r.pickup_clicks is not None for r in drifted)
            / max(len(drifted), 1),
            "pickup2_clicks_median": median([r.pickup_two for r in drifted]),
            "pickup2_within": within([r.pickup_two for r in drifted]),
            "new_interest_share": sum(r.new_interest_shown for r in drifted)
            / max(sum(r.shown_since_drift for r in drifted), 1),
            "pickup2_share": sum(r.pickup_two is not None for r in drifted) / max(len(drifted), 1),
            "ms_per_page": 1000 * st["page_seconds"] / pages,
            "learn_ms_per_session": 1000 * st["learn_seconds"] / pages,
        }


def _one(args: tuple[str, World, int, int, int, int]) -> dict[str, Any]:
    policy, world, readers, days, per_day, seed = args
    return Simulation(policy, world, readers, days, per_day, seed).run()


def run(
    *,
    readers: int = 300,
    days: int = 14,
    per_day: int = 100,
    seed: int = 0,
    synthetic: bool = False,
    policies: tuple[str, ...] = POLICIES,
    jobs: int = 1,
    world: World | None = None,
) -> dict[str, Any]:
    """Every policy over the same world and readers; figures per policy."""
    if world is None:
        world = None if synthetic else ag_news_world(seed=seed)
        if world is None:
            world = synthetic_world(seed=seed)
    tasks = [(p, world, readers, days, per_day, seed) for p in policies]
    started = time.perf_counter()
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_one, tasks))
    else:
        results = [_one(t) for t in tasks]
    return {
        "world": world.source,
        "readers": readers,
        "days": days,
        "items_per_day": per_day,
        "seed": seed,
        "seconds": time.perf_counter() - started,
        "policies": {r["policy"]: r for r in results},
    }


def _fmt(value: Any, kind: str) -> str:
    if value is None:
        return "never"
    if kind == "pct":
        return f"{100 * value:.1f}%"
    if kind == "int":
        return f"{value:.0f}"
    return f"{value:.{kind}f}"


ROWS = (
    ("click-through", "ctr", "pct"),
    ("satisfaction / page", "satisfaction_per_page", "3"),
    ("satisfaction / reader (long-term)", "satisfaction_per_reader", "2"),
    ("active days / reader", "active_days", "2"),
    ("return rate (next day)", "return_rate", "pct"),
    ("intra-list diversity (embedding)", "ild_embedding", "3"),
    ("intra-list diversity (topic)", "ild_topic", "3"),
    ("outlet coverage", "outlet_coverage", "pct"),
    ("bait share of impressions", "bait_share_shown", "pct"),
    ("bait share of clicks", "bait_share_clicked", "pct"),
    ("bounces / click", "bounce_rate", "pct"),
    ("new interest: clicks until in top 10 (median)", "pickup_clicks_median", "int"),
    ("new interest: events until in top 10 (median)", "pickup_events_median", "int"),
    (f"new interest: in top 10 within {PICKUP_CLICKS} clicks", "pickup_within", "pct"),
    ("new interest: in top 10 at all", "pickup_share", "pct"),
    ("new interest: clicks until 2 in top 10 (median)", "pickup2_clicks_median", "int"),
    (f"new interest: 2 in top 10 within {PICKUP_CLICKS} clicks", "pickup2_within", "pct"),
    ("new interest: reached 2 in top 10", "pickup2_share", "pct"),
    ("new interest: share of pages after drift", "new_interest_share", "pct"),
    ("ms / page", "ms_per_page", "2"),
    ("learn ms / session", "learn_ms_per_session", "2"),
)


def print_table(result: dict[str, Any]) -> None:
    figures = result["policies"]
    names = list(figures)
    print(
        f"\nReader simulation: {result['readers']} readers x {result['days']} days, "
        f"{result['items_per_day']} items/day, seed {result['seed']}; {result['world']}"
    )
    print(f"{'':<42}" + "".join(f"{n:>17}" for n in names))
    for label, key, kind in ROWS:
        print(f"{label:<42}" + "".join(f"{_fmt(figures[n][key], kind):>17}" for n in names))
    some = figures[names[0]]
    print(
        f"(new interest: {some['drifted_readers']} drifted readers with >= {PICKUP_VISITS} "
        "visits after the drift; clicks and events (clicks and hides) counted from the "
        "drift to the first page showing the new interest; outlets: "
        f"{some['outlets']})"
    )
    if "tidings" in figures and "click-optimised" in figures:
        t, c = figures["tidings"], figures["click-optimised"]
        gain = t["satisfaction_per_reader"] / max(c["satisfaction_per_reader"], 1e-9) - 1
        loss = 1 - t["ctr"] / max(c["ctr"], 1e-9)
        print(
            f"\nTidings vs click-optimised: long-term satisfaction {gain:+.1%} (target >= +10%), "
            f"click-through {-loss:+.1%} (target >= -5%)"
        )
    print(f"({result['seconds']:.0f} s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=300)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--items-per-day", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--synthetic", action="store_true", help="synthetic items, no data")
    parser.add_argument("--policies", default=",".join(POLICIES))
    parser.add_argument("--jobs", type=int, default=1, help="policies run in parallel")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    policies = tuple(p.strip() for p in args.policies.split(",") if p.strip())
    unknown = set(policies) - set(POLICIES + DIAGNOSTIC)
    if unknown:
        parser.error(f"unknown policies {sorted(unknown)}")
    if not args.synthetic and not (ROOT.parent / "shared" / "data").exists():
        print("../shared/data is absent: using synthetic items")
    result = run(
        readers=args.readers,
        days=args.days,
        per_day=args.items_per_day,
        seed=args.seed,
        synthetic=args.synthetic,
        policies=policies,
        jobs=args.jobs,
    )
    print_table(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
