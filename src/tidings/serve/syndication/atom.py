"""Atom 1.0 (RFC 4287), written with lxml: it escapes every text and attribute, and
the strings it is handed were cleaned of what XML forbids (``entries.clean``).

Each entry links ``alternate`` to the original article (what feed readers open, and
what ``tidings.sources.parse_feed`` takes, so one Tidings can follow another) and
``related`` to its page on this Tidings; its content is the article's text as escaped
paragraphs. A lead image is a Media RSS thumbnail, which feed readers show.
"""

from __future__ import annotations

from lxml import etree

from tidings import __version__
from tidings.serve.syndication.entries import Entry, Feed

MEDIA_TYPE = "application/atom+xml; charset=utf-8"
ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_NS = "http://search.yahoo.com/mrss/"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    child = etree.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        child.text = text
    return child


def write_atom(feed: Feed) -> bytes:
    """The feed as an Atom document (UTF-8, with an XML declaration)."""
    root = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS, "media": MEDIA_NS})
    _el(root, "id", feed.id)
    _el(root, "title", feed.title, type="text")
    _el(root, "updated", feed.updated)
    _el(root, "link", rel="self", type="application/atom+xml", href=feed.self_url)
    _el(root, "link", rel="alternate", type="text/html", href=feed.home_url)
    _el(root, "generator", "Tidings", version=__version__)
    for entry in feed.entries:
        _entry(root, entry)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


def _entry(root: etree._Element, entry: Entry) -> None:
    node = _el(root, "entry")
    if entry.language:
        node.set(_XML_LANG, entry.language)
    _el(node, "id", entry.id)
    _el(node, "title", entry.title, type="text")
    _el(node, "link", rel="alternate", type="text/html", href=entry.url)
    _el(node, "link", rel="related", type="text/html", href=entry.reader_url, title="Tidings")
    _el(node, "published", entry.published)
    _el(node, "updated", entry.updated)
    for name in entry.authors:
        _el(_el(node, "author"), "name", name)
    if entry.topic:
        _el(node, "category", term=entry.topic)
    _el(node, "summary", entry.summary, type="text")
    _el(node, "content", entry.content_html, type="html")
    if entry.image:
        etree.SubElement(node, f"{{{MEDIA_NS}}}thumbnail", url=entry.image)
