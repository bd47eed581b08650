"""Feed autodiscovery from <link rel="alternate"> tags."""

from __future__ import annotations

from tidings.sources import discover_feeds

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>The Daily Lantern — Home</title>
  <link rel="stylesheet" href="/style.css">
  <link rel="alternate" type="application/rss+xml" title="RSS" href="/feeds/main.rss">
  <link rel="Alternate Home" type="Application/Atom+XML; charset=utf-8" href="feeds/atom.xml">
  <link rel="alternate" type="application/feed+json" href="https://cdn.example/feed.json">
  <link rel="alternate" type="application/rss+xml" href="/feeds/main.rss">
  <link rel="alternate" type="text/html" hreflang="de" href="/de/">
  <link rel="alternate" type="application/rdf+xml" href="  /feeds/rdf  ">
  <link rel="alternate" type="application/json" href="/feeds/main.json">
  <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
  <link rel="feed" type="application/rss+xml" href="/not-alternate.rss">
  <link rel="alternate" type="application/rss+xml">
</head>
<body><a href="/feeds/body-link.rss">Subscribe</a></body>
</html>
"""


def test_discovery_order_dedup_and_resolution() -> None:
    assert discover_feeds(PAGE, "https://lantern.example/section/index.html") == [
        "https://lantern.example/feeds/main.rss",
        "https://lantern.example/section/feeds/atom.xml",
        "https://cdn.example/feed.json",
        "https://lantern.example/feeds/rdf",
        "https://lantern.example/feeds/main.json",
    ]


def test_discovery_from_bytes_with_base_href() -> None:
    html = (
        b'<html><head><base href="https://static.example/blog/">'
        b'<link rel="alternate" type="application/atom+xml" href="atom.xml">'
        b"</head><body></body></html>"
    )
    assert discover_feeds(html, "https://www.example/") == ["https://static.example/blog/atom.xml"]


def test_str_with_xml_declaration() -> None:
    html = (
        '<?xml version="1.0" encoding="utf-8"?><html><head>'
        '<link rel="alternate" type="application/rss+xml" href="/rss"></head></html>'
    )
    assert discover_feeds(html, "https://x.example/a") == ["https://x.example/rss"]


def test_no_feeds_or_empty_page() -> None:
    assert discover_feeds(b"", "https://x.example/") == []
    assert discover_feeds("<html><head></head><body>hi</body></html>", "https://x.example/") == []
