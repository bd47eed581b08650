"""Extractive summaries: the two or three most central sentences, in their original order.

Sentences are split with rules for English (abbreviations and initials do not end a
sentence) and Chinese (。！？). Each sentence becomes a bag of terms (content words;
for Chinese, character bigrams) weighted by how few sentences share them; a
sentence's score is its cosine similarity to the whole text, raised for sentences
near the top (news puts the point first). Deterministic and cheap: no model.
"""

from __future__ import annotations

import itertools
import math
import re

from tidings.nlp.keywords import STOP_WORDS

#: Only the first sentences of a long text compete.
MAX_SENTENCES = 60
#: Sentences shorter than this (words; for Chinese, characters / 2) are not picked.
MIN_WORDS = 5

_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt ft no vs etc inc ltd co corp gov sen rep gen col lt
    sgt capt jan feb mar apr jun jul aug sep sept oct nov dec u.s e.g i.e a.m p.m""".split()  # noqa: SIM905
)
# A sentence ends at . ! ? (and closing quotes) before a space and anything that is not a
# lower-case Latin letter or clause punctuation ("e.g. this" and "3 p.m. on" go on).
_EN_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[^\sa-z,;:)\]])")
_ZH_SENTENCE = re.compile(r"[^。！？!?]+(?:[。！？!?]+[”’」』\"')）]*)?")
_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[^\W_][\w'’-]*")


def is_chinese(text: str, language: str | None) -> bool:
    """Chinese (or Japanese, whose sentences and clauses end at the same marks): by
    ``language`` if known, else by the share of CJK letters in the text's start."""
    if language:
        return language.lower().split("-")[0] in {"zh", "ja"}
    sample = text[:500]
    letters = sum(1 for c in sample if c.isalpha())
    return letters > 0 and len(_CJK.findall(sample)) / letters > 0.3


def split_sentences(text: str, language: str | None = None) -> list[str]:
    """Sentences of ``text`` (paragraph breaks always end one), whitespace-trimmed."""
    chinese = is_chinese(text, language)
    out: list[str] = []
    for block in re.split(r"\n\s*\n|\n", text):
        paragraph = block.strip()
        if not paragraph:
            continue
        if chinese:
            out.extend(s.strip() for s in _ZH_SENTENCE.findall(paragraph) if s.strip())
        else:
            out.extend(_split_english(paragraph))
    return out


def _split_english(paragraph: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for match in _EN_BOUNDARY.finditer(paragraph):
        before = paragraph[start : match.start()].rstrip("\"'”’)]")
        last = before.rsplit(None, 1)[-1] if before.split() else ""
        token = last.rstrip(".").lower()
        # "Dr. Smith", "U.S. officials", "J. Smith": not the end of a sentence.
        if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()) or "." in token:
            continue
        sentences.append(paragraph[start : match.start()].strip() + match.group().strip())
        start = match.end()
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return [s for s in sentences if s]


def _terms(sentence: str, chinese: bool) -> list[str]:
    if chinese:
        chars = [c for c in sentence if c.isalnum()]
        return [a + b for a, b in itertools.pairwise(chars)]
    words = [w.casefold() for w in _WORD.findall(sentence)]
    return [w for w in words if w not in STOP_WORDS and len(w) > 2]


def summarize(text: str, language: str | None, sentences: int = 3) -> str:
    """The ``sentences`` most central sentences of ``text`` in their original order.

    Never longer than ``text``; a text with no more sentences than asked for is
    returned whole (trimmed).
    """
    if not text or not text.strip() or sentences <= 0:
        return ""
    chinese = is_chinese(text, language)
    split = split_sentences(text, language)
    if len(split) <= sentences:
        return text.strip()
    candidates = split[:MAX_SENTENCES]
    bags = [_terms(s, chinese) for s in candidates]

    # Inverse sentence frequency: a term in every sentence says nothing.
    n = len(candidates)
    sentence_freq: dict[str, int] = {}
    for bag in bags:
        for term in set(bag):
            sentence_freq[term] = sentence_freq.get(term, 0) + 1
    idf = {t: math.log((1 + n) / (1 + f)) + 1.0 for t, f in sentence_freq.items()}

    vectors: list[dict[str, float]] = []
    centroid: dict[str, float] = {}
    for bag in bags:
        vec: dict[str, float] = {}
        for term in bag:
            vec[term] = vec.get(term, 0.0) + idf[term]
        vectors.append(vec)
        for term, w in vec.items():
            centroid[term] = centroid.get(term, 0.0) + w
    centroid_norm = math.sqrt(sum(w * w for w in centroid.values())) or 1.0

    scored: list[tuple[float, int]] = []
    for i, (sentence, vec) in enumerate(zip(candidates, vectors, strict=True)):
        size = len(sentence) / 2 if chinese else len(sentence.split())
        if size < MIN_WORDS or sentence.endswith("?"):
            continue
        norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
        cosine = sum(w * centroid.get(t, 0.0) for t, w in vec.items()) / (norm * centroid_norm)
        lead = 1.0 + 0.6 / (1.0 + i)  # the first sentence gets +60%, the tenth +5%
        scored.append((cosine * lead, i))
    if not scored:
        scored = [(0.0, i) for i in range(len(candidates))]
    scored.sort(key=lambda item: (-item[0], item[1]))
    picked = sorted(i for _, i in scored[:sentences])
    joiner = "" if chinese else " "
    summary = joiner.join(candidates[i] for i in picked)
    return summary if len(summary) <= len(text) else text.strip()
