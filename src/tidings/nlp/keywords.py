"""Keywords: the few words and phrases that say what an article is about.

English (and other space-delimited text): candidate phrases are runs of up to three
non-stop words; each word is weighted by how often it occurs, how early it first
appears and whether it is written as a name, and a phrase seen at least twice scores
the sum of its words. Chinese: jieba's TF-IDF (``jieba.analyse.extract_tags``) with
the IDF table bundled in the jieba wheel. Both are deterministic.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from typing import Any

log = logging.getLogger(__name__)

#: Only the start of a long text is read.
MAX_CHARS = 20000
MAX_CHARS_ZH = 5000

# Function words plus words so common in news that they say nothing about a story.
STOP_WORDS = frozenset(
    """
a about above across after afterwards again against ago ahead all almost alone along already
also although always am among amongst an and another any anyone anything anyway anywhere are
around as at away back be became because become becomes been before beforehand behind being
below beside besides between beyond both but by can cannot could did do does doing done down
during each eight either eleven else elsewhere enough etc even ever every everyone everything
everywhere except few fifteen fifty first five for former formerly forty four from further
get gets getting give given go goes going gone got had has have having he her here hereafter
hereby herein hers herself him himself his how however hundred i if in including indeed into
is it its itself just last later latter least less like made make makes making many may me
meanwhile might mine more moreover most mostly much must my myself near nearly neither never
nevertheless next nine no nobody none nor not nothing now nowhere of off often on once one
only onto or other others otherwise our ours ourselves out over own per perhaps please put
quite rather re really said same say saying says second see seem seemed seeming seems several
she should show shown since six sixty so some somehow someone something sometime sometimes
somewhere still such take taken ten than that the their theirs them themselves then thence
there thereafter thereby therefore therein thereupon these they thing things third this those
though three through throughout thru thus till to today together told tomorrow too toward
towards twelve twenty two under until up upon us use used using very via want wanted wants
was way ways we well were what whatever when whence whenever where whereafter whereas whereby
wherein whereupon wherever whether which while whither who whoever whole whom whose why will
with within without would yesterday yet you your yours yourself yourselves
mr mrs ms dr according added adding asked called come comes coming day days did didn don
end expected early week weeks month months year years time times new news people percent
million billion thousand number part set told report reported reports statement spokesman
spokeswoman spokesperson including include includes lot lots look looked looks known know
think thought good great big small long high low old little best better left right many much
able likely local recent recently former latest late including says tell tells around
monday tuesday wednesday thursday friday saturday sunday january february march april june
july august september october november december can't won't isn't aren't wasn't weren't
doesn't didn't don't it's that's there's he's she's they're we're i'm you're
official officials earlier question questions update updates figure figures call calls
comment comments detail details issue issues
""".split()  # noqa: SIM905
)

# Words every Chinese news story uses ("reporter", "related", "stated", "on the scene"...).
ZH_STOP_WORDS = frozenset(
    """
记者 相关 表示 现场 业内人士 有关部门 目前 今年 去年 明年 工作 情况 问题 进行 已经 方面 我们 他们
负责人 介绍 了解 据悉 据介绍 日前 近日 此前 其中 以及 没有 可以 一个 这个 通过 同时 时间 表示
""".split()  # noqa: SIM905
)

_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?。！？]\s|\n")
_CJK = re.compile(r"[\u3400-\u9fff]")
_NUMBERISH = re.compile(r"^[\d.,%％·:：/-]+$")


def extract_keywords(text: str, language: str | None, k: int = 8) -> tuple[str, ...]:
    """Up to ``k`` keywords of ``text``, best first (deterministic)."""
    if k <= 0 or not text or not text.strip():
        return ()
    if _is_chinese(text, language):
        return _chinese_keywords(text[:MAX_CHARS_ZH], k)
    return _latin_keywords(text[:MAX_CHARS], k)


def _is_chinese(text: str, language: str | None) -> bool:
    if language:
        return language.lower().split("-")[0] == "zh"
    sample = text[:500]
    letters = sum(1 for c in sample if c.isalpha())
    return letters > 0 and len(_CJK.findall(sample)) / letters > 0.3


# --- space-delimited languages -----------------------------------------------------------


def _latin_keywords(text: str, k: int) -> tuple[str, ...]:
    # Tokens with their sentence-initial flag, and runs of non-stop words between them.
    runs: list[list[tuple[str, str]]] = []  # (key, surface)
    current: list[tuple[str, str]] = []
    counts: dict[str, int] = {}
    first_seen: dict[str, int] = {}
    capitalised: dict[str, int] = {}
    surfaces: dict[str, dict[str, int]] = {}
    position = 0
    last_end = 0
    for match in _WORD.finditer(text):
        gap = text[last_end : match.start()]
        last_end = match.end()
        sentence_start = position == 0 or bool(_SENTENCE_END.search(gap))
        surface = match.group().strip("'’-")
        key = surface.casefold().replace("’", "'")
        if key.endswith("'s"):
            key, surface = key[:-2], surface[:-2]
        breaks = bool(re.search(r"[^\s]", gap)) and not re.fullmatch(r"\s*-\s*", gap)
        if breaks or key in STOP_WORDS or len(key) < 2 or (len(key) < 3 and not surface.isupper()):
            if current:
                runs.append(current)
            current = []
            if key in STOP_WORDS or len(key) < 2 or (len(key) < 3 and not surface.isupper()):
                position += 1
                continue
        position += 1
        counts[key] = counts.get(key, 0) + 1
        first_seen.setdefault(key, position)
        if surface[:1].isupper() and not sentence_start:
            capitalised[key] = capitalised.get(key, 0) + 1
        surfaces.setdefault(key, {})
        surfaces[key][surface] = surfaces[key].get(surface, 0) + 1
        current.append((key, surface))
    if current:
        runs.append(current)
    if not counts:
        return ()

    total = max(position, 1)

    def weight(key: str) -> float:
        early = 1.0 - first_seen[key] / total  # 1 at the start, 0 at the end
        name = 1.5 if capitalised.get(key, 0) * 2 >= counts[key] else 1.0
        return (1.0 + math.log(counts[key])) * (1.0 + early) * name

    # Phrases: a capitalised run of two to four words ("Northern Trade Council", "Mateo
    # Moreau") is a name, taken whole and counted even once; other two- and three-word
    # phrases count when they recur.
    phrase_counts: dict[tuple[str, ...], int] = {}
    phrase_surface: dict[tuple[str, ...], dict[str, int]] = {}
    names: set[tuple[str, ...]] = set()

    def add(tokens: list[tuple[str, str]]) -> tuple[str, ...]:
        gram = tuple(key for key, _ in tokens)
        phrase_counts[gram] = phrase_counts.get(gram, 0) + 1
        shown = " ".join(surface for _, surface in tokens)
        phrase_surface.setdefault(gram, {})
        phrase_surface[gram][shown] = phrase_surface[gram].get(shown, 0) + 1
        return gram

    for run in runs:
        upper = [surface[:1].isupper() for _, surface in run]
        i = 0
        while i < len(run):
            j = i
            while j < len(run) and upper[j]:
                j += 1
            if 2 <= j - i <= 4:
                names.add(add(run[i:j]))
            i = max(j, i + 1)
        for n in (2, 3):
            for i in range(len(run) - n + 1):
                if not all(upper[i : i + n]):
                    add(run[i : i + n])

    scored: list[tuple[float, int, tuple[str, ...], str]] = []
    for key, count in counts.items():
        if count == 1 and capitalised.get(key, 0) == 0 and first_seen[key] > 40:
            continue  # a common word seen once, late: not a keyword
        shown = _majority(surfaces[key])
        gram: tuple[str, ...] = (key,)
        if not capitalised.get(key):
            shown = shown.lower()
        else:
            # "Mayer" stands for the full name it was introduced with ("Kevin Mayer").
            full = [g for g in names if len(g) == 2 and g[-1] == key]
            if full:
                gram = max(full, key=lambda g: (phrase_counts[g], -first_seen[g[0]]))
                shown = _majority(phrase_surface[gram])
        scored.append((weight(key), first_seen[key], gram, shown))
    for gram, count in phrase_counts.items():
        is_name = gram in names
        if (count < 2 and not is_name) or len(set(gram)) < len(gram):
            continue
        shown = _majority(phrase_surface[gram])
        share = 1.0 if is_name else count / max(counts[key] for key in gram)
        score = sum(weight(key) for key in gram) / math.sqrt(len(gram)) * share
        if not any(capitalised.get(key) for key in gram):
            shown = shown.lower()
        scored.append((score, first_seen[gram[0]], gram, shown))
    scored.sort(key=lambda item: (-item[0], item[1], item[3]))

    chosen: list[tuple[tuple[str, ...], str]] = []
    for _, _, gram, shown in scored:
        if any(_contains(other, gram) or _contains(gram, other) for other, _ in chosen):
            continue
        chosen.append((gram, shown))
        if len(chosen) == k:
            break
    return tuple(shown for _, shown in chosen)


def _majority(options: dict[str, int]) -> str:
    return max(options, key=lambda s: options[s])


def _contains(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    n = len(small)
    return any(big[i : i + n] == small for i in range(len(big) - n + 1))


# --- Chinese -----------------------------------------------------------------------------

_lock = threading.Lock()
_jieba_tfidf: Any = None


def _tfidf() -> Any:
    global _jieba_tfidf
    with _lock:
        if _jieba_tfidf is None:
            import jieba
            import jieba.analyse

            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            _jieba_tfidf = jieba.analyse.TFIDF()
            log.info("loaded jieba for Chinese keywords")
        return _jieba_tfidf


def _chinese_keywords(text: str, k: int) -> tuple[str, ...]:
    tags = _tfidf().extract_tags(text, topK=k * 2 + 4)
    out: list[str] = []
    for tag in tags:
        word = str(tag).strip()
        if len(word) < 2 or _NUMBERISH.match(word) or word in ZH_STOP_WORDS:
            continue
        out.append(word)
        if len(out) == k:
            break
    return tuple(out)
