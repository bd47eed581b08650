"""The feed service, the online ranking learner and batch retraining on a real store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.pipeline.test_process import FLOOD_EN, QUAKE_EN, add
from tests.stores import TestStores
from tidings.pipeline.process import ProcessJob
from tidings.pipeline.rank import RANKER, FeedService, learn_ranking, load_ranker, retrain_ranking
from tidings.rank.ranker import Ranker
from tidings.store import NewEvent, Store


def ago(hours: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).isoformat(timespec="seconds")


@pytest.fixture
def store(stores: TestStores) -> Store:
    return stores.open()


def test_online_learning_and_batch_retraining_agree(store: Store) -> None:
    quake = add(store, "http://a/quake", *QUAKE_EN, "en", ago(5))
    flood = add(store, "http://c/flood", *FLOOD_EN, "en", ago(4))
    ProcessJob(store).run()
    # Ann reads the flood story to the end every time and ignores the quake.
    events = []
    for _ in range(15):
        events += [
            NewEvent("impression", article_id=quake, reader="ann", data={"position": 0}),
            NewEvent("impression", article_id=flood, reader="ann", data={"position": 1}),
            NewEvent("click", article_id=flood, reader="ann", data={"position": 1}),
            NewEvent("dwell", article_id=flood, reader="ann", data={"seconds": 90}),
        ]
    store.record_events(events)
    ranker = Ranker()
    assert learn_ranking(store, ranker) == 60
    assert learn_ranking(store, ranker) == 0  # nothing new: nothing counted twice
    assert store.event_cursor(RANKER) == store.events_after(0)[-1].id

    def scores(r: Ranker) -> dict[int, float]:
        service = FeedService(store, r)
        profile = store.reader_profiles(["ann"])["ann"]
        found = service.candidates(datetime.now(UTC), "ann")
        return {s.candidate.article_id: s.score for s in r.score(profile, found, datetime.now(UTC))}

    online = scores(load_ranker(store))
    assert online[flood] > online[quake]

    retrained, replayed = retrain_ranking(store, passes=2)
    assert retrained.model.updates == 2 * 60
    assert replayed == 60
    batch = scores(load_ranker(store))
    assert batch[flood] > batch[quake]
    assert store.event_cursor(RANKER) == store.events_after(0)[-1].id
    profile = store.reader_profiles(["ann"])["ann"]
    assert profile.events == 60 and profile.topics


def test_two_learners_never_overwrite_each_other(store: Store) -> None:
    """Two server processes each keep a ranker; each carries on from the other's
    stored model instead of overwriting it (and after a batch retraining likewise)."""
    flood = add(store, "http://c/flood", *FLOOD_EN, "en", ago(4))
    ProcessJob(store).run()

    def read(reader: str) -> None:
        store.record_events(
            [
                NewEvent("click", article_id=flood, reader=reader, data={"position": 0}),
                NewEvent("dwell", article_id=flood, reader=reader, data={"seconds": 90}),
            ]
        )

    first, second = load_ranker(store), load_ranker(store)
    read("ann")
    assert learn_ranking(store, first) == 2
    read("bob")
    assert learn_ranking(store, second) == 2  # second learns on top of first's model
    assert load_ranker(store).model.updates == 2 + 2
    retrained, _ = retrain_ranking(store, passes=1)
    read("cid")
    assert learn_ranking(store, first) == 2  # first carries on from the retrained model
    assert load_ranker(store).model.updates == retrained.model.updates + 2


def test_one_server_process_learns_the_others_follow_its_model(
    store: Store, stores: TestStores, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``--workers N`` only the process holding the learner lock learns; another
    (a second store object on the same database, as a second process has) takes the
    stored model instead of learning the same events again."""
    from starlette.datastructures import State

    from tidings.serve import learning

    monkeypatch.setattr(learning, "FOLLOW_INTERVAL", 0.0)
    flood = add(store, "http://c/flood", *FLOOD_EN, "en", ago(4))
    ProcessJob(store).run()
    other = stores.open()
    try:
        leader, follower = State(), State()
        before = learning.shared_ranker(follower, other).cursor  # the follower serving
        store.record_events(
            [
                NewEvent("click", article_id=flood, reader="ann", data={"position": 0}),
                NewEvent("dwell", article_id=flood, reader="ann", data={"seconds": 90}),
            ]
        )
        assert learning.learn_now(leader, store).ranking == 2
        assert learning.learn_now(follower, other) == learning.Learned(0, 0)
        assert learning.shared_ranker(follower, other).cursor == before  # not learned
        assert learning.follow(follower, other)  # what the follower's ticker does
        # the follower now ranks with the leader's model
        followed = learning.shared_ranker(follower, other)
        assert followed.cursor == store.event_cursor(RANKER)
        assert followed.model.updates == learning.shared_ranker(leader, store).model.updates
        # the leader gone, the follower takes over the learning
        store.close()
        other.record_events(
            [NewEvent("click", article_id=flood, reader="bob", data={"position": 0})]
        )
        assert learning.learn_now(follower, other).ranking == 1
    finally:
        other.close()


def test_a_request_learns_one_batch_and_leaves_a_backlog_to_the_background(
    store: Store,
) -> None:
    from starlette.datastructures import State

    from tidings.serve import learning

    flood = add(store, "http://c/flood", *FLOOD_EN, "en", ago(4))
    ProcessJob(store).run()
    store.record_events(
        [
            NewEvent("impression", article_id=flood, reader=f"r{i}", data={"position": 0})
            for i in range(1200)
        ]
    )
    state = State()
    bound = learning.MAX_EVENTS_IN_REQUEST
    assert learning.learn_now(state, store, max_events=bound).ranking == bound
    assert learning.learn_now(state, store).ranking == 1200 - bound  # the background run
