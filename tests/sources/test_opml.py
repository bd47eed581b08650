"""OPML import (nested folders) and export round trip."""

from __future__ import annotations

import pytest
from lxml import etree

from tidings.errors import OPMLParseError
from tidings.records import OutlineFeed
from tidings.sources import parse_opml, write_opml

NESTED = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>My reader export</title></head>
  <body>
    <outline text="Loose Feed" type="rss" xmlUrl="https://loose.example/rss"/>
    <outline text="News" title="News">
      <outline text="Daily Lantern" title="The Daily Lantern" type="rss"
               xmlUrl="https://lantern.example/feeds/main.rss"
               htmlUrl="https://lantern.example/"/>
      <outline text="Regional">
        <outline text="Valley Courier" type="rss" xmlurl="https://valley.example/rss"/>
      </outline>
      <outline text="Broken" type="rss" xmlUrl="/relative/feed"/>
    </outline>
    <outline title="Tech">
      <outline text="Wire" type="rss" xmlUrl="https://wire.example/feeds/atom.xml"/>
      <outline text="Wire again" type="rss" xmlUrl="https://wire.example/feeds/atom.xml"/>
    </outline>
    <outline text="Empty folder"/>
  </body>
</opml>
"""


def test_nested_import() -> None:
    assert parse_opml(NESTED) == [
        OutlineFeed(url="https://loose.example/rss", title="Loose Feed"),
        OutlineFeed(
            url="https://lantern.example/feeds/main.rss",
            title="The Daily Lantern",
            site_url="https://lantern.example/",
            category="News",
        ),
        OutlineFeed(url="https://valley.example/rss", title="Valley Courier", category="Regional"),
        OutlineFeed(url="https://wire.example/feeds/atom.xml", title="Wire", category="Tech"),
    ]


def test_export_round_trip() -> None:
    feeds = [
        OutlineFeed(url="https://loose.example/rss", title="Loose & Free"),
        OutlineFeed(
            url="https://lantern.example/feeds/main.rss?a=1&b=2",
            title="The Daily <Lantern>",
            site_url="https://lantern.example/",
            category="News",
        ),
        OutlineFeed(url="https://notitle.example/feed", category="Tech"),
        OutlineFeed(url="https://valley.example/rss", title="Valley Courier", category="News"),
    ]
    text = write_opml(feeds, title="Export test")
    root = etree.fromstring(text.encode())
    assert root.get("version") == "2.0"
    assert root.findtext("head/title") == "Export test"
    folders = [o.get("text") for o in root.find("body") if o.get("xmlUrl") is None]
    assert folders == ["News", "Tech"]  # one folder per category, first-seen order
    back = parse_opml(text.encode())
    assert sorted(back, key=lambda f: f.url) == sorted(feeds, key=lambda f: f.url)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not xml at all",
        b'<rss version="2.0"><channel/></rss>',
        b"<html><body><p>hi</p></body></html>",
        b'<opml version="2.0"><head/></opml>',
    ],
)
def test_non_opml_raises(data: bytes) -> None:
    with pytest.raises(OPMLParseError):
        parse_opml(data)
