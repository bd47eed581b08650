"""Negation and hedging cues in English and Chinese, with what they bear on.

German negation (nicht, kein, nie, ohne) is read too; German hedging is not ("soll"
is how German headlines report what someone says).

A headline that says "not" where the article does not (or drops the article's "not")
reverses it; one that drops "could" or "reportedly" turns a possibility into a fact.
:func:`find_cues` lists the cues of a text with the words right after each (the
*scope*: in "was not found guilty", "found guilty"), which lets the gate tell a
dropped negation ("X found guilty" against "X was not found guilty") from a
headline that merely says something else.

Chinese has no spaces and its negation characters live inside ordinary words (非常
"very", 未来 "future", 无论 "whatever", 不断 "constantly"): those words are masked
before the single characters are looked for.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

__all__ = ["Cue", "find_cues", "scope_in"]

CueKind = Literal["negation", "hedge"]

_EN_NEGATION = re.compile(
    r"\b(?:not|no(?!\.\s?\d)|never|none|nobody|nothing|neither|nor|without|cannot)\b|n't\b",
    re.IGNORECASE,
)
#: German negation (no German hedging: "soll" is how German headlines report).
_DE_NEGATION = re.compile(
    r"\b(?:nicht(?!\s+(?:nur|zuletzt|umsonst)\b)|nichts|kein|keine|keinen|keinem|keiner|keines"
    r"|nie|niemals|niemand|ohne)\b",
    re.IGNORECASE,
)
_EN_HEDGE = re.compile(
    r"\b(?:may|might|could|reportedly|allegedly|possibly|probably|perhaps|likely|unlikely|"
    r"rumou?red|said\s+to\s+be)\b",
    re.IGNORECASE,
)
#: Words that contain a negation character without negating anything.
_ZH_NOT_NEGATION = [
    "不过",
    "不断",
    "不少",
    "不仅",
    "不但",
    "不管",
    "不论",
    "不久",
    "不停",
    "不妨",
    "不愧",
    "不由",
    "不禁",
    "不已",
    "不乏",
    "不住",
    "不得不",
    "差不多",
    "了不起",
    "不约而同",
    "不可或缺",
    "不容忽视",
    "非常",
    "非洲",
    "非法",
    "是非",
    "除非",
    "无论",
    "无疑",
    "无限",
    "无线",
    "无人机",
    "无数",
    "毫无疑问",
    "未来",
    "别人",
    "特别",
    "分别",
    "区别",
    "级别",
    "类别",
    "告别",
    "识别",
    "个别",
    "差别",
    "性别",
    "别墅",
    "派别",
    "辨别",
    "鉴别",
    "未成年",
    "未必",
]
_ZH_NEGATION = re.compile(r"没有|没|不|未|无|非|别|莫|勿|否认|拒绝")
_ZH_HEDGE = re.compile(
    r"可能|或将|或许|或在|或达|或超|或遭|或被|或成|也许|恐将|据报道|据传|传闻|疑似|有望|预计|料将|"
    r"大概|估计"
)
_ZH_HEDGE_IGNORE = ("或者", "或是", "或多或少", "考虑到", "估计值", "可能性", "无可能")
_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


@dataclass(frozen=True)
class Cue:
    """A negation or hedging cue: its kind, its words, and the words it bears on."""

    kind: CueKind
    text: str
    #: The next content words (English) or characters (Chinese) after the cue.
    scope: str


def _mask(text: str, words: tuple[str, ...] | list[str]) -> str:
    for word in sorted(words, key=len, reverse=True):
        text = text.replace(word, "□" * len(word))
    return text


def find_cues(text: str) -> list[Cue]:
    """The negation and hedging cues of ``text`` (English and Chinese), in order."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'")
    cues: list[tuple[int, Cue]] = []
    patterns = (("negation", _EN_NEGATION), ("negation", _DE_NEGATION), ("hedge", _EN_HEDGE))
    for kind, pattern in patterns:
        for match in pattern.finditer(text):
            if kind == "hedge" and _is_month_may(text, match):
                continue
            after = _WORD.findall(text[match.end() : match.end() + 60])
            scope = " ".join(w for w in after if len(w) > 2)[:40]
            cues.append((match.start(), Cue(kind, match.group().lower(), scope)))  # type: ignore[arg-type]
    if _CJK.search(text):
        masked = _mask(text, _ZH_NOT_NEGATION)
        for match in _ZH_NEGATION.finditer(masked):
            scope = "".join(_CJK.findall(text[match.end() : match.end() + 4]))
            cues.append((match.start(), Cue("negation", match.group(), scope)))
        masked = _mask(text, _ZH_HEDGE_IGNORE)
        for match in _ZH_HEDGE.finditer(masked):
            scope = "".join(_CJK.findall(text[match.end() : match.end() + 4]))
            cues.append((match.start(), Cue("hedge", match.group(), scope)))
    cues.sort(key=lambda item: item[0])
    return [cue for _, cue in cues]


_MONTH_CONTEXT = re.compile(
    r"(?:\b(?:in|since|of|until|by|last|next|early|late|mid|from|to|on)\s+|-)$", re.IGNORECASE
)


def _is_month_may(text: str, match: re.Match[str]) -> bool:
    """ "in May", "May 5": the month, not the modal."""
    if match.group() != "May":
        return False
    before = text[max(0, match.start() - 8) : match.start()]
    return bool(_MONTH_CONTEXT.search(before)) or bool(re.match(r"\s*\d", text[match.end() :]))


def scope_in(cue: Cue, text: str) -> bool:
    """Whether what ``cue`` bears on is also said in ``text`` (a headline): the first
    content word (4+ letters) of an English scope, by a 5-letter stem ("found" of "found
    guilty", not "Hong" of "coming to Hong Kong"), or a two-character piece of a
    Chinese one."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if _CJK.search(cue.scope):
        pieces = [cue.scope[i : i + 2] for i in range(min(2, max(1, len(cue.scope) - 1)))]
        return any(len(p) == 2 and p in text for p in pieces)
    words = [w for w in cue.scope.casefold().split() if len(w) > 3][:1]
    return any(re.search(rf"\b{re.escape(w[:5])}", text) for w in words)
