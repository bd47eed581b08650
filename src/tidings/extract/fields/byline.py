"""trafilatura's byline search (``extract_author``), reimplemented in one pass over the page.

``trafilatura.metadata.extract_author`` copies the page, deletes comment sections,
sidebars, dates and figures (``AUTHOR_DISCARD_XPATHS``), then tries three XPath
expressions (``AUTHOR_XPATHS``) in turn and takes the first element whose text is a
plausible name. Its predicates (``re:test`` over ``@class`` and ``@id``) are slow in
libxml2: ~10 ms a page, the costliest metadata search, and Tidings needs it on every
page without a JSON-LD or ``<meta>`` author. Every pattern in them is a plain
alternation of literals, so the same tests written as Python string operations, in one
walk that skips the deleted sections, select the same elements in the same order in
a fraction of the time. ``tests/extract/test_fields.py`` checks that both give the same
answer on every page of the shared data (trafilatura 2.3.1).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from copy import deepcopy

from lxml.html import HtmlElement
from trafilatura.json_metadata import normalize_authors
from trafilatura.utils import trim
from trafilatura.xml import delete_element

__all__ = ["find_byline"]

_Get = Callable[[str], "str | None"]


def _literals(*parts: str) -> re.Pattern[str]:
    """A pattern that finds any of ``parts`` (case-sensitive, as in the XPath)."""
    return re.compile("|".join(re.escape(part) for part in parts))


#: ``AUTHOR_DISCARD_XPATHS``: elements deleted before the search (with their subtree).
_DISCARD_TAGS = frozenset({"a", "div", "section", "span"})
_DISCARD_ID = _literals("commentlist", "comment-list", "ProductReviews")
_DISCARD_CLASS = _literals(
    "commentlist",
    "comments-list",
    "sidebar",
    "is-hidden",
    "quote",
    "embedly-instagram",
    "article-share",
    "article-support",
    "print",
    "category",
    "meta-date",
    "meta-reviewer",
)
#: ``AUTHOR_XPATHS[0]``: specific.
_SPECIFIC_TAGS = frozenset({"a", "address", "div", "link", "p", "span", "strong"})
_SPECIFIC_CLASS = _literals("authorname", "author-name", "AuthorName", "authorName")
#: ``AUTHOR_XPATHS[1]``: almost generic.
_GENERIC_TAGS = frozenset({"a", "div", "h3", "h4", "p", "span"})
_GENERIC_CLASS_IS = frozenset({"byline", "username", "byl", "BBL"})
_GENERIC_ID = _literals("author", "zuozhe", "bianji", "xiaobian")
_GENERIC_CLASS = _literals(
    "author",
    "channel-name",
    "zuozhe",
    "bianji",
    "xiaobian",
    "submitted-by",
    "posted-by",
    "journalist-name",
)
#: ``AUTHOR_XPATHS[2]``: any element.
_ANY_ID = _literals("Author", "author")
_ANY_CLASS = _literals("Author", "author", "screenname", "writer", "Byline", "byline")
_FIGURE, _BYLINE, _AUTHOR = _literals("Figure"), _literals("Byline"), _literals("author")
#: ``extract_metainfo(..., len_limit=120)``: a name is longer than 2 and shorter than this.
_MAX_CHARS = 120


def _has(value: str | None, pattern: re.Pattern[str]) -> bool:
    return value is not None and pattern.search(value) is not None


def _discard_first(tag: str, get: _Get) -> bool:
    """Deleted by ``AUTHOR_DISCARD_XPATHS[0]``."""
    if tag not in _DISCARD_TAGS:
        return False
    id_, cls = get("id"), get("class")
    if id_ is not None and (id_.startswith("comments") or _has(id_, _DISCARD_ID)):
        return True
    if cls is not None and (
        cls in ("comments", "title", "date")
        or cls.startswith(("Comments", "comments"))
        or _has(cls, _DISCARD_CLASS)
    ):
        return True
    return _has(get("data-component"), _FIGURE)


def _discarded(tag: str, get: _Get) -> bool:
    return tag in ("time", "figure") or _discard_first(tag, get)


def _level(element: HtmlElement, tag: str, get: _Get, me_parents: set[HtmlElement]) -> int:
    """1, 2 or 3: the first of trafilatura's byline expressions that selects it; 0: none."""
    cls, id_, itemprop = get("class"), get("id"), get("itemprop")
    if tag == "author" or (
        tag in _SPECIFIC_TAGS
        and (
            get("rel") == "author"
            or id_ == "author"
            or cls == "author"
            or itemprop == "author name"
            or element in me_parents
            or get("data-testid") in ("AuthorCard", "AuthorURL")
            or _has(cls, _SPECIFIC_CLASS)
        )
    ):
        return 1
    author_prop = _has(itemprop, _AUTHOR)
    if tag in _GENERIC_TAGS and (
        cls in _GENERIC_CLASS_IS
        or author_prop
        or _has(id_, _GENERIC_ID)
        or _has(cls, _GENERIC_CLASS)
    ):
        return 2
    if (
        _has(get("data-component"), _BYLINE)
        or author_prop
        or _has(id_, _ANY_ID)
        or _has(cls, _ANY_CLASS)
    ):
        return 3
    return 0


def _text(element: HtmlElement) -> str:
    """The element's text once the discarded sections inside it are deleted."""
    inner = [
        (index, tag)
        for index, node in enumerate(element.iter())
        if index and isinstance(tag := node.tag, str) and _discarded(tag, node.get)
    ]
    if not inner:
        return trim(" ".join(element.itertext()))
    copy = deepcopy(element)
    nodes = list(copy.iter())
    # deletion order as in trafilatura: the first expression's matches, then time/figure
    for index, tag in inner:
        if tag not in ("time", "figure"):
            delete_element(nodes[index])
    for index, tag in inner:
        if tag in ("time", "figure"):
            delete_element(nodes[index])
    return trim(" ".join(copy.itertext()))


def _skip(nodes: Iterator[HtmlElement], element: HtmlElement) -> None:
    """Advance ``nodes`` (``tree.iter()``) past the subtree of ``element``."""
    for _ in range(sum(1 for _ in element.iter()) - 1):
        next(nodes, None)


def find_byline(tree: HtmlElement) -> str | None:
    """``trafilatura.metadata.extract_author(tree)``; ``tree`` is left intact."""
    me_parents = {
        parent
        for rel in tree.iter("rel")
        if (parent := rel.getparent()) is not None and rel.text_content() == "me"
    }
    found: dict[int, list[HtmlElement]] = {1: [], 2: [], 3: []}
    nodes = tree.iter()  # document order: each element before its descendants
    for element in nodes:
        tag = element.tag
        if not isinstance(tag, str):  # comments, processing instructions
            continue
        if not element.keys():  # no attributes: only its tag or a <rel> child can count
            if tag in ("time", "figure"):
                _skip(nodes, element)
            elif tag == "author" or (tag in _SPECIFIC_TAGS and element in me_parents):
                found[1].append(element)
            continue
        get = element.get
        # the root is not a descendant, so the first discard expression cannot match it
        if tag in ("time", "figure") or (element is not tree and _discard_first(tag, get)):
            _skip(nodes, element)
            continue
        level = _level(element, tag, get, me_parents)
        if level:
            found[level].append(element)
    for level in (1, 2, 3):
        for element in found[level]:
            content = _text(element)
            if 2 < len(content) < _MAX_CHARS:
                return normalize_authors(None, content)
    return None
