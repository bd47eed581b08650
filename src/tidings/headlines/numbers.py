"""Numbers in English and Chinese text, as values that can be compared.

A headline's "3.5bn", "3.5 billion", "3,500,000,000", "35亿" and "三十五亿" are one
number: :func:`find_numbers` reads each mention into a :class:`NumberMention` with its
value, and :func:`number_supported` says whether an article's mentions back a
headline's one (equal value, or the article's exact figure rounded the way headlines
round: "3.5 million" for 3,456,789, never "130" for "100").

Text is NFKC-normalised first, so full-width digits and ``％`` read like ASCII.
Written English numbers are read where cheap (``two`` to ``ninety-nine``,
``dozen``, with a scale word: ``two million``); ``one`` is not (it is a pronoun too
often). A lone Chinese ``一`` is not a number either (一些, 统一, 之一); ``二〇二四``
is read digit by digit, ``三千五百万`` and ``3.5亿`` by their units.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["NumberMention", "find_numbers", "normalize_digits", "number_supported"]

_EN_SCALES = {
    "hundred": 1e2,
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mln": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bln": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
_ZH_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_ZH_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_BIG_UNITS = {"万": 1e4, "亿": 1e8}
_EN_UNITS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "dozen": 12,
}  # fmt: skip
_EN_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip

_SCALE_WORDS = "|".join(sorted(_EN_SCALES, key=len, reverse=True))
# Digits not glued to a Latin letter on the left ("G20", "A380" are codes, not numbers);
# thousands separators only in groups of three; an optional scale word or Chinese unit.
_DIGITS = re.compile(
    r"(?<![A-Za-z0-9.,])(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
    rf"(?:[\s-]?(?P<scale>(?:{_SCALE_WORDS})\b)|(?P<zh>[万亿]+))?"
    r"(?P<pct>\s?(?:%|percent\b|per\s+cent\b))?",
    re.IGNORECASE,
)
_ZH_NUMERAL = re.compile(r"(?P<pct>百分之)?(?P<num>[零〇一二两三四五六七八九十百千万亿]+)")
_WORDS = "|".join(sorted([*_EN_UNITS, *_EN_TENS], key=len, reverse=True))
_WRITTEN = re.compile(
    rf"\b(?P<num>(?:{_WORDS})(?:[-\s](?:{_WORDS}))?)(?:\s(?P<scale>hundred|thousand|million|billion|trillion)\b)?"
    r"(?P<pct>\s(?:percent|per\s+cent)\b)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NumberMention:
    """One number as written (``text``) and as a value."""

    text: str
    value: float
    #: Significant digits as written ("3.5 million": 2, "3,456,789": 7, "100": 1):
    #: how precise the writer was, for rounding.
    precision: int
    percent: bool = False


def normalize_digits(text: str) -> str:
    """NFKC (full-width digits, ``％``, ``，`` made ASCII-like)."""
    return unicodedata.normalize("NFKC", text)


def _precision(digits: str) -> int:
    """Significant digits of a written decimal string ("3.50" -> 2, "100" -> 1)."""
    plain = digits.replace(",", "").lstrip("0")
    if "." in plain:
        whole, frac = plain.split(".", 1)
        return max(1, len((whole.lstrip("0") + frac).rstrip("0")) or 1)
    return max(1, len(plain.rstrip("0")))


def _zh_value(numeral: str) -> float | None:
    """The value of a Chinese numeral (三, 十五, 两千, 三千五百万, 二〇二四)."""
    if not any(ch in _ZH_SMALL_UNITS or ch in _ZH_BIG_UNITS for ch in numeral):
        if not all(ch in _ZH_DIGITS for ch in numeral):
            return None
        return float("".join(str(_ZH_DIGITS[ch]) for ch in numeral))
    total = 0.0
    section = 0.0
    digit: float | None = None
    for ch in numeral:
        if ch in _ZH_DIGITS:
            digit = float(_ZH_DIGITS[ch])
        elif ch in _ZH_SMALL_UNITS:
            section += (1.0 if digit is None else digit) * _ZH_SMALL_UNITS[ch]
            digit = None
        else:
            big = _ZH_BIG_UNITS[ch]
            section += digit or 0.0
            digit = None
            if section == 0.0 and total == 0.0:
                return None
            if section == 0.0:
                total *= big
            else:
                total = (total + section) * big
            section = 0.0
    return total + section + (digit or 0.0)


def _zh_units(units: str) -> float:
    scale = 1.0
    for ch in units:
        scale *= _ZH_BIG_UNITS[ch]
    return scale


def find_numbers(text: str) -> list[NumberMention]:
    """Every number mentioned in ``text``, in order of appearance."""
    text = normalize_digits(text)
    found: list[tuple[int, NumberMention]] = []
    taken: list[tuple[int, int]] = []
    for match in _DIGITS.finditer(text):
        raw = match.group("num") + (match.group("frac") or "")
        value = float(raw.replace(",", ""))
        scale = match.group("scale")
        if scale:
            value *= _EN_SCALES[scale.lower()]
        if match.group("zh"):
            value *= _zh_units(match.group("zh"))
        mention = NumberMention(match.group().strip(), value, _precision(raw), bool(match["pct"]))
        found.append((match.start(), mention))
        taken.append(match.span())
    for match in _ZH_NUMERAL.finditer(text):
        numeral = match.group("num")
        if numeral in {"一", "万", "亿", "千", "百"} or numeral.strip("万亿") == "":
            continue
        zh_value = _zh_value(numeral)
        if zh_value is None:
            continue
        precision = _precision(str(int(zh_value))) if zh_value.is_integer() else 3
        pct = bool(match.group("pct"))
        found.append((match.start(), NumberMention(match.group(), zh_value, precision, pct)))
    for match in _WRITTEN.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        parts = re.split(r"[-\s]", match.group("num").lower())
        value = float(sum(_EN_UNITS.get(p, _EN_TENS.get(p, 0)) for p in parts))
        if match.group("scale"):
            value *= _EN_SCALES[match.group("scale").lower()]
        found.append((match.start(), NumberMention(match.group(), value, 2, bool(match["pct"]))))
    found.sort(key=lambda item: item[0])
    return [mention for _, mention in found]


def _round_to(value: float, digits: int) -> float:
    if value == 0:
        return 0.0
    exponent = math.floor(math.log10(abs(value))) - digits + 1
    return float(round(value / 10**exponent) * 10**exponent)


def number_supported(mention: NumberMention, article: list[NumberMention]) -> bool:
    """Whether ``article`` states ``mention``: the same value, or a more precise figure
    that rounds to it and lies within 5% of it ("3.5 million" for 3,456,789)."""
    for other in article:
        if math.isclose(other.value, mention.value, rel_tol=1e-9, abs_tol=1e-9):
            return True
        if other.precision > mention.precision and mention.value:
            close = abs(other.value - mention.value) / abs(mention.value) <= 0.05
            if close and math.isclose(
                _round_to(other.value, mention.precision), mention.value, rel_tol=1e-9
            ):
                return True
    return False
