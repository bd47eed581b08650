"""The learners behind the server: headline records and the feed ranker, fed by the
event log.

Both learners read the log from their own cursor and move it by compare-and-set, so
any number of callers may run them. In the server, one run at a time per app: a
request that records events runs them at once (a click reaches the reader's next
page), unless a run is under way, which then picks its events up too. Feed pages
log impressions without running them; :class:`LearningTicker` runs them every
second in the background so those are learned too, and each run is bounded
(``MAX_EVENTS_PER_RUN``) so a request never waits behind a long backlog.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import cast

from starlette.datastructures import State

from tidings.pipeline.headlines import learn_from_events
from tidings.pipeline.rank import learn_ranking, load_ranker
from tidings.rank.ranker import Ranker
from tidings.store.base import Store

log = logging.getLogger(__name__)

#: Seconds between background runs.
LEARN_INTERVAL = 1.0
#: Events the ranking learner applies in one run at most.
MAX_EVENTS_PER_RUN = 5000

_STATE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Learned:
    headlines: int
    ranking: int


def shared_ranker(state: State, store: Store) -> Ranker:
    """One ranker per app, loaded from the store on first use, learning in place."""
    with _STATE_LOCK:
        ranker = getattr(state, "ranker", None)
        if ranker is None:
            ranker = load_ranker(store)
            state.ranker = ranker
        return cast(Ranker, ranker)


def _guard(state: State) -> threading.Lock:
    with _STATE_LOCK:
        guard = getattr(state, "learning_guard", None)
        if guard is None:
            guard = threading.Lock()
            state.learning_guard = guard
        return cast(threading.Lock, guard)


def learn_now(state: State, store: Store) -> Learned:
    """Run both learners unless a run is under way (which picks the new events up)."""
    guard = _guard(state)
    if not guard.acquire(blocking=False):
        return Learned(0, 0)
    try:
        headlines = learn_from_events(store)
        try:
            ranking = learn_ranking(
                store, shared_ranker(state, store), max_events=MAX_EVENTS_PER_RUN
            )
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
            except Exception:  # logged; the next tick tries again
                log.exception("background learning failed")
