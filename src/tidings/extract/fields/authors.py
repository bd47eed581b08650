"""The article's authors: JSON-LD persons, then ``<meta>`` authors, then the byline."""

from __future__ import annotations

import re
from collections.abc import Iterable

from tidings.extract.pagetype import squash

__all__ = ["clean_authors", "pick_authors"]

_EMAIL = re.compile(r"\S+@\S+\.\w+")
_BY_PREFIX = re.compile(
    r"^(?:(?:written |posted |reported )?by|from|vom|von|par|por|di|door|av|af|autor(?:in)?:?"
    r"|author:|text:|redakteur(?:in)?:)\s*[:\-]?\s+"
    r"|^(?:责任编辑|編集|编辑|作者|记者|記者|来源|文|撰文|執筆)\s*[:：/／|]\s*",
    re.IGNORECASE,
)
#: comment signatures and dates that byline heuristics pick up
_NOT_A_NAME = re.compile(
    r"\b(?:says|said|sagt|schreibt|wrote|replied|antwortete)$|^(?:on|am|le|el)\s+\w+\s+\d"
    r"|\b(?:jobs|hire|login|log in|sign in|subscribe)$",
    re.IGNORECASE,
)
_SPLIT = re.compile(r";|,|\s+\|\s+|\s+(?:and|und|et|y|e|og|och|en|&)\s+|、|，")
_TRAILING_NOTE = re.compile(r"\s*\([^)]{0,20}\)\s*$")
_JUNK_AUTHORS = frozenset(
    {
        "by",
        "staff",
        "admin",
        "administrator",
        "author",
        "authors",
        "editor",
        "editors",
        "editorial",
        "editorial staff",
        "editorial team",
        "staff writer",
        "staff writers",
        "staff reporter",
        "news desk",
        "newsdesk",
        "web desk",
        "web team",
        "digital desk",
        "anonymous",
        "unknown",
        "guest",
        "guest author",
        "team",
        "redaktion",
        "n/a",
        "none",
        "null",
        "undefined",
        "contributor",
        "contributors",
        "user",
        "webmaster",
    }
)
_MAX_AUTHOR_CHARS = 80
_MAX_AUTHOR_WORDS = 6


def _clean(value: str) -> str:
    return " ".join(value.split())


def clean_authors(raw: str | Iterable[str] | None) -> tuple[str, ...]:
    """Split ``"A; B"`` / ``"A and B"`` and drop what is not a person or an outlet byline."""
    if not raw:
        return ()
    pieces: list[str] = []
    for item in [raw] if isinstance(raw, str) else raw:
        pieces.extend(_SPLIT.split(item))
    seen: set[str] = set()
    authors: list[str] = []
    for piece in pieces:
        name = _TRAILING_NOTE.sub("", _BY_PREFIX.sub("", _clean(piece))).strip(" ,.:-–—@")
        lowered = name.lower()
        if (
            not name
            or lowered in _JUNK_AUTHORS
            or _EMAIL.search(name)
            or _NOT_A_NAME.search(name)
            or "http" in lowered
            or "www." in lowered
            or "/" in name
            or len(name) > _MAX_AUTHOR_CHARS
            or len(name.split()) > _MAX_AUTHOR_WORDS
            or not any(ch.isalpha() for ch in name)
        ):
            continue
        key = squash(name)
        if key not in seen:
            seen.add(key)
            authors.append(name)
    return tuple(authors)


def pick_authors(*sources: Iterable[str] | str | None) -> tuple[str, ...]:
    """Authors from the first source that yields any after cleaning.

    The outlet itself is kept when a source names it (``AFP``, ``Le Monde``): the gold
    data lists it too, and filtering site names also drops the owners of personal blogs.
    """
    for source in sources:
        authors = clean_authors(source)
        if authors:
            return authors
    return ()
