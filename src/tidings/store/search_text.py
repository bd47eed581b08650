"""Full-text search text handling shared by the engines: CJK spacing, readers' queries
parsed into terms, snippets parsed back into text and match offsets.

Chinese, Japanese and Korean are written without spaces between words, and both
engines' tokenizers would read a whole CJK sentence as one token. Both the indexed
text and the query therefore get a separator around every CJK character
(:func:`space_cjk`), which makes each character a token and a CJK word a phrase of
characters: ``北京`` is searched as the phrase ``北 京`` and matches inside any
sentence. The separator is a zero-width space: tokenizers split on it like on a
space, and unlike a space it can be removed exactly from the snippets again.

Readers' queries are never search syntax: :func:`query_terms` reads them as plain
terms and phrases, which each engine quotes in its own syntax.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: Longest query read (characters); the rest is ignored.
MAX_QUERY_CHARS = 200
#: Shortest last word also matched as a prefix (a shorter one expands to too many words).
MIN_PREFIX_CHARS = 3
#: Title matches weigh this much more than text matches.
TITLE_WEIGHT = 5.0
#: Words of text around the matches in a snippet (CJK: characters).
SNIPPET_TOKENS = 32

#: Inserted between CJK characters: a token separator, invisible.
SEPARATOR = "\u200b"
#: Snippet match markers (private-use characters, removed from indexed text).
OPEN, CLOSE = "\ue000", "\ue001"
CJK_RANGES = (
    "\u1100-\u11ff\u2e80-\u2fdf\u3005-\u3007\u3040-\u30ff\u3100-\u318f\u31a0-\u31bf"
    "\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff"
    "\uff66-\uffdc\U00020000-\U0003ffff"
)
#: A position beside a CJK character with a non-space character on its other side.
_CJK_GAP = re.compile(rf"(?<=[{CJK_RANGES}])(?=\S)|(?<=\S)(?=[{CJK_RANGES}])")
_CJK_CHAR = re.compile(rf"[{CJK_RANGES}]")
#: A quoted phrase (balanced quotes) or a run of anything but space and quotes.
_TERM = re.compile(r'"([^"]*)"|([^\s"]+)')
#: Bare words search syntaxes read as operators.
_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})


@dataclass(frozen=True)
class SearchRows:
    """One page of matches: (article id, raw snippet) best first, and their number."""

    rows: list[tuple[int, str]]
    total: int
    next_offset: int | None


@dataclass(frozen=True)
class QueryTerms:
    """A reader's query as terms that must all match (CJK already spaced); the last
    one also as a prefix when ``prefix``."""

    terms: tuple[str, ...]
    prefix: bool


def space_cjk(text: str) -> str:
    """``text`` with a separator (zero-width space) on each side of every CJK character
    that touches another non-space character: ``北京时间`` → ``北 京 时 间`` (the spaces
    shown here being zero-width ones)."""
    return _CJK_GAP.sub(SEPARATOR, text)


def indexed_text(text: str) -> str:
    """Text as it is indexed: CJK spaced, snippet markers removed."""
    return space_cjk(text.replace(OPEN, "").replace(CLOSE, ""))


def query_terms(query: str) -> QueryTerms | None:
    """The terms of a reader's query, or None when it has nothing to search.

    ``"a phrase"`` in balanced quotes stays one term; a stray quote, bare
    ``AND``/``OR``/``NOT``/``NEAR`` and terms without a letter or digit are dropped.
    The last word, unless the query ends in a space, also matches as a prefix
    (``volc`` finds ``volcano``) when it is not CJK.
    """
    # control characters (NUL ends a search string early) and private-use markers go
    query = "".join(
        " " if unicodedata.category(c) in ("Cc", "Co", "Cs") else c for c in query[:MAX_QUERY_CHARS]
    )
    terms: list[str] = []
    last_open = False
    for found in _TERM.finditer(query):
        phrase, word = found.group(1), found.group(2)
        text = phrase if phrase is not None else word
        if word in _OPERATORS or not any(_is_token_char(c) for c in text):
            continue
        terms.append(space_cjk(text))
        last_open = (
            word is not None
            and found.end() == len(query)
            and len(word) >= MIN_PREFIX_CHARS
            and _is_token_char(word[-1])
            and not _CJK_CHAR.search(word)
        )
    if not terms:
        return None
    return QueryTerms(tuple(terms), last_open)


def _is_token_char(char: str) -> bool:
    """Whether a tokenizer keeps ``char`` in a token (letters and digits)."""
    return unicodedata.category(char)[0] in "LN"


def parse_snippet(raw: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A raw snippet → its plain text (CJK separators removed, runs of white space
    made one space) and the matches in it as ``(start, end)`` character offsets,
    adjacent matches merged."""
    text: list[str] = []
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for char in raw:
        if char == SEPARATOR:
            continue
        if char == OPEN:
            start = len(text)
        elif char == CLOSE and start is not None:
            end = len(text)
            if spans and spans[-1][1] == start:
                start = spans.pop()[0]
            if end > start:
                spans.append((start, end))
            start = None
        elif char.isspace():
            if text and text[-1] != " ":
                text.append(" ")
        else:
            text.append(char)
    return "".join(text), tuple(spans)
