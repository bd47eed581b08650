"""The feed and its learner: the ranking stage wired to the store and the event log.

:class:`FeedService` builds a reader's page: candidate stories from the store (the
last week's, with their outlets, entities, embeddings and recent clicks), the
reader's controls and profile, then the personal ranking (online model + MMR page
builder), or the editorial "top stories" or "latest" feed when personalisation is
off or asked for. :func:`learn_ranking` reads new events (impressions, clicks,
dwell times, hides, "less like this") and, per event, updates the reader's profile
and the online model; both are stored with the learner's cursor by compare-and-set,
so concurrent learners never apply an event twice and a click reaches the next
page within the same request.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from tidings.errors import StoreError
from tidings.headlines.bandit import dwell_satisfaction
from tidings.pipeline.candidates import CandidatePool
from tidings.rank.online import OnlineLogistic
from tidings.rank.profile import updated_profile
from tidings.rank.ranker import Example, Ranker
from tidings.rank.rerank import build_feed, latest, top_stories
from tidings.records import Event, FeedCandidate, RankedStory, ReaderControls, ReaderProfile
from tidings.store import Store
from tidings.timestamps import parse_timestamp, utcnow_iso

log = logging.getLogger(__name__)

#: Event consumer and model name of the ranking learner.
RANKER = "ranker"
FEED_KINDS = ("impression", "click", "dwell", "hide", "less_like_this")
MODES = ("personal", "top", "latest")
#: Impressions at this position or lower down a page teach the ranker nothing: the
#: reader may never have scrolled to them (a click there still counts). It also keeps
#: the learner's work per page served at a third of a 30-item page.
SEEN_POSITIONS = 10
#: A click counts this much until its dwell time arrives (as for headlines).
PROVISIONAL = 0.5


def _now(now: datetime | None) -> datetime:
    value = now or parse_timestamp(utcnow_iso())
    assert value is not None
    return value


def load_ranker(store: Store) -> Ranker:
    """The ranker with the model state last stored (a fresh one before any event).

    The cursor is read before the model: the model is at least that far along, and a
    learner that starts from this cursor is refused by compare-and-set if it is further.
    """
    cursor = store.event_cursor(RANKER)
    blob = store.load_model(RANKER)
    if blob is None:
        return Ranker(cursor=cursor)
    try:
        return Ranker(OnlineLogistic.from_bytes(blob), cursor)
    except (ValueError, KeyError, OSError) as exc:
        log.warning("stored ranking model unreadable (%s): starting afresh", exc)
        return Ranker()


def follow_stored(store: Store, ranker: Ranker) -> bool:
    """Take the stored model and cursor in place (servers share ``ranker``) when
    another learner (a second server process, a batch retraining) moved the stored
    cursor away from ``ranker``'s; True if taken."""
    if store.event_cursor(RANKER) == ranker.cursor:
        return False
    _take_stored(store, ranker)
    return True


def _take_stored(store: Store, ranker: Ranker) -> None:
    stored = load_ranker(store)
    ranker.model, ranker.cursor = stored.model, stored.cursor


class FeedService:
    """Builds feeds for readers: candidates from the pool, ranked by the stored ranker.

    A server keeps one ``pool`` (and one ranker) for all requests; without one, a
    pool is loaded from the store for this service alone.
    """

    def __init__(
        self, store: Store, ranker: Ranker | None = None, pool: CandidatePool | None = None
    ) -> None:
        self.store = store
        self.ranker = ranker or load_ranker(store)
        self.pool = pool or CandidatePool(store, background=False)

    def candidates(
        self,
        now: datetime,
        reader: str | None = None,
        *,
        profile: ReaderProfile | None = None,
        controls: ReaderControls | None = None,
    ) -> list[FeedCandidate]:
        """A few hundred stories for one page of ``reader``'s feed, each marked with
        where it came from (fresh, trending, similar, followed, collaborative)."""
        if reader and profile is None:
            profile = self.store.reader_profiles([reader]).get(reader)
        return self.pool.retrieve(now, reader=reader, profile=profile, controls=controls)

    def feed(
        self,
        reader: str | None,
        *,
        mode: str = "personal",
        limit: int = 30,
        now: datetime | None = None,
    ) -> tuple[list[RankedStory], str]:
        """The page and the mode actually served (``personal`` falls back to ``top``
        for a reader who switched personalisation off)."""
        if mode not in MODES:
            raise ValueError(f"unknown feed mode {mode!r} (one of {', '.join(MODES)})")
        when = _now(now)
        controls = self.store.reader_controls(reader) if reader else ReaderControls()
        if mode == "latest":
            newest = self.pool.newest(when, limit + len(controls.muted) * 10 + 100)
            return latest(newest, controls=controls, limit=limit), mode
        if mode == "top" or not controls.personalized or reader is None:
            candidates = self.pool.retrieve(when, controls=controls)
            return top_stories(candidates, controls=controls, now=when, limit=limit), "top"
        profile = self.store.reader_profiles([reader]).get(reader) or ReaderProfile(reader)
        candidates = self.candidates(when, reader, profile=profile, controls=controls)
        unread = [c for c in candidates if c.story_id not in profile.read] or candidates
        # reasons are read off the model for the stories that make the page only
        scored = self.ranker.score(profile, unread, when, explain=0)
        page = build_feed(scored, profile=profile, controls=controls, now=when, limit=limit)
        found = self.ranker.explain(profile, [entry.candidate for entry in page], when)
        # the page's own reasons ("you follow …", "a different outlet's view") come first
        return [
            replace(entry, reasons=(*entry.reasons, *reasons))
            for entry, reasons in zip(page, found, strict=True)
        ], "personal"


def learn_ranking(
    store: Store,
    ranker: Ranker,
    *,
    batch: int = 500,
    now: datetime | None = None,
    max_events: int | None = None,
) -> int:
    """Apply new feedback events to readers' profiles and the online model; returns how
    many events were applied (all there are, or about ``max_events`` at most, so that a
    caller under load returns and a later call goes on). ``ranker`` is updated in place.

    The events are read ``batch`` at a time, and the profiles, the model and the cursor
    are stored together once at the end (one compare-and-set): the model is megabytes,
    and storing it after every batch cost more than learning the batch.
    """
    when = _now(now)
    # carry on from another learner's model, or its learning would be overwritten by ours
    follow_stored(store, ranker)
    cursor = position = ranker.cursor
    applied = 0
    profiles: dict[str, ReaderProfile] = {}
    while max_events is None or applied < max_events:
        events = store.events_after(position, kinds=FEED_KINDS, limit=batch)
        if not events:
            break
        missing = sorted({e.reader for e in events if e.reader and e.reader not in profiles})
        profiles.update(store.reader_profiles(missing))
        candidates = _candidates_for(store, events)
        for event in events:
            if not event.reader:
                continue
            candidate = candidates.get(event.article_id or -1)
            if candidate is None:
                continue
            profile = profiles.get(event.reader) or ReaderProfile(event.reader)
            ranker.learn(_examples(event, profile, candidate), when)
            profiles[event.reader] = updated_profile(profile, event, candidate)
            if event.kind in ("hide", "less_like_this"):
                store.set_control(event.reader, "story", str(candidate.story_id), "mute")
        position, applied = events[-1].id, applied + len(events)
    if not applied:
        return 0
    saved = store.save_learning(
        list(profiles.values()),
        {RANKER: ranker.model.to_bytes()},
        consumer=RANKER,
        expected_cursor=cursor,
        new_cursor=position,
    )
    if saved:
        ranker.cursor = position
        return applied
    _take_stored(store, ranker)  # another learner applied these events first
    return 0


def retrain_ranking(store: Store, *, passes: int = 2, batch: int = 2000) -> tuple[Ranker, int]:
    """Batch retraining: replay the whole event log into a fresh model (``passes`` times;
    profiles are rebuilt on the first pass) and store it with the learner's cursor at
    the last event replayed, so the online learner carries on from there. Returns the
    new ranker and the number of events replayed. A learner that moved the cursor
    meanwhile wins; the replay is then retried on the longer log (three times)."""
    for _attempt in range(3):
        ranker = Ranker()
        cursor_before = store.event_cursor(RANKER)
        profiles: dict[str, ReaderProfile] = {}
        last = 0
        replayed = 0
        for replay in range(max(1, passes)):
            after = 0
            while events := store.events_after(after, kinds=FEED_KINDS, limit=batch):
                after = events[-1].id
                candidates = _candidates_for(store, events)
                for event in events:
                    candidate = candidates.get(event.article_id or -1)
                    if not event.reader or candidate is None:
                        continue
                    profile = profiles.get(event.reader) or ReaderProfile(event.reader)
                    ranker.learn(_examples(event, profile, candidate), _now(None))
                    if replay == 0:
                        profiles[event.reader] = updated_profile(profile, event, candidate)
                        replayed += 1
            last = max(last, after)
        last = max(last, cursor_before)  # never move the online learner backwards
        if store.save_learning(
            list(profiles.values()),
            {RANKER: ranker.model.to_bytes()},
            consumer=RANKER,
            expected_cursor=cursor_before,
            new_cursor=last,
        ):
            log.info("ranker retrained on %d events (%d passes)", replayed, passes)
            ranker.cursor = last
            return ranker, replayed
    raise StoreError("the event log kept moving: retraining gave way to the online learner")


def _candidates_for(store: Store, events: list[Event]) -> dict[int, FeedCandidate]:
    """The stories the events are about, as the ranker saw them (by article id)."""
    return store.stories_of_articles(sorted({e.article_id for e in events if e.article_id}))


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _examples(event: Event, profile: ReaderProfile, candidate: FeedCandidate) -> list[Example]:
    position = _int(event.data.get("position"))
    if event.kind == "impression":
        if position is not None and position >= SEEN_POSITIONS:
            return []  # below the first screen: no evidence the reader saw it
        return [Example(profile, candidate, 0.0, 1.0, position)]
    if event.kind == "click":
        return [Example(profile, candidate, 1.0, PROVISIONAL, position)]
    if event.kind == "dwell":
        seconds = event.data.get("seconds")
        if not isinstance(seconds, int | float):
            return []
        # Settle the provisional credit of the click: up for a read, down for a bounce.
        satisfaction = dwell_satisfaction(float(seconds))
        if satisfaction >= PROVISIONAL:
            return [Example(profile, candidate, 1.0, satisfaction - PROVISIONAL, position)]
        return [Example(profile, candidate, 0.0, PROVISIONAL - satisfaction, position)]
    weight = 3.0 if event.kind == "hide" else 5.0
    return [Example(profile, candidate, 0.0, weight, position)]
