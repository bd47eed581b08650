"""The headline job and learner on a real store with the real models."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from tests.pipeline.test_process import FLOOD_EN, QUAKE_EN, QUAKE_FOLLOW_UP, QUAKE_ZH, add
from tests.stores import TestStores
from tidings.headlines.bandit import choose
from tidings.pipeline.headlines import HeadlineJob, learn_from_events
from tidings.pipeline.process import ProcessJob
from tidings.records import HeadlineOrigin
from tidings.store import NewEvent, Store

CLICKBAIT_QUAKE = (
    "You won't believe what happened in Tarsk this morning",
    "At least 14 people were killed when a magnitude 6.8 earthquake hit Valdoria's northern "
    "coast before dawn on Tuesday. In the port city of Tarsk, hundreds of homes were damaged "
    "and rescuers dug through rubble for survivors. The Valdorian Red Cross said it had opened "
    "shelters for 2,300 people who could not return home. Prime Minister Elena Marsh promised "
    "that army engineers would check every bridge on the coastal highway. Several aftershocks, "
    "the strongest of magnitude 5.1, shook the region during the day, and Tarsk's schools "
    "stayed closed.",
)


@pytest.fixture
def store(stores: TestStores) -> Store:
    return stores.open()


def test_candidates_gates_learning_and_reruns(store: Store) -> None:
    en = add(store, "http://a/quake", *QUAKE_EN, "en", "2026-11-20T06:00:00Z")
    zh = add(store, "http://b/quake", *QUAKE_ZH, "zh", "2026-11-20T07:30:00Z")
    bait = add(store, "http://d/quake", *CLICKBAIT_QUAKE, "en", "2026-11-20T07:45:00Z")
    flood = add(store, "http://c/flood", *FLOOD_EN, "en", "2026-11-20T08:00:00Z")
    ProcessJob(store).run()
    story = store.story_of(en)
    assert story is not None and {en, zh, bait} <= set(story.members)

    stats = HeadlineJob(store).run()
    assert stats.articles == 4
    assert stats.originals_rejected >= 1
    found = store.headlines_of([en, zh, bait, flood])
    assert set(found) == {en, zh, bait, flood}

    # The clickbait title is stored, scored and rejected; a faithful one replaces it.
    bait_rows = found[bait]
    original = next(h for h in bait_rows if h.candidate.origin is HeadlineOrigin.ORIGINAL)
    assert original.candidate.text == CLICKBAIT_QUAKE[0]
    assert not original.eligible and (original.candidate.clickbait or 0) >= 0.5
    choice = choose(bait_rows, title=CLICKBAIT_QUAKE[0], representative=False,
                    rng=np.random.default_rng(0))  # fmt: skip
    assert choice.headline is not None and choice.headline.eligible
    assert choice.original is original

    # The story's representative competes with the other outlets' titles in its
    # language, never with a title in another language.
    lead = story.representative
    lead_rows = found[lead]
    outlet_texts = {
        h.candidate.text for h in lead_rows if h.candidate.origin is HeadlineOrigin.OUTLET
    }
    assert QUAKE_ZH[0] not in outlet_texts
    assert all(h.candidate.faithfulness is not None for h in lead_rows)
    assert all(h.candidate.clickbait is not None for h in lead_rows)
    sober = next(h for h in found[en] if h.candidate.origin is HeadlineOrigin.ORIGINAL)
    assert sober.eligible, sober

    # Nothing changed: a re-run builds nothing.
    assert HeadlineJob(store).run().articles == 0

    # Readers' feedback reaches the headline once, however often the learner runs.
    target = next(h for h in lead_rows if h.eligible)
    store.record_events(
        [
            NewEvent("impression", article_id=lead, data={"headline_id": target.id, "position": 0}),
            NewEvent("impression", article_id=lead, data={"headline_id": target.id, "position": 1}),
            NewEvent("click", article_id=lead, data={"headline_id": target.id}),
            NewEvent("dwell", article_id=lead, data={"headline_id": target.id, "seconds": 75}),
            NewEvent("hide", article_id=flood),
        ]
    )
    assert learn_from_events(store) == 4
    assert learn_from_events(store) == 0
    learned = store.get_headline(target.id)
    assert (learned.impressions, learned.clicks, learned.pending_clicks) == (2, 1, 0)
    assert learned.reward == pytest.approx(1.0)

    # A new member changes the story: the representative's candidates are rebuilt,
    # its readers' record kept.
    follow = add(store, "http://e/quake", *QUAKE_FOLLOW_UP, "en", "2026-11-21T09:00:00Z")
    ProcessJob(store).run()
    assert store.story_of(follow) is not None
    rebuilt = HeadlineJob(store).run()
    assert rebuilt.articles >= 1
    assert store.get_headline(target.id).impressions == 2


def test_learner_does_not_count_twice_across_stores(store: Store, stores: TestStores) -> None:
    """Two processes (two connections) learning at once apply each event once."""
    en = add(store, "http://a/quake", *QUAKE_EN, "en", "2026-11-20T06:00:00Z")
    ProcessJob(store).run()
    HeadlineJob(store).run()
    row = next(h for h in store.headlines_of([en])[en] if h.eligible)
    store.record_events(
        [NewEvent("impression", article_id=en, data={"headline_id": row.id}) for _ in range(50)]
    )
    handles = [stores.open() for _ in range(3)]
    try:
        with ThreadPoolExecutor(3) as pool:
            applied = sum(pool.map(lambda s: learn_from_events(s, batch=3), handles))
    finally:
        for s in handles:
            s.close()
    assert applied == 50
    assert store.get_headline(row.id).impressions == 50
