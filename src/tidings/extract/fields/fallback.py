"""trafilatura's metadata of a page, each field computed only when it is asked for.

``trafilatura.bare_extraction(..., with_metadata=True)`` runs every metadata search on
every page (title, author and category XPaths, licence, htmldate): about a quarter of
its time. Tidings reads JSON-LD and ``<meta>`` itself (``structured``) and needs
trafilatura's answer for a field only where those leave it empty, so this object runs
the same trafilatura functions, in the same order and with the same clean-up as
``trafilatura.metadata.extract_metadata``, field by field, on first use (the byline
search is ``byline.find_byline``, the same search made faster). Categories, tags and
the licence, which Tidings does not use, are never searched.
"""

from __future__ import annotations

import logging
from functools import cached_property
from html import unescape
from typing import Any

from lxml.html import HtmlElement
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document
from trafilatura.utils import line_processing

from tidings.extract.fields.byline import find_byline

__all__ = ["LazyMeta"]

LOGGER = logging.getLogger(__name__)

#: Longest field value kept, as in ``Document.clean_and_trim``.
_MAX_CHARS = 10_000
_FAILURES = (ValueError, TypeError, AttributeError, IndexError, KeyError, RecursionError)


def _trim(value: object) -> str | None:
    """``Document.clean_and_trim`` for one value: entities, spaces, control characters."""
    if not isinstance(value, str):
        return None
    if len(value) > _MAX_CHARS:
        value = value[: _MAX_CHARS - 1] + "…"
    return line_processing(unescape(value)) or None


class LazyMeta:
    """trafilatura's title, author, URL, day, site name, image and description of a page.

    The tree is only read, never changed (trafilatura's author search and htmldate
    work on copies).
    """

    def __init__(self, tree: HtmlElement, url: str | None, date_params: dict[str, Any]) -> None:
        self._tree = tree
        self._url = url
        self._date_params = date_params

    @cached_property
    def _tags(self) -> Document:
        """What the ``<meta>`` tags declare, read the way trafilatura reads them."""
        metadata = examine_meta(self._tree)
        if metadata.author and " " not in metadata.author:
            metadata.author = None
        return metadata

    @cached_property
    def _declared(self) -> Document:
        """The ``<meta>`` tags, then JSON-LD over them (author, title, site name).

        trafilatura's JSON-LD reader is slow on pages with large JSON blocks (~6 ms a
        fundus page), and it sets only the author, title and site name, so it runs only
        when one of those is asked for; the URL, image and description come from
        ``_tags`` alone, as in trafilatura.
        """
        metadata = examine_meta(self._tree)  # a fresh copy: the reader changes it
        if metadata.author and " " not in metadata.author:
            metadata.author = None
        try:
            metadata = extract_meta_json(self._tree, metadata)
        except Exception as err:  # trafilatura's JSON-LD reader, guarded as trafilatura does
            LOGGER.debug("trafilatura's JSON-LD reader failed: %r", err)
        return metadata

    def _search(self, name: str, declared: object, search: Any) -> str | None:
        if declared:
            return _trim(declared)
        try:
            return _trim(search(self._tree))
        except _FAILURES as err:
            LOGGER.debug("trafilatura's %s search failed: %r", name, err)
            return None

    @cached_property
    def title(self) -> str | None:
        return self._search("title", self._declared.title, extract_title)

    @cached_property
    def author(self) -> str | None:
        return self._search("author", self._declared.author, find_byline)

    @cached_property
    def url(self) -> str | None:
        if self._tags.url:
            return str(self._tags.url)
        try:
            found = extract_url(self._tree, self._url)
        except _FAILURES:
            found = self._url
        return found if isinstance(found, str) else None

    @cached_property
    def date(self) -> str | None:
        """htmldate's day, searched with the page's own URL as trafilatura does."""
        from htmldate import find_date

        try:
            found = find_date(self._tree, **{**self._date_params, "url": self.url})
        except (*_FAILURES, OverflowError) as err:
            LOGGER.debug("htmldate failed on %s: %r", self._url, err)
            return None
        return found if isinstance(found, str) else None

    @cached_property
    def sitename(self) -> str | None:
        name = self._search("site name", self._declared.sitename, extract_sitename)
        if name:
            name = name.lstrip("@")
            if name and "." not in name and not name[0].isupper():
                name = name.title()
            return name or None
        match = META_URL.match(self.url or "")
        return match[1] if match else None

    @property
    def image(self) -> str | None:
        return _trim(self._tags.image)

    @property
    def description(self) -> str | None:
        return _trim(self._tags.description)
