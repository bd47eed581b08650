"""Which headline each listed article shows, and the record of having shown it.

For a page of articles the server asks the bandit (:func:`tidings.headlines.bandit.choose`)
once per article, in one store query for all candidates. Pages that readers see log
an ``impression`` per item (headline, position, policy, the bandit's samples), so
the learner and anyone auditing a decision read the same log. Links carry the
headline's id (``?h=``), so the click is credited to the headline that earned it.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from tidings.errors import NotFoundError
from tidings.headlines.bandit import CLICK, IMPRESSION, HeadlineChoice, choose, expected_rate
from tidings.records import ArticleBrief, StoredArticle, StoredHeadline
from tidings.store.base import NewEvent, Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShownHeadline:
    """The headline an article is listed under."""

    text: str
    headline_id: int | None
    #: ``original``, ``only``, ``thompson`` or ``fallback`` (see ``HeadlineChoice``).
    policy: str
    reason: str
    origin: str | None = None
    #: The outlet's own title when another headline replaced it.
    original: str | None = None


def shown(article: StoredArticle, choice: HeadlineChoice | None) -> ShownHeadline:
    title = article.title or "(untitled)"
    if choice is None or choice.headline is None:
        reason = choice.reason if choice else "no headline candidates yet"
        return ShownHeadline(title, None, "fallback", reason)
    original = choice.original.candidate.text if choice.original else None
    if original is None and choice.headline.candidate.text != " ".join(title.split()):
        original = article.title
    return ShownHeadline(
        text=choice.headline.candidate.text,
        headline_id=choice.headline.id,
        policy=choice.policy,
        reason=choice.reason,
        origin=choice.headline.candidate.origin.value,
        original=original,
    )


def _rng() -> np.random.Generator:
    return np.random.default_rng(secrets.randbits(64))


def choose_for(
    store: Store,
    articles: Sequence[StoredArticle],
    briefs: Mapping[int, ArticleBrief],
    *,
    rng: np.random.Generator | None = None,
) -> dict[int, HeadlineChoice]:
    """The bandit's choice for every article of a page (one store query)."""
    rng = rng or _rng()
    candidates = store.headlines_of([a.id for a in articles])
    out: dict[int, HeadlineChoice] = {}
    for article in articles:
        stored = candidates.get(article.id)
        if not stored:
            continue
        brief = briefs.get(article.id)
        out[article.id] = choose(
            stored,
            title=article.title,
            representative=bool(brief and brief.representative),
            rng=rng,
        )
    return out


def headlines_for_page(
    store: Store,
    articles: Sequence[StoredArticle],
    briefs: Mapping[int, ArticleBrief],
    *,
    page: str,
    reader: str | None = None,
) -> dict[int, ShownHeadline]:
    """Each article's shown headline; logs the page's impressions in one batch."""
    choices = choose_for(store, articles, briefs)
    result = {a.id: shown(a, choices.get(a.id)) for a in articles}
    events = [
        NewEvent(
            IMPRESSION,
            article_id=article.id,
            reader=reader,
            data={
                "headline_id": result[article.id].headline_id,
                "position": position,
                "page": page,
                "policy": result[article.id].policy,
                "samples": {str(k): round(v, 5) for k, v in choice.samples.items()},
            },
        )
        for position, article in enumerate(articles)
        if (choice := choices.get(article.id)) is not None and choice.headline is not None
    ]
    try:
        store.record_events(events)
    except Exception:  # a page must render even when the log cannot be written
        log.exception("could not log %d impressions", len(events))
    return result


def headline_for_reader(
    store: Store, article: StoredArticle, headline_id: int | None, *, reader: str | None = None
) -> tuple[str, str | None]:
    """(headline, original title or None) for the reader view. A valid ``headline_id``
    (the one clicked) is shown again and its click logged; else the outlet's title."""
    if headline_id is None:
        return article.title or "(untitled)", None
    try:
        headline = store.get_headline(headline_id)
    except NotFoundError:
        return article.title or "(untitled)", None
    if headline.article_id != article.id:
        return article.title or "(untitled)", None
    click = NewEvent(CLICK, article_id=article.id, reader=reader, data={"headline_id": headline.id})
    try:
        store.record_events([click])  # the caller runs the learners (serve.learning)
    except Exception:
        log.exception("could not log the click on headline %d", headline_id)
    text = headline.candidate.text
    original = article.title if article.title and " ".join(article.title.split()) != text else None
    return text, original


def explain(headline: StoredHeadline) -> dict[str, object]:
    """A candidate with its gates and its readers' record, for the API and the UI."""
    verdict = headline.candidate.faithfulness
    return {
        "id": headline.id,
        "text": headline.candidate.text,
        "origin": headline.candidate.origin.value,
        "author": headline.candidate.author,
        "language": headline.language,
        "clickbait": headline.candidate.clickbait,
        "faithful": bool(verdict and verdict.supported),
        "support": verdict.support if verdict else None,
        "reasons": list(verdict.reasons) if verdict else [],
        "eligible": headline.eligible,
        "impressions": headline.impressions,
        "clicks": headline.clicks,
        "reward": round(headline.reward, 4),
        "expected_rate": round(expected_rate(headline), 5),
    }
