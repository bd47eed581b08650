"""Helpers shared by the source parsers: a safe XML parser, URL checks, text and dates."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree, html

_WS = re.compile(r"\s+")
_BLOCK_TAGS = (
    "br",
    "p",
    "div",
    "li",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "ul",
    "ol",
    "table",
    "hr",
    "figure",
    "figcaption",
)

#: What XML 1.0 text may not hold (C0 controls but tab, newline and return; U+FFFE,
#: U+FFFF; lone surrogates): lxml's HTML parser keeps such characters in the text it
#: parses, but refuses them in text set on an element.
_NOT_XML_TEXT = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def safe_xml_parser() -> Any:
    """An lxml parser that never expands entities, never touches the network and
    keeps libxml2's size limits, but tolerates the sloppy XML found in the wild."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)


def parse_xml(data: bytes) -> Any:
    """Parse ``data`` with :func:`safe_xml_parser`; the root element, or ``None`` if there
    is none (garbage, empty input)."""
    try:
        return etree.fromstring(data, safe_xml_parser())
    except etree.XMLSyntaxError:
        return None


def local_name(element: Any) -> str | None:
    """The tag of ``element`` without its namespace; ``None`` for comments and PIs."""
    tag = element.tag
    if not isinstance(tag, str):
        return None
    return tag.rsplit("}", 1)[-1].split(":")[-1]


def element_text(element: Any) -> str | None:
    """All text inside ``element``, whitespace-collapsed; ``None`` if empty."""
    text = "".join(element.itertext())
    return collapse(text)


def collapse(text: str | None) -> str | None:
    if text is None:
        return None
    text = _WS.sub(" ", text).strip()
    return text or None


def http_url(candidate: str | None, base: str | None = None) -> str | None:
    """``candidate`` as an absolute http(s) URL (resolved against ``base`` if given),
    or ``None`` if it is empty, relative without a base, or of another scheme."""
    if not candidate:
        return None
    candidate = candidate.strip()
    if not candidate:
        return None
    if base:
        try:
            candidate = urljoin(base, candidate)
        except ValueError:
            return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if any(ch.isspace() for ch in candidate):
        return None
    return candidate


def html_to_text(markup: str | None) -> str | None:
    """Plain text of an HTML fragment (tags dropped, entities decoded, whitespace
    collapsed); ``None`` if nothing is left."""
    if not markup or not markup.strip():
        return None
    if "<" not in markup and "&" not in markup:
        return collapse(markup)
    try:
        fragment = html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return collapse(markup)
    for bad in fragment.xpath(".//script|.//style"):
        bad.drop_tree()
    for block in fragment.iter(*_BLOCK_TAGS):
        # Keep words of adjacent blocks apart: "<p>a</p><p>b</p>" is "a b", not "ab".
        block.tail = " " + _NOT_XML_TEXT.sub(" ", block.tail or "")
    return collapse(fragment.text_content())


def struct_to_utc_iso(value: Any) -> str | None:
    """A feedparser ``*_parsed`` value (a UTC ``time.struct_time``) as ISO 8601 UTC."""
    if value is None:
        return None
    try:
        year, month, day, hour, minute, second = tuple(value)[:6]
        return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC).isoformat()
    except (TypeError, ValueError, OverflowError):
        return None


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode_markup(data: bytes) -> str:
    """``data`` as text, good enough to look at markup (tags, declarations).

    A BOM (or UTF-16 without one) picks the codec; anything else is read as
    Latin-1, which maps bytes one to one, so the ASCII markup of any
    ASCII-compatible encoding survives whatever the real charset is.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    if data[:2] == b"<\x00":
        return data.decode("utf-16-le", errors="replace")
    if data[:2] == b"\x00<":
        return data.decode("utf-16-be", errors="replace")
    return data.decode("latin-1")


_DOCTYPE_END = re.compile(r"\]\s*>")


def skip_prolog(text: str) -> int:
    """Index in ``text`` where the document proper starts: past whitespace, the XML
    declaration, processing instructions, comments and a DOCTYPE (with its internal
    subset). Returns ``len(text)`` if the prolog never ends."""
    pos = 0
    end = len(text)
    while pos < end:
        while pos < end and text[pos].isspace():
            pos += 1
        if text.startswith("<?", pos):
            close = text.find("?>", pos + 2)
            if close < 0:
                return end
            pos = close + 2
        elif text.startswith("<!--", pos):
            close = text.find("-->", pos + 4)
            if close < 0:
                return end
            pos = close + 3
        elif text[pos : pos + 9].upper() == "<!DOCTYPE":
            gt = text.find(">", pos)
            bracket = text.find("[", pos)
            if gt < 0:
                return end
            if 0 <= bracket < gt:
                match = _DOCTYPE_END.search(text, bracket)
                if match is None:
                    return end
                pos = match.end()
            else:
                pos = gt + 1
        else:
            return pos
    return end
