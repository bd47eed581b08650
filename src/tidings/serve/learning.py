"""The learners behind the server: headline records and the feed ranker, fed by the
event log.

Both learners read the log from their own cursor and move it by compare-and-set, so
any number of callers may run them. In the server, one run at a time per app: a
request that records events runs them at once (a click reaches the reader's next
page), unless a run is under way, which then picks its events up too. Feed pages
log impressions without running them; :class:`LearningTicker` runs them every
``LEARN_INTERVAL`` seconds in the background so those are learned too, and each run is
bounded (``MAX_EVENTS_PER_RUN``; ``MAX_EVENTS_IN_REQUEST`` in a request) so a request
never waits behind a long backlog.

With several server processes (``tidings serve --workers N``) one of them learns: the
first to take the store's ``LEARNER_LOCK``, for its lifetime (another takes over when
it dies). The others take the model it stores every ``FOLLOW_INTERVAL`` seconds; the
readers' profiles they read from the store at every page are the learner's within a
second.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from starlette.datastructures import State

from tidings.pipeline.headlines import learn_from_events
from tidings.pipeline.rank import follow_stored, learn_ranking, load_ranker
from tidings.rank.ranker import Ranker
from tidings.serve.deps import app_singleton
from tidings.store.base import Store

log = logging.getLogger(__name__)

#: Seconds between background runs. Each run that learned something stores the ranking
#: model (megabytes) with the readers' profiles: every second, that cost ~12% of a core
#: on a busy server.
LEARN_INTERVAL = 3.0
#: Events the ranking learner applies in one run at most (5,000 a second at most in
#: the background, above the ~2,000 a second one core learns).
MAX_EVENTS_PER_RUN = 15000
#: ... in a run a request makes before it answers (``POST /events``, a click): one
#: batch, so the reader's next page reflects the click on a quiet server, and the
#: request never waits for a backlog under load (the background run takes it).
MAX_EVENTS_IN_REQUEST = 500
#: The store lock held by the one server process that learns (``Store.hold_lock``):
#: with ``--workers N`` the others follow its stored model instead of learning the
#: same events again and losing the compare-and-set (the model is megabytes).
LEARNER_LOCK = "learners"
#: How often a following process looks for a newer stored model, in seconds.
FOLLOW_INTERVAL = 5.0

_STATE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Learned:
    headlines: int
    ranking: int


def shared_ranker(state: State, store: Store) -> Ranker:
    """One ranker per app, loaded from the store on first use, learning in place."""
    return app_singleton(state, "ranker", lambda: load_ranker(store))


def _guard(state: State) -> threading.Lock:
    return app_singleton(state, "learning_guard", threading.Lock)


def follow(state: State, store: Store) -> bool:
    """Take the ranking model the learning process stored, if it moved on since this
    process last looked (at most every ``FOLLOW_INTERVAL`` seconds); True if taken."""
    ranker = shared_ranker(state, store)
    now = time.monotonic()
    with _STATE_LOCK:
        if now - getattr(state, "followed_at", 0.0) < FOLLOW_INTERVAL:
            return False
        state.followed_at = now
    return follow_stored(store, ranker)


def learn_now(state: State, store: Store, *, max_events: int = MAX_EVENTS_PER_RUN) -> Learned:
    """Run both learners unless a run is under way (which picks the new events up), or
    unless another process of the server learns (``LEARNER_LOCK``): this one's
    :class:`LearningTicker` then follows the model that process stores."""
    if not store.hold_lock(LEARNER_LOCK):
        return Learned(0, 0)  # the background ticker follows the learner's model
    guard = _guard(state)
    if not guard.acquire(blocking=False):
        return Learned(0, 0)
    try:
        headlines = learn_from_events(store)
        try:
            ranking = learn_ranking(store, shared_ranker(state, store), max_events=max_events)
        except Exception:  # the events are stored; the next run catches up
            log.exception("ranking learner failed")
            ranking = 0
        return Learned(headlines, ranking)
    finally:
        guard.release()


class LearningTicker:
    """Runs :func:`learn_now` every ``interval`` seconds in a daemon thread."""

    def __init__(self, state: State, store: Store, interval: float = LEARN_INTERVAL) -> None:
        self.state = state
        self.store = store
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="learners", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                learn_now(self.state, self.store)
                if not self.store.hold_lock(LEARNER_LOCK):
                    follow(self.state, self.store)  # never in a request: loads megabytes
            except Exception:  # logged; the next tick tries again
                log.exception("background learning failed")
