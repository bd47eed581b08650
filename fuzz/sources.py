"""Fuzz the source parsers: what a fetched feed, sitemap, OPML file or page turns into.

Input: the first byte picks the response's Content-Type, the rest is the body. The body
goes through ``sniff_kind`` and then the parser the pipeline would use for that kind
(``parse_feed``, which hands JSON to ``parse_json_feed``; ``parse_sitemap``;
``discover_feeds`` for a page), and through ``parse_opml`` as an upload would.

Contract (a breach raises, which libFuzzer reports as a crash):

* the parsers raise nothing but :class:`tidings.errors.ParseError` subclasses, and
  ``discover_feeds`` raises nothing at all;
* every URL they return (entry links, a feed's site, sitemap pages and child
  sitemaps, discovered feeds, OPML feeds and sites) is an absolute http(s) URL with a
  host and no whitespace.

Run: ``.venv/bin/python fuzz/sources.py [libFuzzer flags] [corpus_dir]``.
"""

from __future__ import annotations

import gzip
import sys
from urllib.parse import urlsplit

import atheris
from _corpus import seeded_argv

with atheris.instrument_imports(include=["tidings", "feedparser", "sgmllib"]):
    from tidings.errors import ParseError
    from tidings.records import SourceKind
    from tidings.sources import (
        discover_feeds,
        parse_feed,
        parse_opml,
        parse_sitemap,
        sniff_kind,
    )

BASE_URL = "https://news.example/feeds/main.xml"
CONTENT_TYPES: tuple[str | None, ...] = (
    None,
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/xml",
    "text/xml",
    "text/html; charset=utf-8",
    "text/plain",
    "application/gzip",
    "application/json",
)

_URLSET = (
    b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    b' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url>'
    b"<loc>https://news.example/a/1</loc><lastmod>2026-01-02</lastmod><news:news>"
    b"<news:publication><news:language>en</news:language></news:publication>"
    b"<news:publication_date>2026-01-02T10:00:00Z</news:publication_date>"
    b"<news:title>One</news:title></news:news></url><url><loc>/relative</loc></url></urlset>"
)
SEEDS: tuple[bytes, ...] = (
    b"\x00<?xml version='1.0'?><rss version='2.0'><channel><title>News</title>"
    b"<link>/</link><item><title>A &amp; B</title><link>/story/1</link>"
    b"<pubDate>Mon, 02 Jan 2026 10:00:00 GMT</pubDate><author>desk@news.example (Ana)</author>"
    b"<description>&lt;p&gt;Hello&lt;/p&gt;</description></item>"
    b"<item><title>no link</title></item></channel></rss>",
    b"\x02<feed xmlns='http://www.w3.org/2005/Atom'><title type='html'>&lt;b&gt;T</title>"
    b"<link href='https://news.example/'/><entry><title>E</title>"
    b"<link rel='alternate' href='e/2'/><updated>2026-01-02T10:00:00Z</updated>"
    b"<author><name>Bo</name></author><content type='html'>x</content></entry></feed>",
    b"\x01<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'"
    b" xmlns='http://purl.org/rss/1.0/'><channel><title>R</title></channel>"
    b"<item><title>I</title><link>http://news.example/r/1</link></item></rdf:RDF>",
    b'\x03{"version": "https://jsonfeed.org/version/1.1", "title": "J",'
    b' "home_page_url": "/", "authors": [{"name": "Cy"}], "items": [{"id": "1",'
    b' "url": "/j/1", "content_html": "<p>hi</p>", "date_published": "2026-01-02T10:00:00Z"},'
    b' {"id": "2", "external_url": "ftp://x/"}]}',
    b"\x00" + _URLSET,
    b"\x00<sitemapindex><sitemap><loc>https://news.example/s1.xml</loc></sitemap>"
    b"<sitemap><loc>javascript:alert(1)</loc></sitemap></sitemapindex>",
    b"\x07https://news.example/a\nhttps://news.example/b\nnot a url\n",
    b"\x08" + gzip.compress(_URLSET),
    b"\x00<?xml version='1.0'?><opml version='2.0'><head><title>S</title></head><body>"
    b"<outline text='Folder'><outline type='rss' text='F' xmlUrl='https://news.example/f'"
    b" htmlUrl='https://news.example/'/></outline>"
    b"<outline text='bad' xmlUrl='feed:relative'/></body></opml>",
    b"\x06<!doctype html><html><head><base href='https://cdn.news.example/'>"
    b"<link rel='alternate' type='application/rss+xml' href='/rss'>"
    b"<link rel='Alternate feed' type='application/atom+xml; charset=utf-8' href='atom.xml'>"
    b"</head><body><p>page</p></body></html>",
    b"\x00<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY a 'b'>]><rss><channel/></rss>",
)


def check_absolute(url: object, where: str) -> None:
    """Raise unless ``url`` is an absolute http(s) URL with a host and no whitespace."""
    if not isinstance(url, str):
        raise AssertionError(f"{where}: {url!r} is not a string")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise AssertionError(f"{where}: {url!r} is not an absolute http(s) URL")
    if any(ch.isspace() for ch in url):
        raise AssertionError(f"{where}: {url!r} holds whitespace")


def TestOneInput(data: bytes) -> None:
    if not data:
        return
    content_type = CONTENT_TYPES[data[0] % len(CONTENT_TYPES)]
    body = data[1:]
    kind = sniff_kind(body, content_type)
    if not isinstance(kind, SourceKind):
        raise AssertionError(f"sniff_kind returned {kind!r}")

    urls: list[tuple[object, str]] = []
    if kind is SourceKind.PAGE:
        urls += [(url, "discovered feed") for url in discover_feeds(body, BASE_URL)]
    else:
        try:
            if kind is SourceKind.FEED:
                feed = parse_feed(body, BASE_URL)
                urls += [(entry.url, "feed entry") for entry in feed.entries]
                if feed.site_url is not None:
                    urls.append((feed.site_url, "feed site"))
            else:
                sitemap = parse_sitemap(body, BASE_URL)
                urls += [(page.url, "sitemap page") for page in sitemap.pages]
                urls += [(child, "child sitemap") for child in sitemap.sitemaps]
        except ParseError:
            pass
    try:
        for outline in parse_opml(body):
            urls.append((outline.url, "OPML feed"))
            if outline.site_url is not None:
                urls.append((outline.site_url, "OPML site"))
    except ParseError:
        pass
    for url, where in urls:
        check_absolute(url, where)


if __name__ == "__main__":
    atheris.Setup(seeded_argv(sys.argv, SEEDS), TestOneInput)
    atheris.Fuzz()
