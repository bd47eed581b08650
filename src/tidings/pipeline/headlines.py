"""The headline job and the headline learner: the headline stage wired to the store.

:class:`HeadlineJob` builds the candidates of every analysed article that needs them
(never built, or a story's representative whose story changed), checks them through
both gates and stores them; candidates stored before keep their readers' record and
are re-checked against the current text. :func:`learn_from_events` folds new
impressions, clicks and dwell times from the event log into each headline's record,
so the bandit's next choice reflects a click within the same request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from tidings.errors import NotFoundError
from tidings.headlines.bandit import DWELL, FEEDBACK_KINDS, deltas_from_events
from tidings.headlines.writer import HeadlineInput, HeadlineWriter, OutletTitle, eligible
from tidings.records import HeadlineCandidate, HeadlineOrigin, StoredArticle
from tidings.store import Store

log = logging.getLogger(__name__)

#: The event log consumer name of the headline learner.
LEARNER = "headlines"


@dataclass
class HeadlineStats:
    articles: int = 0
    candidates: int = 0
    eligible: int = 0
    #: Articles whose own title failed a gate (clickbait or unsupported).
    originals_rejected: int = 0
    generator_failures: int = 0
    elapsed: float = 0.0

    def as_dict(self) -> dict[str, object]:
        rate = self.articles / self.elapsed if self.elapsed else 0.0
        return {
            "articles": self.articles,
            "candidates": self.candidates,
            "eligible": self.eligible,
            "originals_rejected": self.originals_rejected,
            "generator_failures": self.generator_failures,
            "elapsed": round(self.elapsed, 3),
            "articles_per_second": round(rate, 2),
        }


ProgressCallback = Callable[[HeadlineStats, int], None]


class HeadlineJob:
    """One run of the headline stage over every article that needs candidates."""

    def __init__(
        self,
        store: Store,
        *,
        writer: HeadlineWriter | None = None,
        batch_size: int = 32,
        on_progress: ProgressCallback | None = None,
    ) -> None:
        self.store = store
        self.writer = writer or HeadlineWriter()
        self.batch_size = batch_size
        self.stats = HeadlineStats()
        self._on_progress = on_progress

    def run(self) -> HeadlineStats:
        started = time.perf_counter()
        done: set[int] = set()
        while batch := self.store.articles_needing_headlines(self.batch_size):
            fresh = [a for a in batch if a.id not in done]
            if not fresh:  # a story stamped in the future: never loop on it
                log.warning("headline job: %d articles keep coming back; stopping", len(batch))
                break
            for article in fresh:
                self._article(article)
                done.add(article.id)
            if self._on_progress is not None:
                self._on_progress(self.stats, len(fresh))
        self.stats.generator_failures = self.writer.generator_failures
        self.stats.elapsed = time.perf_counter() - started
        log.info("headline job finished: %s", self.stats.as_dict())
        return self.stats

    def _article(self, article: StoredArticle) -> None:
        analysis = self.store.get_analysis(article.id)
        story = self.store.story_of(article.id)
        outlets: list[OutletTitle] = []
        if story is not None and story.representative == article.id:
            others = self.store.get_articles([m for m in story.members if m != article.id])
            languages = {m: a.language for m in story.members if (a := self.store.get_analysis(m))}
            outlets = [
                OutletTitle(o.id, o.title, languages.get(o.id) or o.language, o.site_name)
                for o in others
                if o.title
            ]
        stored = self.store.headlines_of([article.id]).get(article.id, [])
        # Candidates stored before (e.g. a generator's) are re-checked, not lost.
        extra = [
            h.candidate
            for h in stored
            if h.candidate.origin in (HeadlineOrigin.GENERATED, HeadlineOrigin.EXTRACTIVE)
        ]
        language = (analysis.language if analysis else None) or article.language
        item = HeadlineInput(
            text=article.text,
            title=article.title,
            language=language,
            summary=analysis.summary if analysis else None,
            article_id=article.id,
            site_name=article.site_name or article.source_title,
        )
        candidates = self.writer.write(item, outlets=outlets, extra=extra)
        checked = [(c, _language_of(c, language, outlets), eligible(c)) for c in candidates]
        self.store.save_headlines(article.id, story.id if story else None, checked)
        self.stats.articles += 1
        self.stats.candidates += len(candidates)
        self.stats.eligible += sum(1 for _, _, ok in checked if ok)
        self.stats.originals_rejected += sum(
            1 for c, _, ok in checked if c.origin is HeadlineOrigin.ORIGINAL and not ok
        )


def _language_of(
    candidate: HeadlineCandidate, language: str | None, outlets: list[OutletTitle]
) -> str | None:
    if candidate.origin is HeadlineOrigin.OUTLET:
        for outlet in outlets:
            if outlet.article_id == candidate.article_id:
                return outlet.language or language
    return language


def learn_from_events(store: Store, *, batch: int = 1000) -> int:
    """Fold new feedback events into the headlines' records; returns how many events
    were applied. Safe to call from several processes at once: each batch moves the
    learner's cursor by compare-and-set, so no event is counted twice."""
    applied = 0
    while True:
        cursor = store.event_cursor(LEARNER)
        events = store.events_after(cursor, kinds=FEEDBACK_KINDS, limit=batch)
        if not events:
            return applied
        settling = {
            hid
            for e in events
            if e.kind == DWELL and isinstance(hid := e.data.get("headline_id"), int)
        }
        pending: dict[int, int] = {}
        if settling:
            for headline_id in settling:
                try:
                    pending[headline_id] = store.get_headline(headline_id).pending_clicks
                except NotFoundError:
                    continue
        deltas = deltas_from_events(events, pending)
        if store.apply_headline_deltas(
            deltas, consumer=LEARNER, expected_cursor=cursor, new_cursor=events[-1].id
        ):
            applied += len(events)
