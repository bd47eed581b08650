"""Extractive headline candidates: compressed from the article's own sentences, no model.

Three methods, each named in the candidate's author:

- ``extractive:lead``: the lead sentence compressed. English: dateline, byline,
  time expressions, parentheticals, attributions and articles dropped, then cut at
  the last clause boundary within the word budget (:mod:`.compress_en`). Chinese: the
  leading clauses of the first sentence, openers stripped, within the character
  budget.
- ``extractive:central``: the same compression applied to the most central sentence
  (:func:`tidings.nlp.summary.summarize` with one sentence, over the NLP stage's
  summary when one is given, else over the text); for Chinese, the best-scoring
  clause span inside that sentence.
- ``extractive:compressed``: clause selection. Chinese (:mod:`.compress_zh`): every
  span of one to three clauses of the lead, 10 to 26 characters, scored by how
  central its character bigrams are and how early it comes. English: the compressed
  form of each of the first three sentences, scored by term centrality, keyword
  coverage and position.

Every output word comes from the text in its order, so a candidate is as faithful
as its sentence. Which method leads the list per language was chosen by ROUGE on
the tune halves of LCSTS part III and AG News (``bench/headlines_rouge.py``):
Chinese ``compressed`` (R-1/R-2/R-L 27.0/15.9/24.2 against 24.0/13.3/21.0 for the
first 20 characters), English ``lead`` (22.8/6.7/20.9 against 17.1/4.2/16.1 for the
first seven words). Deterministic: no randomness, ties broken by position and text.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable

from tidings.headlines import compress_en, compress_zh
from tidings.nlp.keywords import STOP_WORDS, extract_keywords
from tidings.nlp.summary import is_chinese, split_sentences, summarize
from tidings.records import HeadlineCandidate, HeadlineOrigin

__all__ = ["DEFAULT_ORDER", "METHODS", "default_headline", "extractive_headlines"]

#: English headline budget in words (AG News titles: 6.8 words on average; longer
#: scores better against them up to about 12, and stays under ~75 characters).
EN_MAX_WORDS = 12
#: Only the first sentences compete (news puts the point first).
LEAD_SENTENCES = 3
#: Shorter than this (words; Chinese: characters) is not a headline.
EN_MIN_WORDS = 3
ZH_MIN_CHARS = 6
_CJK = re.compile(r"[\u3400-\u9fff]")
_EN_WORD = re.compile(r"[^\W_][\w'’-]*")


# --- English --------------------------------------------------------------------------


def _en_lead_sentences(text: str) -> list[str]:
    body = compress_en.strip_dateline(text)
    return split_sentences(body, "en")[:LEAD_SENTENCES]


def _en_ok(headline: str) -> str | None:
    return headline if len(headline.split()) >= EN_MIN_WORDS else None


def _en_lead(text: str) -> str | None:
    sentences = _en_lead_sentences(text)
    if not sentences:
        return None
    return _en_ok(compress_en.compress_sentence(sentences[0], max_words=EN_MAX_WORDS))


def _en_central(text: str, summary: str | None) -> str | None:
    source = summarize(summary or compress_en.strip_dateline(text), "en", sentences=1)
    sentences = split_sentences(source, "en")
    if not sentences:
        return None
    return _en_ok(compress_en.compress_sentence(sentences[0], max_words=EN_MAX_WORDS))


def _en_terms(text: str) -> list[str]:
    words = (w.casefold() for w in _EN_WORD.findall(text))
    return [w for w in words if w not in STOP_WORDS and len(w) > 2]


def _en_compressed(text: str) -> str | None:
    sentences = _en_lead_sentences(text)
    if not sentences:
        return None
    counts = Counter(_en_terms(" ".join(sentences)))
    keywords = {w.casefold() for k in extract_keywords(text, "en", k=6) for w in k.split()}
    best: tuple[float, str] | None = None
    for position, sentence in enumerate(sentences):
        headline = compress_en.compress_sentence(sentence, max_words=EN_MAX_WORDS)
        terms = set(_en_terms(headline))
        if len(headline.split()) < EN_MIN_WORDS or not terms:
            continue
        norm = math.sqrt(len(terms))
        score = (
            sum(counts[t] - 1 for t in terms) / norm
            + sum(1 for t in terms if t in keywords) / norm
            + 1.0 / (1 + position)
        )
        if best is None or score > best[0]:
            best = (score, headline)
    return best[1] if best else None


# --- Chinese --------------------------------------------------------------------------


def _zh_ok(headline: str) -> str | None:
    return headline if len(headline) >= ZH_MIN_CHARS else None


def _zh_leading_clauses(sentence: str) -> str | None:
    """The leading clauses of ``sentence`` (openers stripped) within the budget."""
    params = compress_zh.PARAMS
    best = ""
    for position, span in compress_zh.spans(compress_zh.clean(sentence), max_clauses=6):
        if position > 0:
            break
        stripped = compress_zh.strip_edges(span)
        if len(stripped) > params.max_chars:
            break
        best = stripped
        if len(stripped) >= params.target:
            break
    if not best:
        # A first clause too long for a headline: cut at a word boundary.
        best = compress_zh.truncate(
            compress_zh.strip_edges(compress_zh.clean(sentence)), params.max_chars
        )
    return _zh_ok(compress_zh.tidy(best))


def _zh_lead(text: str) -> str | None:
    sentences = split_sentences(compress_zh.clean(text), "zh")
    return _zh_leading_clauses(sentences[0]) if sentences else None


def _zh_central(text: str, summary: str | None) -> str | None:
    source = summarize(summary or text, "zh", sentences=1)
    sentences = split_sentences(source, "zh")
    if not sentences:
        return None
    # The best-scoring clause span inside the central sentence, else its leading clauses.
    central = compress_zh.tidy(compress_zh.clean(sentences[0]))
    for _, span in compress_zh.candidates(text):
        if span in central:
            return _zh_ok(span)
    return _zh_leading_clauses(sentences[0])


def _zh_compressed(text: str) -> str | None:
    ranked = compress_zh.candidates(text)
    return _zh_ok(ranked[0][1]) if ranked else None


# --- public ---------------------------------------------------------------------------

Method = Callable[..., str | None]


def lead_headline(text: str, *, language: str | None = None, **_: object) -> str | None:
    """The lead sentence compressed to a headline."""
    return _zh_lead(text) if is_chinese(text, language) else _en_lead(text)


def central_headline(
    text: str, *, language: str | None = None, summary: str | None = None, **_: object
) -> str | None:
    """The most central sentence (of the summary, if given) compressed to a headline."""
    if is_chinese(text, language):
        return _zh_central(text, summary)
    return _en_central(text, summary)


def compressed_headline(text: str, *, language: str | None = None, **_: object) -> str | None:
    """The best-scoring clause span of the lead (centrality, keywords, position, length)."""
    return _zh_compressed(text) if is_chinese(text, language) else _en_compressed(text)


METHODS: dict[str, Method] = {
    "lead": lead_headline,
    "central": central_headline,
    "compressed": compressed_headline,
}
#: Method order per language, best first on the tune halves (bench/headlines_rouge.py).
DEFAULT_ORDER: dict[str, tuple[str, ...]] = {
    "zh": ("compressed", "lead", "central"),
    "en": ("lead", "compressed", "central"),
}


def default_headline(
    text: str,
    *,
    language: str | None = None,
    summary: str | None = None,
    complete: bool = True,
    **_: object,
) -> str | None:
    """The first candidate :func:`extractive_headlines` would return, as text."""
    found = extractive_headlines(
        text, language=language, summary=summary, max_candidates=1, complete=complete
    )
    return found[0].text if found else None


def extractive_headlines(
    text: str,
    *,
    title: str | None = None,
    language: str | None = None,
    summary: str | None = None,
    max_candidates: int = 3,
    complete: bool = True,
) -> list[HeadlineCandidate]:
    """Up to ``max_candidates`` distinct headlines compressed from ``text``, best first.

    ``title`` is the article's own title: a candidate equal to it is left out (it is
    already a candidate as the original). ``summary`` (the NLP stage's extractive
    summary) narrows the search for the central sentence to its sentences. With
    ``complete`` (the default), an English candidate cut inside a phrase ("... at cost"
    from "at a cost of $87.6 million") is shortened to the last whole phrase, or left
    out: readers would see it broken off.
    """
    if max_candidates <= 0 or not text or not text.strip():
        return []
    key = "zh" if is_chinese(text, language) else "en"
    text = _without_title(text, title)
    seen = {_fold(title)} if title else set()
    out: list[HeadlineCandidate] = []
    for name in DEFAULT_ORDER[key]:
        headline = METHODS[name](text, language=key, summary=summary)
        if not headline or _fold(headline) in seen:
            continue
        if complete and key == "en":
            headline = complete_phrase(headline, text)
            if not headline or _fold(headline) in seen:
                continue
        seen.add(_fold(headline))
        out.append(
            HeadlineCandidate(
                text=headline, origin=HeadlineOrigin.EXTRACTIVE, author=f"extractive:{name}"
            )
        )
        if len(out) == max_candidates:
            break
    return out


#: Words that may follow the last word of a headline in its sentence: a new clause, an
#: adjunct, a time phrase or the verb of the phrase starts there, so cutting before it
#: leaves a whole phrase ("of" does not).
_PHRASE_STARTS = frozenset(
    """and but or which who whom whose that after as when while with because amid since
    before until where said says to in on at for from by over despite during following
    according under into against across near late early last this next yesterday today
    tonight monday tuesday wednesday thursday friday saturday sunday is are was were has
    have had will would could should may might can did does do""".split()  # noqa: SIM905
)
_LAST_WORD = re.compile(r"[\w'’-]+(?=\W*$)")


def ends_a_phrase(headline: str, text: str) -> bool:
    """Whether ``headline`` (English) stops where a phrase of ``text`` stops: its last
    word is followed in the text by punctuation, the end, or a word starting a new
    clause or adjunct, at least once."""
    match = _LAST_WORD.search(headline)
    if match is None:
        return True
    last = re.escape(match.group())
    for found in re.finditer(rf"\b{last}\b(\W*)(\w+)?", text):
        gap, following = found.group(1), found.group(2)
        if following is None or re.search(r"[,.;:!?)\"”—–]", gap):
            return True
        if following.lower() in _PHRASE_STARTS:
            return True
    return False


def complete_phrase(headline: str, text: str, *, min_words: int = 5) -> str | None:
    """``headline`` shortened word by word until it :func:`ends_a_phrase` of ``text``
    and not on a function word; None when that leaves fewer than ``min_words``."""
    words = headline.split()
    while len(words) >= min_words:
        candidate = " ".join(words).rstrip(" ,;:-–—")
        last = words[-1].lower().strip(",;:.'\"")
        if last not in compress_en.WEAK_END and ends_a_phrase(candidate, text):
            return candidate
        words = words[:-1]
    return None


def _without_title(text: str, title: str | None) -> str:
    """``text`` without the title some extractors leave at its start."""
    body = text.strip()
    head = (title or "").strip()
    if head and body.startswith(head) and len(body) > len(head) + 20:
        return body[len(head) :].lstrip(" .:：。-—\n")
    return body


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())
