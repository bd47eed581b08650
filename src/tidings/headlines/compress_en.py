"""Sentence compression for English headlines: rules in the spirit of Hedge Trimmer.

Dorr, Zajic and Schwartz (2003) made headlines from a story's lead sentence by
deleting what a headline does not say: the dateline, time expressions, articles,
attributions, parentheticals and trailing clauses, until the sentence fits. These
rules do the same with regular expressions and word lists (no parser), so every word
of the output is a word of the input, in the input's order: the headline can only be
as true as the sentence it came from.
"""

from __future__ import annotations

import re

#: A dateline or source tag before the story: "NEW YORK (Reuters) - ", "AP - ",
#: "SPACE.com - TORONTO, Canada -- ", "PHNOM PENH, Oct. 10. - ", "LONDON: ".
_DATELINE = re.compile(
    r"""^\s*(?:
        [^\s(][^()\n]{0,60}?\s*\([A-Za-z.&' ]{1,40}\)\s*(?:[-–—]{1,2}|:)\s*   # CITY (Source) -
      | [A-Z][A-Za-z.'&]*(?:\s+[A-Z][A-Za-z.'&]*){0,3}
        (?:,\s*[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*){0,2}\.?)?
        (?:,?\s+[A-Z][a-z]{2,4}\.?\s+\d{1,2}\.?)?
        \s+(?:-{1,2}|[–—])\s+                                                  # CITY, Date -
      | [A-Z][A-Z.'&]{1,20}(?:\s+[A-Z][A-Z.'&]{1,20}){0,2}                     # LONDON:
        (?:\s*,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})?\s*:\s+                  # OWEGO, US :
      | [_*•]\s+
    )""",
    re.VERBOSE,
)
#: A byline ("By Karen Pallarito, HealthDay Reporter") at the very start.
_BYLINE = re.compile(r"^\s*By\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}(?:,[^,.\n]{0,40})?\s+")
_PAREN = re.compile(r"\s*[(\[][^()\[\]]{0,80}[)\]]")
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
#: Time expressions a headline leaves out ("on Monday", "late Tuesday", "yesterday").
_TIME = re.compile(
    rf"""(?:,\s*)?\b(?:
        (?:(?:from|until|by|since|through)\s+)?
        (?:(?:early|late)\s+)?(?:on\s+|this\s+|last\s+|next\s+)?(?:(?:early|late)\s+)?
            {_WEEKDAY}(?:\s+(?:morning|afternoon|evening|night))?
      | (?:on\s+|in\s+)?{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?
      | yesterday|today|tonight
      | (?:earlier|later)\s+(?:this|last)\s+(?:week|month|year)
      | (?:this|last|next)\s+(?:week|weekend|month|year)
    )\b(?:\s*,)?""",
    re.VERBOSE | re.IGNORECASE,
)
#: An appositive after a name at the start: "Jack Straw, the foreign secretary, urged".
_APPOSITIVE = re.compile(
    r"^((?:[A-Z][\w.'’-]*\s+){0,4}[A-Z][\w.'’-]*),\s+[^,;]{3,120}?,\s+(?=[a-z])"
)
#: Trailing attributions: ", officials said", ", the company said in a statement".
_ATTRIBUTION_TAIL = re.compile(
    r"""[,;]\s*(?:
        (?:[\w.'’-]+\s+){0,6}?(?:said|says|reported|reports|announced|told\s+[\w\s]{1,30}|
            according\s+to)\b.*
      | according\s+to\b.*
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
#: Leading attributions: "Officials said on Monday that ...", "The company said ...".
_ATTRIBUTION_HEAD = re.compile(
    r"^(?:(?!(?:but|and|or|while|who|which|that|when|after|as)\b)[\w.'’-]+\s+){1,5}?"
    r"(?:said|says|announced|reported)\s+(?:that\s+)?(?=\w)",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"(?:it|he|she|they|we|i|you|this|that|its|their|his|her)\b", re.IGNORECASE)
#: A short opening adverbial ("By the end of the year, ", "In a surprise move, ").
_LEADING_ADVERBIAL = re.compile(
    r"^(?:By|In|At|On|After|Before|During|For|With|Despite|Amid|Following|Under|Over|"
    r"As|Since|Until|Earlier|Later|Meanwhile|However|Still|Yet|Now|Once)\b[^,;]{0,50},\s+(?=\S)"
)
#: Where a sentence may be cut: a clause boundary (comma, semicolon, dash, or a
#: conjunction that starts a new clause).
_CLAUSE_CUT = re.compile(
    r"\s*(?:[,;:]|\s[-–—]{1,2}\s)\s*|\s+(?=(?:as|after|while|amid|because|but|which|who|"
    r"whose|where|although|though|despite|before|since|until|and\s+(?:said|says))\s)"
)
_ARTICLES = frozenset({"the", "a", "an"})
#: Words a headline does not end with.
WEAK_END = frozenset(
    """a an the of to in on at for from with by and or but as that which who whose its
    their his her is are was were be been has have had will would could should may might
    than into over about after before amid against between under up its our your this
    these those least most more less very such not no when where while if because
    whom what how said says""".split()  # noqa: SIM905
)
#: Words that start a phrase: cutting before one ends the phrase before it.
_WORD = re.compile(r"\S+")


def strip_dateline(text: str) -> str:
    """``text`` without a leading dateline, source tag or byline (repeatedly)."""
    previous = None
    text = text.strip()
    while previous != text:
        previous = text
        text = _BYLINE.sub("", text, count=1)
        match = _DATELINE.match(text)
        # Never strip what would leave nothing, nor a "dateline" that is half the text.
        if match and len(text) - match.end() > max(20, len(text) // 3):
            text = text[match.end() :]
        text = text.strip()
    return text


def drop_words(sentence: str, *, articles: bool = True) -> str:
    """Remove parentheticals, time expressions and attributions (and articles)."""
    out = _PAREN.sub("", sentence)
    out = _APPOSITIVE.sub(r"\1 ", out)
    # ", on Monday, closing ..." keeps its comma: it marks where a clause may be cut.
    out = _TIME.sub(lambda m: ", " if m.group().rstrip().endswith(",") else " ", out)
    head = _ATTRIBUTION_HEAD.match(out)
    # "Officials said that the plant will close" -> "the plant will close", but not
    # "Amazon said it will buy Joyo" -> "it will buy Joyo".
    if head and len(out) - head.end() > 25 and not _PRONOUN.match(out[head.end() :]):
        out = out[head.end() :]
    out = _LEADING_ADVERBIAL.sub("", out)
    out = _ATTRIBUTION_TAIL.sub("", out)
    words = out.split()
    if articles:
        words = [w for w in words if w.lower() not in _ARTICLES]
    out = " ".join(words)
    out = re.sub(r"\s+([,;:.!?])", r"\1", out)
    return out.strip(" ,;:-–—")


def cut_points(text: str) -> list[int]:
    """Offsets where ``text`` may be cut at a clause boundary, then its end."""
    return [m.start() for m in _CLAUSE_CUT.finditer(text) if m.start() > 0] + [len(text)]


def trim(words: list[str], budget: int) -> list[str]:
    """``words`` cut to ``budget`` words, never ending on a function word."""
    out = words[:budget]
    while len(out) > 1 and out[-1].lower().strip(",;:.'\"") in WEAK_END:
        out = out[:-1]
    return out


def compress_sentence(
    sentence: str,
    *,
    max_words: int = 12,
    max_chars: int = 75,
    min_words: int = 6,
    articles: bool = True,
) -> str:
    """A headline from one sentence: dropped words, then the longest clause prefix that fits.

    The sentence is cut at the last clause boundary within ``max_words`` words and
    ``max_chars`` characters; when that leaves fewer than ``min_words`` words (a first
    clause too long, or one too short to say anything), it is cut at the budget
    instead, at a word that may end a headline. The first letter is capitalised (a
    dropped "The" leaves "report on ..."); no word is added.
    """
    text = drop_words(strip_dateline(sentence), articles=articles).rstrip(".!")
    if not text:
        return ""
    best = ""
    for cut in cut_points(text):
        prefix = text[:cut]
        if len(prefix.split()) > max_words or len(prefix) > max_chars:
            break
        best = prefix
    if not best or len(best.split()) < min_words:
        words = text.split()
        while len(words) > 1 and len(" ".join(words[:max_words])) > max_chars:
            words = words[:-1]
        best = " ".join(trim(words, max_words))
    best = _balance_quotes(" ".join(trim(best.split(), max_words)).strip(" ,;:-–—"))
    return best[:1].upper() + best[1:]


def _balance_quotes(text: str) -> str:
    """Drop a quote mark left without its pair by the cut."""
    for mark in ('"', "'"):
        if text.count(mark) % 2 and (text.startswith(mark) or text.endswith(mark)):
            text = text.strip(mark)
    return text
