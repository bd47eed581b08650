"""sniff_kind: FEED / SITEMAP / PAGE from the body start and the content type."""

from __future__ import annotations

import gzip

import pytest

from tidings.records import SourceKind
from tidings.sources import sniff_kind

FEED, SITEMAP, PAGE = SourceKind.FEED, SourceKind.SITEMAP, SourceKind.PAGE


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b'<rss version="2.0"><channel/></rss>', "text/xml", FEED),
        (
            b'\xef\xbb\xbf  <?xml version="1.0"?>\n<?xml-stylesheet href="s.xsl"?>\n'
            b'<!-- comment <urlset> -->\n<rss version="2.0"/>',
            "text/html",
            FEED,
        ),
        (
            b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
            b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91">',
            None,
            FEED,
        ),
        (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">', None, FEED),
        (b'<feed xmlns="http://www.w3.org/2005/Atom">', "application/xml", FEED),
        ('<feed xmlns="http://www.w3.org/2005/Atom">'.encode("utf-16"), None, FEED),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "text/plain", FEED),
        (b'{"title": "x", "items": [], "version": "https://jsonfeed.org/version/1"}', None, FEED),
        (b'{"version": "2.0", "items": []}', "application/json", PAGE),
        (b'<?xml version="1.0"?><urlset xmlns="x"><url/></urlset>', "text/xml", SITEMAP),
        (b"<sitemapindex><sitemap/></sitemapindex>", None, SITEMAP),
        (gzip.compress(b"<urlset/>"), "application/octet-stream", SITEMAP),
        (b"https://a.example/1\nhttps://a.example/2\n", "text/plain; charset=utf-8", SITEMAP),
        (b"hello world\n", "text/plain", PAGE),
        (b"<!DOCTYPE html><html><head><title>x</title></head></html>", "text/html", PAGE),
        (b"<html><body><rss>not really</rss></body></html>", "application/rss+xml", PAGE),
        (b"<feedback>not a feed</feedback>", "text/xml", PAGE),
        (b"", "application/atom+xml", FEED),
        (b"", None, PAGE),
    ],
)
def test_sniff_kind(body: bytes, content_type: str | None, expected: SourceKind) -> None:
    assert sniff_kind(body, content_type) is expected
