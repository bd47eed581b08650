"""Thompson sampling over gated headlines, and the dwell-weighted reward."""

from __future__ import annotations

import numpy as np

from tidings.headlines.bandit import (
    PROVISIONAL_REWARD,
    choose,
    deltas_from_events,
    dwell_satisfaction,
    expected_rate,
    posterior,
)
from tidings.records import (
    Event,
    FaithfulnessVerdict,
    HeadlineCandidate,
    HeadlineOrigin,
    StoredHeadline,
)


def headline(
    hid: int,
    text: str,
    origin: HeadlineOrigin = HeadlineOrigin.EXTRACTIVE,
    *,
    eligible: bool = True,
    impressions: int = 0,
    reward: float = 0.0,
    clicks: int = 0,
    clickbait: float = 0.1,
    reasons: tuple[str, ...] = (),
) -> StoredHeadline:
    verdict = FaithfulnessVerdict(supported=not reasons, support=0.8, reasons=reasons)
    return StoredHeadline(
        id=hid,
        article_id=1,
        story_id=1,
        candidate=HeadlineCandidate(text, origin, clickbait=clickbait, faithfulness=verdict),
        language="en",
        eligible=eligible,
        impressions=impressions,
        clicks=clicks,
        reward=reward,
    )


def event(eid: int, kind: str, **data: object) -> Event:
    return Event(eid, kind, 1, None, dict(data), "2026-11-23T00:00:00Z")


def test_dwell_satisfaction_punishes_bounces_and_saturates() -> None:
    assert dwell_satisfaction(3) == 0.0
    assert dwell_satisfaction(10) == 0.0
    assert 0.4 < dwell_satisfaction(35) < 0.6
    assert dwell_satisfaction(60) == 1.0
    assert dwell_satisfaction(3600) == 1.0
    assert dwell_satisfaction(float("nan")) == 0.0


def test_posterior_counts_reward_against_impressions() -> None:
    fresh = headline(1, "a")
    learned = headline(2, "b", impressions=100, reward=30)
    assert posterior(learned)[0] - posterior(fresh)[0] == 30
    assert posterior(learned)[1] - posterior(fresh)[1] == 70
    assert expected_rate(learned) > expected_rate(fresh)


def test_thompson_sampling_converges_on_the_arm_readers_stay_with() -> None:
    rng = np.random.default_rng(1)
    good = headline(1, "Council approves 40 new homes", impressions=400, reward=60, clicks=70)
    bad = headline(2, "Homes plan approved", impressions=400, reward=8, clicks=90)
    picks = [
        choose([good, bad], title=None, representative=True, rng=rng).headline for _ in range(200)
    ]
    assert sum(1 for p in picks if p is good) > 190
    # More clicks but each a bounce: the click-bait-ish arm still loses.
    assert bad.clicks > good.clicks


def test_unproven_arms_are_explored() -> None:
    rng = np.random.default_rng(2)
    arms = [headline(i, f"h{i}") for i in range(1, 4)]
    seen = {
        choose(arms, title=None, representative=True, rng=rng).headline.id  # type: ignore[union-attr]
        for _ in range(100)
    }
    assert seen == {1, 2, 3}


def test_outlets_keep_their_own_title_when_it_passes() -> None:
    own = headline(1, "Own title", HeadlineOrigin.ORIGINAL)
    other = headline(2, "Other title", impressions=1000, reward=900)
    choice = choose(
        [own, other], title="Own title", representative=False, rng=np.random.default_rng(0)
    )
    assert choice.headline is own and choice.policy == "original"
    assert choice.original is None


def test_a_clickbait_original_is_replaced_and_kept_on_demand() -> None:
    own = headline(
        1, "You won't believe this", HeadlineOrigin.ORIGINAL, eligible=False, clickbait=0.93
    )
    honest = headline(2, "Council approves 40 new homes")
    choice = choose([own, honest], title="You won't believe this", representative=False,
                    rng=np.random.default_rng(0))  # fmt: skip
    assert choice.headline is honest
    assert choice.original is own
    assert choice.replaced_original
    assert "clickbait" in choice.reason and "0.93" in choice.reason


def test_nothing_eligible_falls_back_to_the_outlet_title_with_reasons() -> None:
    own = headline(1, "Mayor resigns", HeadlineOrigin.ORIGINAL, eligible=False,
                   reasons=("name 'Mayor' not in the article",))  # fmt: skip
    choice = choose([own], title="Mayor resigns", representative=True, rng=np.random.default_rng(0))
    assert choice.headline is own
    assert choice.policy == "fallback"
    assert (
        choose([], title=None, representative=True, rng=np.random.default_rng(0)).headline is None
    )


def test_events_become_deltas_and_dwell_settles_pending_clicks() -> None:
    events = [
        event(1, "impression", headline_id=7, position=0),
        event(2, "impression", headline_id=7, position=0),
        event(3, "click", headline_id=7),
        event(4, "dwell", headline_id=7, seconds=120),
        event(5, "click", headline_id=7),  # no dwell reported yet
        event(6, "impression", headline_id=8),
        event(7, "dwell", headline_id=8, seconds=90),  # no click: ignored
        event(8, "click"),  # no headline: ignored
        event(9, "dwell", headline_id=7, seconds="bogus"),
    ]
    deltas = deltas_from_events(events, pending={})
    assert deltas[7].impressions == 2
    assert deltas[7].clicks == 2
    assert deltas[7].pending_clicks == 1
    assert abs(deltas[7].reward - (1.0 + PROVISIONAL_REWARD)) < 1e-9
    assert deltas[8].impressions == 1 and deltas[8].reward == 0.0


def test_a_bounce_takes_back_the_provisional_reward() -> None:
    deltas = deltas_from_events([event(1, "dwell", headline_id=3, seconds=4)], pending={3: 1})
    assert deltas[3].pending_clicks == -1
    assert deltas[3].reward == -PROVISIONAL_REWARD
