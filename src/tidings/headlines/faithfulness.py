"""The faithfulness gate: a headline is shown only if its article supports it.

Four checks, each rejection with a short reason (:class:`FaithfulnessVerdict`):

1. **Facts** (:mod:`.facts`): every number (digits, written, Chinese numerals, 3.5亿),
   date and name of the headline occurs in the article, after normalisation.
2. **Cues** (:mod:`.cues`): no negation or hedging added or dropped. A headline's
   negation is *added* only when the article states the same claim without one (a
   sentence with no negation holding the first content words the negation bears on,
   or most of the headline's words) and none of the best-supporting sentences (top 3
   by cosine) negates the same words (nor has the article the negated phrase, "not
   ready", 不能): an opinion headline ("Why you shouldn't worry") about something the
   article never states plainly is left to the semantic checks. Hedging likewise,
   where any hedge in the best sentences supports it. A cue is *dropped* when the best
   sentence has one and the headline repeats the word it bears on ("found guilty" for
   "not found guilty") without it.
3. **Semantic support**: the best cosine between the headline and the article's
   sentences, two-sentence windows and title must reach a threshold calibrated per
   embedding model (:data:`SUPPORT_PARAMS`); so must each clause of a headline with
   several ("X wins, sparking Y"), so that a true headline cannot carry an invented
   clause through.
4. **Lexical coverage**: enough content words of the headline (English: by 5-letter
   stem; Chinese: characters) occur in the article. Embeddings see topics; this sees
   a claim made of words the article never uses.

An entailment head over sentence embeddings (``[u, v, |u-v|, u*v]`` of USE vectors,
logistic regression) trained on OCNLI by ``scripts/train_nli.py`` reaches 0.55 accuracy
on OCNLI dev (majority class 0.37; entailment AUC 0.75) but added nothing on the
benchmark's tune half: with the same keep-rate budget, the best threshold on its
P(entailment) was 0. It is not used, and no weights are shipped.

Thresholds (:data:`SUPPORT_PARAMS`) come from ``bench/headlines_faithfulness.py
--calibrate`` on the tune half of its pairs: the semantic thresholds that reject the
most corrupted headlines while costing at most 3 points of keep rate over the rule
checks (facts, cues) alone, on the headline–article pairs (full articles, no title,
as :class:`~tidings.headlines.writer.HeadlineWriter` calls the gate).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tidings.headlines.cues import Cue, find_cues, scope_in
from tidings.headlines.facts import ArticleFacts, missing_facts, normalize_text
from tidings.nlp.backends import USE_MODEL
from tidings.nlp.embed import E5_MODEL, Embedder
from tidings.nlp.keywords import STOP_WORDS
from tidings.nlp.summary import split_sentences
from tidings.records import FaithfulnessVerdict

__all__ = ["SUPPORT_PARAMS", "Assessment", "FaithfulnessGate", "SupportParams"]


@dataclass(frozen=True)
class SupportParams:
    """Per-model thresholds on cosine similarity (cosines differ in scale by model)."""

    #: The best unit's cosine must reach this.
    threshold: float
    #: Each clause of a multi-clause headline must reach this.
    clause_threshold: float
    #: Cosines mapped to support 0 and 1 (linear in between).
    floor: float
    ceiling: float
    #: Share of the headline's content words that must occur in the article.
    coverage: float = 0.5
    #: Raise of the cosine thresholds per doubling of the article's units beyond
    #: :data:`SHORT_UNITS`: the best of many similarities is higher by chance alone.
    length_slope: float = 0.0
    #: Raise of the coverage threshold per doubling: a long article uses more words.
    coverage_slope: float = 0.0
    #: Share of a clause's content words that must occur in the article.
    clause_coverage: float = 0.0


#: ``use-multilingual-v3``: calibrated by ``bench/headlines_faithfulness.py --calibrate``
#: on the tune half of its headline–article pairs (214 full articles in 13 languages
#: and their 748 corrupted headlines; keep 0.879, reject 0.924 there); a clause
#: coverage of 0.2 means "a fifth of each clause's content words in the article". USE
#: cosines run from ~0 (unrelated) to ~0.8 (a paraphrase), hence floor and ceiling.
#: ``multilingual-e5-small``: NOT calibrated (e5 is ~20x slower on CPU and was not run
#: over the bench); provisional values on e5's compressed scale (unrelated news
#: ~0.75-0.8, one event ~0.85-0.92, cf. STORY_THRESHOLDS).
SUPPORT_PARAMS: dict[str, SupportParams] = {
    USE_MODEL: SupportParams(
        threshold=0.22, clause_threshold=0.10, floor=0.15, ceiling=0.75,
        coverage=0.20, length_slope=0.02, coverage_slope=0.10, clause_coverage=0.20,
    ),
    E5_MODEL: SupportParams(
        threshold=0.78, clause_threshold=0.76, floor=0.75, ceiling=0.92,
        coverage=0.20, length_slope=0.01, coverage_slope=0.10, clause_coverage=0.01,
    ),
}  # fmt: skip
#: Sentences of an article read (the claims of a news headline are near the top).
MAX_SENTENCES = 80
#: Units of a short text (a lead, a summary: ~4 sentences and their windows), below
#: which thresholds are not raised for length.
SHORT_UNITS = 8
#: Best-supporting sentences the cue check compares against.
TOP_K = 3

_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[^\W\d_][\w'-]*")
_CLAUSE_SPLIT = re.compile(
    r"\s*[,;:，；：]\s*|\s+[-–—]\s+|\s+(?=(?:as|after|while|amid|but|despite|sparking)\s)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Assessment:
    """What the gate found for one headline, before any threshold."""

    headline: str
    #: Numbers, dates and names the article lacks (reasons).
    facts: tuple[str, ...]
    #: Negation or hedging added or dropped (reasons).
    cues: tuple[str, ...]
    #: Best cosine between the headline and an article unit.
    cosine: float
    #: Each clause of a multi-clause headline with its best cosine and its coverage.
    clauses: tuple[tuple[str, float, float], ...]
    #: Share of the headline's content words in the article.
    coverage: float
    #: Units (sentences, windows, title) the headline was compared with.
    units: int


@dataclass
class _Article:
    units: list[str]
    sentences: list[str]
    cues: list[list[Cue]]
    vectors: np.ndarray
    facts: ArticleFacts
    words: set[str]
    chars: set[str]


def _guess_chinese(text: str) -> bool:
    sample = text[:400]
    letters = sum(1 for c in sample if c.isalpha())
    return letters > 0 and len(_CJK.findall(sample)) / letters > 0.3


def _content_words(text: str) -> list[str]:
    words = [w.casefold() for w in _WORD.findall(normalize_text(text))]
    return [w for w in words if len(w) > 2 and w not in STOP_WORDS]


def _stem(word: str) -> str:
    return word[:5]


class FaithfulnessGate:
    """Checks headlines against an article; thread-safe if its embedder is."""

    def __init__(self, embedder: Embedder | None = None, *, threshold: float | None = None) -> None:
        self.embedder = embedder or Embedder()
        base = SUPPORT_PARAMS.get(self.embedder.model_name, SUPPORT_PARAMS[USE_MODEL])
        if threshold is not None:
            base = SupportParams(
                threshold, threshold - (base.threshold - base.clause_threshold),
                base.floor, base.ceiling, base.coverage,
            )  # fmt: skip
        self.params = base

    def check(
        self, headline: str, text: str, *, title: str | None = None, language: str | None = None
    ) -> FaithfulnessVerdict:
        """Whether ``text`` (with its ``title``, if given) supports ``headline``."""
        return self.check_many([headline], text, title=title, language=language)[0]

    def check_many(
        self,
        headlines: Sequence[str],
        text: str,
        *,
        title: str | None = None,
        language: str | None = None,
    ) -> list[FaithfulnessVerdict]:
        """:meth:`check` for several headlines of one article (embedded once)."""
        if not headlines:
            return []
        if language is None:
            language = "zh" if _guess_chinese(text or title or "") else "en"
        article = self._article(text, title, language)
        if not article.units:
            return [
                FaithfulnessVerdict(False, 0.0, ("the article has no text",)) for _ in headlines
            ]
        return [self._verdict(h, article) for h in headlines]

    # --- internals ---------------------------------------------------------------------

    def _article(self, text: str, title: str | None, language: str) -> _Article:
        sentences = [s for s in split_sentences(text or "", language) if len(s) > 3]
        sentences = sentences[:MAX_SENTENCES]
        windows = [f"{a} {b}" for a, b in itertools.pairwise(sentences)]
        units = sentences + windows + ([title] if title and title.strip() else [])
        vectors = self.embedder.passages(units) if units else np.zeros((0, 1), np.float32)
        full = "\n".join(filter(None, [title, text]))
        norm = normalize_text(full)
        return _Article(
            units=units,
            sentences=sentences,
            cues=[find_cues(s) for s in sentences],
            vectors=vectors,
            facts=ArticleFacts(full, language),
            words={_stem(w) for w in _content_words(norm)},
            chars=set(_CJK.findall(norm)),
        )

    def _support(self, cosine: float) -> float:
        p = self.params
        return float(min(1.0, max(0.0, (cosine - p.floor) / (p.ceiling - p.floor))))

    def assess_many(
        self,
        headlines: Sequence[str],
        text: str,
        *,
        title: str | None = None,
        language: str | None = None,
    ) -> list[Assessment]:
        """Every signal for each headline, before thresholds (calibration, explanations)."""
        if language is None:
            language = "zh" if _guess_chinese(text or title or "") else "en"
        article = self._article(text, title, language)
        return [self._assess(h, article) for h in headlines]

    def decide(self, assessment: Assessment) -> FaithfulnessVerdict:
        """The verdict for ``assessment`` under this gate's thresholds."""
        p = self.params
        doublings = math.log2(max(1.0, assessment.units / SHORT_UNITS))
        threshold = p.threshold + p.length_slope * doublings
        clause_threshold = p.clause_threshold + p.length_slope * doublings
        coverage = p.coverage + p.coverage_slope * doublings
        reasons = list(assessment.facts)
        if assessment.cosine < threshold:
            reasons.append(f"weak support: best match {assessment.cosine:.2f} < {threshold:.2f}")
        for clause, cosine, clause_coverage in assessment.clauses:
            if cosine < clause_threshold:
                reasons.append(f"clause {clause!r} not supported ({cosine:.2f})")
            elif clause_coverage < p.clause_coverage:
                reasons.append(f"clause {clause!r}: words not in the article")
        if assessment.coverage < coverage:
            reasons.append(f"most words not in the article (coverage {assessment.coverage:.2f})")
        reasons.extend(assessment.cues)
        return FaithfulnessVerdict(
            not reasons, round(self._support(assessment.cosine), 4), tuple(reasons)
        )

    def _verdict(self, headline: str, article: _Article) -> FaithfulnessVerdict:
        if not headline.strip():
            return FaithfulnessVerdict(False, 0.0, ("empty headline",))
        return self.decide(self._assess(headline, article))

    def _assess(self, headline: str, article: _Article) -> Assessment:
        if not headline.strip() or not article.units:
            return Assessment(headline, ("no text to compare",), (), 0.0, (), 0.0, 0)
        clauses = [c for c in _CLAUSE_SPLIT.split(headline) if _clause_size(c) >= 3]
        queries = [headline, *clauses] if len(clauses) > 1 else [headline]
        sims = self.embedder.queries(queries) @ article.vectors.T
        n = len(article.sentences)
        top = [int(i) for i in np.argsort(-sims[0][:n])[:TOP_K]] if n else []
        cues = _cue_reasons(
            headline,
            [article.sentences[i] for i in top],
            [article.cues[i] for i in top],
            article.facts.norm,
            (article.sentences, article.cues),
        )
        return Assessment(
            headline=headline,
            facts=tuple(missing_facts(headline, article.facts)),
            cues=tuple(cues),
            cosine=float(sims[0].max()),
            clauses=tuple(
                (clause, float(row.max()), _coverage(clause, article))
                for clause, row in zip(queries[1:], sims[1:], strict=True)
            ),
            coverage=_coverage(headline, article),
            units=len(article.units),
        )


def _clause_size(clause: str) -> int:
    cjk = len(_CJK.findall(clause))
    return cjk // 2 + len(_WORD.findall(clause))


def _coverage(headline: str, article: _Article) -> float:
    """Share of the headline's content words (Chinese: characters) in the article; a
    long word also counts when its last 6+ letters are in the article (a compound's
    head: Schatten*flotte*, the German way of saying more in one word)."""
    norm = normalize_text(headline)
    chars = [c for c in _CJK.findall(norm)]
    words = _content_words(norm)
    total = len(chars) + len(words)
    if not total:
        return 1.0
    found = sum(c in article.chars for c in chars) + sum(
        _stem(w) in article.words
        or (len(w) >= 9 and any(w[i:] in article.facts.norm for i in range(3, len(w) - 5)))
        for w in words
    )
    return found / total


def _same_claim(mine: Cue, theirs: Cue) -> bool:
    """Whether a headline cue and a sentence cue bear on the same words: a shared
    5-letter stem among their first words (Chinese: a shared character pair)."""
    if _CJK.search(mine.scope) or _CJK.search(theirs.scope):
        pairs = {mine.scope[i : i + 2] for i in range(max(0, len(mine.scope) - 1))}
        return any(theirs.scope[i : i + 2] in pairs for i in range(len(theirs.scope) - 1))
    stems = {w[:5] for w in mine.scope.casefold().split()[:3] if len(w) > 3}
    return any(w[:5] in stems for w in theirs.scope.casefold().split()[:4] if len(w) > 3)


def _negated_phrase_in(cue: Cue, article: str) -> bool:
    """The cue with the word after it ("not ready", 不能) is said in the article."""
    first = cue.scope[:1] if _CJK.match(cue.scope[:1]) else cue.scope.split(" ")[0]
    if not first:
        return False
    joiner = "" if _CJK.match(first) else " "
    return normalize_text(cue.text + joiner + first) in article


def _stems(text: str) -> set[str]:
    return {_stem(w) for w in _content_words(text)}


def _states_plainly(cue: Cue, headline: set[str], sentence: str, cues: list[Cue]) -> bool:
    """Whether ``sentence`` states what ``cue`` bears on without a cue of its kind: no
    such cue in it, and one of the first content words of the cue's scope in it (by a
    5-letter stem; a shorter word as a prefix: "ink" in "inked"), or most of the
    headline's content words. An article that never states the claim plainly leaves it
    to the semantic checks ("Why you shouldn't worry")."""
    if any(c.kind == cue.kind for c in cues):
        return False
    if _CJK.search(cue.scope) or _CJK.search(sentence):
        # Chinese headlines paraphrase too freely for a word match: any plain sentence.
        return True
    words = _stems(sentence)
    scope = [_stem(w) for w in _content_words(cue.scope)[:2]]
    if any(w in words or (len(w) < 5 and any(x.startswith(w) for x in words)) for w in scope):
        return True
    return bool(headline) and len(headline & words) / len(headline) >= 0.6


def _cue_reasons(
    headline: str,
    sentences: list[str],
    cues: list[list[Cue]],
    article: str,
    everywhere: tuple[list[str], list[list[Cue]]],
) -> list[str]:
    """Negation or hedging the headline adds to, or drops from, its best sentences.

    A headline cue is "added" when none of the best sentences has a cue of its kind on
    the same words (negation: nor is the negated phrase in the article; hedging: any
    hedge in those sentences will do, a weaker claim) *and* one of them states the
    claim plainly (:func:`_states_plainly`); dropped cues are looked for in the best
    sentence only, and only when the headline repeats what the cue bears on.
    """
    reasons: list[str] = []
    mine = find_cues(headline)
    claim = _stems(headline)
    for kind, label in (("negation", "negation"), ("hedge", "hedging")):
        own = [c for c in mine if c.kind == kind]
        pairs = [
            (c, s) for cs, s in zip(cues, sentences, strict=True) for c in cs if c.kind == kind
        ]
        for cue in own:
            if kind == "hedge":
                supported = bool(pairs)
            else:
                supported = _negated_phrase_in(cue, article) or any(
                    _same_claim(cue, theirs) for theirs, _ in pairs
                )
            stated = any(
                _states_plainly(cue, claim - _stems(cue.text), s, cs)
                for s, cs in zip(*everywhere, strict=True)
            )
            if not supported and stated:
                reasons.append(f"adds {label} ({cue.text!r}) the article does not have")
                break
        if not own and cues:
            dropped = [c for c in cues[0] if c.kind == kind and scope_in(c, headline)]
            if dropped:
                reasons.append(
                    f"drops the article's {label} ({dropped[0].text!r} {dropped[0].scope})"
                )
    return reasons
