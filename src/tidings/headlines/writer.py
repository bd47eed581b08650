"""Headline candidates for an article, through both gates.

For an article (and, for a story's representative, the other outlets' titles) the
writer gathers every candidate: the outlet's own title, other outlets' titles in the
same language, headlines compressed from the lead and summary, and a generator's
rewrites when one is configured. Each is then scored by the clickbait model and
checked by the faithfulness gate against *this* article's text: a headline shown
above a link must be supported by the article behind it. A candidate is eligible
(:func:`eligible`) when it passed both.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from tidings.errors import GeneratorError
from tidings.headlines.clickbait import ClickbaitScorer, is_clickbait
from tidings.headlines.extractive import extractive_headlines
from tidings.headlines.faithfulness import FaithfulnessGate
from tidings.headlines.generate import HeadlineGenerator
from tidings.nlp.embed import Embedder
from tidings.records import HeadlineCandidate, HeadlineOrigin

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HeadlineInput:
    """The article a headline is written for."""

    text: str
    title: str | None
    language: str | None
    summary: str | None = None
    article_id: int | None = None
    site_name: str | None = None


@dataclass(frozen=True)
class OutletTitle:
    """Another outlet's title for the same story."""

    article_id: int
    title: str
    language: str | None
    site_name: str | None = None


def normalize(text: str) -> str:
    return " ".join(text.split())


def eligible(candidate: HeadlineCandidate) -> bool:
    """Supported by the article and not clickbait."""
    verdict = candidate.faithfulness
    return (
        verdict is not None
        and verdict.supported
        and candidate.clickbait is not None
        and not is_clickbait(candidate.clickbait)
    )


def pick_without_readers(candidates: Sequence[HeadlineCandidate]) -> HeadlineCandidate | None:
    """The headline to show before readers have voted: the outlet's own title if it
    passed both gates, else the best-supported, least clickbait eligible candidate."""
    passed = [c for c in candidates if eligible(c)]
    for candidate in passed:
        if candidate.origin is HeadlineOrigin.ORIGINAL:
            return candidate
    if not passed:
        return None
    return max(passed, key=_quality)


def _quality(candidate: HeadlineCandidate) -> float:
    support = candidate.faithfulness.support if candidate.faithfulness else 0.0
    return support - (candidate.clickbait or 0.0)


class HeadlineWriter:
    """Gathers, scores and checks headline candidates (the headline stage)."""

    def __init__(
        self,
        *,
        embedder: Embedder | None = None,
        scorer: ClickbaitScorer | None = None,
        gate: FaithfulnessGate | None = None,
        generator: HeadlineGenerator | None = None,
        extractive: int = 3,
        generated: int = 2,
    ) -> None:
        self.embedder = embedder or Embedder()
        self.scorer = scorer or ClickbaitScorer(self.embedder)
        self.gate = gate or FaithfulnessGate(self.embedder)
        self.generator = generator
        self.extractive = extractive
        self.generated = generated
        #: Generator calls that failed (logged; the other candidates still count).
        self.generator_failures = 0

    def candidates(
        self,
        article: HeadlineInput,
        *,
        outlets: Sequence[OutletTitle] = (),
        extra: Sequence[HeadlineCandidate] = (),
    ) -> list[HeadlineCandidate]:
        """Every candidate for ``article``, unscored, without repeats (first kept)."""
        found: list[HeadlineCandidate] = []
        if article.title and normalize(article.title):
            found.append(
                HeadlineCandidate(
                    normalize(article.title),
                    HeadlineOrigin.ORIGINAL,
                    article_id=article.article_id,
                    author=article.site_name,
                )
            )
        for outlet in outlets:
            if outlet.article_id == article.article_id or not normalize(outlet.title):
                continue
            if article.language and outlet.language and outlet.language != article.language:
                continue  # a headline is shown in its article's language
            found.append(
                HeadlineCandidate(
                    normalize(outlet.title),
                    HeadlineOrigin.OUTLET,
                    article_id=outlet.article_id,
                    author=outlet.site_name,
                )
            )
        found.extend(
            extractive_headlines(
                article.text,
                title=article.title,
                language=article.language,
                summary=article.summary,
                max_candidates=self.extractive,
            )
        )
        found.extend(self._generated(article))
        found.extend(extra)
        seen: set[str] = set()
        unique: list[HeadlineCandidate] = []
        for candidate in found:
            key = normalize(candidate.text).casefold()
            if key and key not in seen:
                seen.add(key)
                unique.append(replace(candidate, text=normalize(candidate.text)))
        return unique

    def check(
        self, article: HeadlineInput, candidates: Sequence[HeadlineCandidate]
    ) -> list[HeadlineCandidate]:
        """``candidates`` with their clickbait scores and faithfulness verdicts."""
        if not candidates:
            return []
        texts = [c.text for c in candidates]
        scores = self.scorer.score(texts)
        # The text alone is the evidence: the outlet's title is a claim to check like any
        # other, not support (else an original would always support itself).
        verdicts = self.gate.check_many(texts, article.text, language=article.language)
        return [
            replace(c, clickbait=float(score), faithfulness=verdict)
            for c, score, verdict in zip(candidates, scores, verdicts, strict=True)
        ]

    def write(
        self,
        article: HeadlineInput,
        *,
        outlets: Sequence[OutletTitle] = (),
        extra: Sequence[HeadlineCandidate] = (),
    ) -> list[HeadlineCandidate]:
        """Gather, score and check: the candidates as the store keeps them."""
        return self.check(article, self.candidates(article, outlets=outlets, extra=extra))

    def _generated(self, article: HeadlineInput) -> list[HeadlineCandidate]:
        if self.generator is None or self.generated <= 0 or not article.text.strip():
            return []
        try:
            texts = self.generator.generate(
                article.text, title=article.title, language=article.language, n=self.generated
            )
        except GeneratorError as exc:
            self.generator_failures += 1
            log.warning("headline generator failed for article %s: %s", article.article_id, exc)
            return []
        return [
            HeadlineCandidate(t, HeadlineOrigin.GENERATED, author=self.generator.name)
            for t in texts
        ]
