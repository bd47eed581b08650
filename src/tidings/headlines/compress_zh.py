"""Chinese headlines from clauses: pick the span of clauses that best says the story.

A Chinese news lead is a chain of clauses (，；：) inside sentences (。！？). The
headline a desk writes is usually one or two of those clauses, often not the first:
"据悉，" "昨日，" "记者从……获悉，" open the text and say nothing. Each span of one
to three consecutive clauses of a sentence is scored by how central its character
bigrams are (how often the rest of the text repeats them), how close it is to a
headline's length, and a small bonus for coming early; openers (time words,
sources, framing clauses) are stripped from its edges. The span is returned as it
stands, but for headline punctuation (commas between clauses become spaces,
"X表示，Y" becomes "X：Y"), so every character but those marks is the article's.
Jieba's TF-IDF keywords as a further score did not help on the tune half.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections import Counter
from dataclasses import dataclass

#: Clause delimiters inside a sentence and sentence ends.
_DELIMITERS = frozenset("，,；;：:。！？!?…\n")
#: Brackets and quotes a clause is never cut inside ("《你永远不知道，陈欧……》").
_MAX_QUOTE = 60
_OPEN = {"《": "》", "“": "”", "「": "」", "『": "』", "（": "）", "(": ")", "【": "】"}
_SENTENCE_END = frozenset("。！？!?…\n")
#: Parentheticals, image marks and hashtags: never part of a headline.
_NOISE = re.compile(r"（[^（）]{0,40}）|\([^()]{0,40}\)|#[^#]{1,30}#|【[^【】]{0,4}】")
#: What opens a clause without saying anything: time words, hearsay, sources.
_OPENER = re.compile(
    r"^(?:(?:据悉|据了解|据介绍|据报道|据统计|据称|另悉|此外|同时|其中|其实|当然|然而|但是|不过|"
    r"目前|日前|近日|近期|昨日|昨天|今日|今天|今年|去年|前晚|昨晚|当天|当日|此前|随后|以来|"
    r"上午|下午|晚上|早上|凌晨|中午|晚间|午间|(?:本|上|下)?(?:周|星期)[一二三四五六日天]|"
    r"\d{1,4}年(?:\d{1,2}月)?(?:\d{1,2}日)?|\d{1,2}月(?:\d{1,2}日)?|\d{1,2}日)[，,、\s]*)+"
)
_REPORTER = re.compile(r"^[^，,。]{0,20}?(?:记者|本报)[^，,。]{0,20}?(?:获悉|了解到|得知)[，,]?")
#: "X表示", "X认为": an attribution that leaves the claim in the next clause.
_SAYS = re.compile(r"^[^，,。]{1,16}?(?:表示|认为|指出|称|说|透露|强调|介绍)[：:，,]?$")
#: A framing clause ("在周六结束的锦标赛中，", "随着……，"): context, not the news.
_FRAME = re.compile(
    r"^(?:在|于|随着|根据|对于|针对|截至|截止)[^，,。；;]{0,30}?"
    r"(?:中|上|时|后|前|里|期间|之际|来看|看来|而言|以来|为止)[，,]"
)
#: "X表示，Y" as a headline writes it: "X：Y".
_SPEAKER = re.compile(r"^([^，,。：:“”]{2,12}?)(?:表示|认为|指出|称|说|透露|强调)[：:，,]\s*(?=\S)")
_TRAILING_PUNCT = "，,；;：:。！？!?…、—-“\"'（("
_LEADING_PUNCT = "，,；;：:。！？!?…、—-”\"'）)"


@dataclass(frozen=True)
class Params:
    """Scoring weights (chosen on the tune half of LCSTS part III, bench/headlines_rouge.py)."""

    #: Headline length aimed at (LCSTS headlines: 18.7 characters on average) and the
    #: shortest and longest spans considered: a front-page headline's 10 to 26
    #: characters (10 to 28 scored 0.1 R-1 better on the tune half; not worth
    #: headlines of thirty characters).
    target: int = 18
    max_chars: int = 26
    min_chars: int = 10
    #: Score lost per character away from ``target`` (0: within 10 to 26 characters,
    #: length does not matter; 0.02 and 0.05 scored lower on the tune half).
    length_weight: float = 0.0
    #: Bonus of the first clause (the second gets half, the third a third...).
    position_weight: float = 1.0


PARAMS = Params()
#: Only clauses of the sentences that start in the first LEAD_CHARS characters
#: compete (a long article's headline is in its lead; LCSTS texts, at most 149
#: characters, are read whole); centrality is counted over the first CONTEXT_CHARS.
LEAD_CHARS = 160
CONTEXT_CHARS = 3000


def clean(text: str) -> str:
    return _NOISE.sub("", text).strip()


def _bigrams(text: str) -> list[str]:
    chars = [c for c in text if c.isalnum()]
    return [a + b for a, b in itertools.pairwise(chars)]


def strip_edges(span: str) -> str:
    """``span`` without openers, a reporter's "获悉", and punctuation at its ends."""
    previous = None
    while previous != span:
        previous = span
        span = _OPENER.sub("", span)
        span = _REPORTER.sub("", span)
        span = _FRAME.sub("", span)
        span = span.lstrip(_LEADING_PUNCT + " ")
    return span.rstrip(_TRAILING_PUNCT + " ")


def split_clauses(text: str) -> list[str]:
    """``text`` cut after each run of delimiters outside brackets and quotes."""
    out: list[str] = []
    closers: list[str] = []
    opened = 0
    start = 0
    for i, ch in enumerate(text):
        if closers and i - opened > _MAX_QUOTE:
            closers.clear()  # an unbalanced quote does not swallow the text
        if closers and ch == closers[-1]:
            closers.pop()
        elif ch in _OPEN and len(closers) < 4:
            closers.append(_OPEN[ch])
            opened = i
        elif not closers and ch in _DELIMITERS:
            following = text[i + 1 : i + 2]
            if following and following in _DELIMITERS:
                continue
            out.append(text[start : i + 1])
            start = i + 1
    if start < len(text):
        out.append(text[start:])
    return [c for c in out if c.strip()]


def truncate(text: str, max_chars: int) -> str:
    """``text`` cut to at most ``max_chars`` characters at a word boundary (jieba)."""
    if len(text) <= max_chars:
        return text
    import jieba

    jieba.setLogLevel(logging.WARNING)
    out = ""
    for word in jieba.cut(text, HMM=True):
        if len(out) + len(word) > max_chars:
            break
        out += word
    return out.rstrip(_TRAILING_PUNCT + " ") or text[:max_chars]


def tidy(span: str) -> str:
    """Headline punctuation: the commas between clauses become spaces, as on a front page."""
    span = _SPEAKER.sub(r"\1：", span)
    return re.sub(r"\s*[，,；;]\s*", " ", span).strip()


def spans(text: str, max_clauses: int = 3, lead_chars: int = 0) -> list[tuple[int, str]]:
    """(position of the first clause, text) of every run of clauses within a sentence.

    With ``lead_chars``, only sentences starting within that many characters.
    """
    clauses: list[tuple[int, str]] = []  # (sentence number, clause with its delimiter)
    sentence = 0
    offset = 0
    sentence_start = 0
    for clause in split_clauses(text):
        if lead_chars and sentence_start >= lead_chars and clauses:
            break
        clauses.append((sentence, clause))
        offset += len(clause)
        if clause[-1] in _SENTENCE_END:
            sentence += 1
            sentence_start = offset
    out: list[tuple[int, str]] = []
    for i in range(len(clauses)):
        for j in range(i + 1, min(i + max_clauses, len(clauses)) + 1):
            if clauses[j - 1][0] != clauses[i][0]:
                break
            out.append((i, "".join(c for _, c in clauses[i:j])))
    return out


def candidates(text: str, params: Params = PARAMS) -> list[tuple[float, str]]:
    """Clause spans of ``text`` scored as headlines, best first (deterministic)."""
    text = clean(text[:CONTEXT_CHARS])
    counts = Counter(_bigrams(text))
    scored: dict[str, tuple[float, int]] = {}
    for position, raw in spans(text, lead_chars=LEAD_CHARS):
        span = strip_edges(raw)
        if len(span) < params.min_chars or len(span) > params.max_chars or _SAYS.match(span):
            continue
        grams = set(_bigrams(span))
        if not grams:
            continue
        # A bigram the rest of the text repeats is what the text is about.
        centrality = sum(counts[b] - 1 for b in grams) / len(grams) ** 0.5
        length = abs(len(span) - params.target)
        score = centrality + params.position_weight / (1 + position) - params.length_weight * length
        if span not in scored or scored[span][0] < score:
            scored[span] = (score, position)
    ranked = sorted(scored.items(), key=lambda item: (-item[1][0], item[1][1], item[0]))
    return [(score, tidy(span)) for span, (score, _) in ranked]
