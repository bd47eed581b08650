"""Which honest headline readers prefer: Thompson sampling over the gated candidates.

Each candidate that passed both gates is an arm. Its reward is not the click but the
click *weighted by what the reader did next*: the dwell time on the article, mapped
to a satisfaction in [0, 1] (:func:`dwell_satisfaction`): a click followed by a
quick bounce earns nothing, so a headline that promises more than the article holds
loses to one that readers stay with. A click whose dwell time has not arrived yet
counts :data:`PROVISIONAL_REWARD` until it does.

The posterior of an arm is Beta(prior + reward, prior + impressions − reward), with
fractional rewards as pseudo-counts. The prior's mean is a typical news click rate,
so a new arm is explored without being believed to be great. Every choice carries
its reason in words and the numbers behind it, so the decision can be logged and
explained.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from tidings.records import Event, HeadlineDelta, HeadlineOrigin, StoredHeadline

#: Beta prior: one click in twenty impressions, worth twenty impressions of evidence.
PRIOR_REWARD = 1.0
PRIOR_MISSES = 19.0
#: Headlines written by an editor (the outlet's own, other outlets') start with a
#: slightly higher prior rate (6.5% against 5%): shown more while evidence is thin,
#: overtaken by any candidate readers clearly prefer.
EDITED_PRIOR_REWARD = 1.3
#: Dwell below this many seconds is a bounce: the headline disappointed the reader.
BOUNCE_SECONDS = 10.0
#: Dwell at or above this many seconds is a satisfied read.
SATISFIED_SECONDS = 60.0
#: What a click counts until its dwell time is reported (API clients may never).
PROVISIONAL_REWARD = 0.5

#: Event kinds the learner reads (``data.headline_id`` links them to an arm).
IMPRESSION = "impression"
CLICK = "click"
DWELL = "dwell"
FEEDBACK_KINDS = (IMPRESSION, CLICK, DWELL)


def dwell_satisfaction(seconds: float) -> float:
    """A reader's satisfaction with a click, from the seconds spent on the article:
    0 for a bounce, rising linearly to 1 for a satisfied read."""
    if not math.isfinite(seconds) or seconds <= BOUNCE_SECONDS:
        return 0.0
    return min(1.0, (seconds - BOUNCE_SECONDS) / (SATISFIED_SECONDS - BOUNCE_SECONDS))


def posterior(headline: StoredHeadline) -> tuple[float, float]:
    """(alpha, beta) of the arm's Beta posterior over its dwell-weighted click rate."""
    reward = max(0.0, min(headline.reward, float(headline.impressions)))
    misses = max(0.0, headline.impressions - reward)
    edited = headline.candidate.origin in (HeadlineOrigin.ORIGINAL, HeadlineOrigin.OUTLET)
    prior = EDITED_PRIOR_REWARD if edited else PRIOR_REWARD
    return prior + reward, PRIOR_MISSES + misses


def expected_rate(headline: StoredHeadline) -> float:
    alpha, beta = posterior(headline)
    return alpha / (alpha + beta)


@dataclass(frozen=True)
class HeadlineChoice:
    """The headline to show for an article, and why."""

    headline: StoredHeadline | None
    #: ``original`` (the outlet's own), ``only`` (one eligible), ``thompson``, or
    #: ``fallback`` (nothing passed the gates).
    policy: str
    reason: str
    #: The article's own title when the headline shown is another one.
    original: StoredHeadline | None = None
    #: Each arm's sampled rate (headline id → sample), for the decision log.
    samples: dict[int, float] = field(default_factory=dict)

    @property
    def replaced_original(self) -> bool:
        return self.original is not None and self.headline is not None


def choose(
    headlines: Sequence[StoredHeadline],
    *,
    title: str | None,
    representative: bool,
    rng: np.random.Generator,
) -> HeadlineChoice:
    """Pick the headline for an article from its stored candidates.

    An outlet's own title that passed both gates is kept for its article, except for a
    story's representative, whose headline is learned among all honest candidates
    (other outlets' titles, extractive and generated ones). When nothing passed, the
    outlet's title is shown as it is, with the gates' reasons.
    """
    own = _own_title(headlines, title)
    eligible = [h for h in headlines if h.eligible]
    if own is not None and own.eligible and not representative:
        return HeadlineChoice(own, "original", "the outlet's own headline passed both gates")
    if not eligible:
        why = "no candidate passed the faithfulness and clickbait gates"
        if own is not None:
            return HeadlineChoice(own, "fallback", f"{why}; showing the outlet's own headline")
        return HeadlineChoice(None, "fallback", why)
    replaced = own if own is not None and not own.eligible else None
    if len(eligible) == 1:
        only = eligible[0]
        reason = "the only candidate that passed both gates"
        if replaced is not None:
            reason += f"; the original was {_rejection(replaced)}"
        return HeadlineChoice(only, "only", reason, original=_differs(replaced, only))
    samples = {h.id: float(rng.beta(*posterior(h))) for h in eligible}
    best = max(eligible, key=lambda h: (samples[h.id], -h.id))
    reason = (
        f"Thompson sampling over {len(eligible)} faithful, non-clickbait headlines; this "
        f"one's dwell-weighted click rate is estimated at {expected_rate(best):.1%} "
        f"({best.clicks} clicks in {best.impressions} impressions)"
    )
    if replaced is not None:
        reason += f"; the original was {_rejection(replaced)}"
    return HeadlineChoice(best, "thompson", reason, original=_differs(own, best), samples=samples)


def deltas_from_events(
    events: Iterable[Event], pending: Mapping[int, int]
) -> dict[int, HeadlineDelta]:
    """What the feedback events add to each headline's record.

    ``pending`` holds each headline's clicks still waiting for a dwell time; a dwell
    event settles one of them, replacing its provisional reward by the reader's
    satisfaction. A dwell with no pending click (reported twice, or never clicked
    through a headline) adds nothing.
    """
    out: dict[int, dict[str, float]] = {}
    waiting = dict(pending)
    for event in events:
        headline_id = _int(event.data.get("headline_id"))
        if headline_id is None:
            continue
        delta = out.setdefault(
            headline_id, {"impressions": 0, "clicks": 0, "pending": 0, "reward": 0.0}
        )
        if event.kind == IMPRESSION:
            delta["impressions"] += 1
        elif event.kind == CLICK:
            delta["clicks"] += 1
            delta["pending"] += 1
            delta["reward"] += PROVISIONAL_REWARD
            waiting[headline_id] = waiting.get(headline_id, 0) + 1
        elif event.kind == DWELL and waiting.get(headline_id, 0) > 0:
            seconds = _float(event.data.get("seconds"))
            if seconds is None:
                continue
            waiting[headline_id] -= 1
            delta["pending"] -= 1
            delta["reward"] += dwell_satisfaction(seconds) - PROVISIONAL_REWARD
    return {
        key: HeadlineDelta(
            impressions=int(d["impressions"]),
            clicks=int(d["clicks"]),
            pending_clicks=int(d["pending"]),
            reward=d["reward"],
        )
        for key, d in out.items()
        if any(d.values())
    }


def _own_title(headlines: Sequence[StoredHeadline], title: str | None) -> StoredHeadline | None:
    for h in headlines:
        if h.candidate.origin is HeadlineOrigin.ORIGINAL:
            return h
    if title:
        wanted = " ".join(title.split())
        return next((h for h in headlines if h.candidate.text == wanted), None)
    return None


def _differs(original: StoredHeadline | None, shown: StoredHeadline) -> StoredHeadline | None:
    return original if original is not None and original.id != shown.id else None


def _rejection(headline: StoredHeadline) -> str:
    verdict = headline.candidate.faithfulness
    if verdict is not None and not verdict.supported:
        return "rejected: " + "; ".join(verdict.reasons or ("not supported by the article",))
    if headline.candidate.clickbait is not None:
        return f"rejected as clickbait (score {headline.candidate.clickbait:.2f})"
    return "rejected"


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _float(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and number >= 0 else None
