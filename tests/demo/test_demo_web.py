"""The local demo news web: real servers on 127.0.0.1, real parsers and extractor."""

from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx
import pytest
import trafilatura
from protego import Protego

from tidings.demo import DemoWeb, ExpectedArticle
from tidings.demo.content import cjk_count, word_count
from tidings.records import SourceKind

NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"
SM_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def web() -> Iterator[DemoWeb]:
    with DemoWeb(seed=7) as demo:
        yield demo


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as http:
        yield http


def _by_site(web: DemoWeb, site_name: str) -> list[ExpectedArticle]:
    return [a for a in web.expected_articles if a.site == site_name]


def test_start_and_close() -> None:
    demo = DemoWeb(seed=3)
    with pytest.raises(RuntimeError):
        _ = demo.sites
    demo.start()
    home = demo.sites[0].home_url
    assert httpx.get(home, timeout=5).status_code == 200
    demo.close()
    with pytest.raises(httpx.ConnectError):
        httpx.get(home, timeout=2)


def test_catalogue_shape(web: DemoWeb) -> None:
    sites = web.sites
    assert len(sites) >= 5
    assert len({urlsplit(s.base_url).netloc for s in sites}) == len(sites)
    assert all(s.base_url.startswith("http://127.0.0.1:") for s in sites)
    assert {s.language for s in sites} == {"en", "zh"}
    articles = web.expected_articles
    assert 35 <= len(articles) <= 50
    assert len({a.url for a in articles}) == len(articles)
    assert len({a.title for a in articles if a.duplicate_of_url is None}) == len(
        [a for a in articles if a.duplicate_of_url is None]
    )
    per_site = Counter(a.site for a in articles)
    assert all(6 <= n <= 10 for n in per_site.values())
    kinds = Counter(s.kind for s in web.sources)
    assert kinds[SourceKind.FEED] == 4
    assert kinds[SourceKind.SITEMAP] == 1
    for article in articles:
        assert re.fullmatch(r"2026-11-1[5-9]|2026-11-20", article.date)
        assert article.authors
        assert article.text.startswith(article.text_start)
        paragraphs = article.text.split("\n")
        assert 4 <= len(paragraphs) <= 8
        if article.language == "en":
            assert word_count(article.text) >= 150
        else:
            assert cjk_count(article.text) >= 300


def _feed_entries(client: httpx.Client, url: str) -> list[dict[str, str]]:
    """(link, title, published, author) of each entry; feedparser 6.0 has no JSON Feed."""
    response = client.get(url)
    assert response.status_code == 200
    if response.headers["content-type"].startswith("application/feed+json"):
        data = response.json()
        assert data["version"] == "https://jsonfeed.org/version/1.1"
        return [
            {
                "link": item["url"],
                "title": item["title"],
                "published": item["date_published"],
                "author": item["authors"][0]["name"],
            }
            for item in data["items"]
        ]
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version in {"rss20", "atom10"}
    return [
        {"link": e.link, "title": e.title, "published": e.published, "author": e.author}
        for e in parsed.entries
    ]


def test_feeds_list_expected_urls(web: DemoWeb, client: httpx.Client) -> None:
    formats = {s.feed_format for s in web.sites if s.feed_url}
    assert formats == {"rss", "atom", "json"}
    for site in web.sites:
        if site.feed_url is None:
            continue
        entries = _feed_entries(client, site.feed_url)
        assert all(entry["published"] and entry["author"] for entry in entries)
        titles = {entry["link"]: entry["title"] for entry in entries}
        for article in _by_site(web, site.name):
            assert titles[article.url] == article.title
    # One feed links an article under /private/, which robots.txt disallows.
    blocked = web.blocked_urls
    assert len(blocked) == 1
    owner = next(s for s in web.sites if blocked[0].startswith(s.base_url + "/"))
    assert owner.feed_url is not None
    assert blocked[0] in {entry["link"] for entry in _feed_entries(client, owner.feed_url)}


def test_news_sitemap(web: DemoWeb, client: httpx.Client) -> None:
    site = next(s for s in web.sites if s.sitemap_url)
    index = ET.fromstring(client.get(site.sitemap_url or "").content)
    children = [loc.text or "" for loc in index.iter(f"{SM_NS}loc")]
    assert index.tag == f"{SM_NS}sitemapindex" and len(children) == 2
    news = ET.fromstring(client.get(children[0]).content)
    titles = {
        url.findtext(f"{SM_NS}loc"): url.findtext(f".//{NEWS_NS}title")
        for url in news.iter(f"{SM_NS}url")
    }
    for article in _by_site(web, site.name):
        assert titles[article.url] == article.title
    pages = ET.fromstring(client.get(children[1]).content)
    locs = {loc.text for loc in pages.iter(f"{SM_NS}loc")}
    assert {a.url for a in _by_site(web, site.name)} <= locs


def test_robots(web: DemoWeb, client: httpx.Client) -> None:
    delays = {}
    for site in web.sites:
        response = client.get(site.robots_url)
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
        assert "User-agent: *\nDisallow: /private/" in response.text
        robots = Protego.parse(response.text)
        assert robots.can_fetch(site.home_url, "TidingsBot")
        delays[site.key] = robots.crawl_delay("TidingsBot")
        if site.sitemap_url:
            assert list(robots.sitemaps) == [site.sitemap_url]
    assert sorted(d for d in delays.values() if d) == [0.05]
    for url in web.blocked_urls:
        site = next(s for s in web.sites if url.startswith(s.base_url))
        robots = Protego.parse(client.get(site.robots_url).text)
        assert not robots.can_fetch(url, "TidingsBot")
        assert web.request_count(url) == 0


def test_conditional_get(web: DemoWeb, client: httpx.Client) -> None:
    url = web.sources[0].url
    before = web.request_count(url)
    first = client.get(url, headers={"Accept-Encoding": "identity"})
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert first.status_code == 200 and etag and modified
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"]
    since = client.get(url, headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    stale = client.get(url, headers={"If-None-Match": '"not-the-same"'})
    assert stale.status_code == 200 and stale.content == first.content
    old = client.get(url, headers={"If-Modified-Since": "Sun, 01 Nov 2026 00:00:00 GMT"})
    assert old.status_code == 200
    assert web.request_count(url) == before + 5


def test_gzip_and_head(web: DemoWeb, client: httpx.Client) -> None:
    url = web.expected_articles[0].url
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert zipped.text == plain.text
    assert gzip.decompress(gzip.compress(plain.content)) == plain.content
    revalidated = client.get(url, headers={"If-None-Match": zipped.headers["etag"]})
    assert revalidated.status_code == 304
    head = client.head(url)
    assert head.status_code == 200 and head.content == b""


def test_content_types_and_404(web: DemoWeb, client: httpx.Client) -> None:
    expected = {
        "rss": "application/rss+xml; charset=utf-8",
        "atom": "application/atom+xml; charset=utf-8",
        "json": "application/feed+json; charset=utf-8",
    }
    for site in web.sites:
        if site.feed_url and site.feed_format:
            got = client.get(site.feed_url).headers["content-type"]
            assert got == expected[site.feed_format]
        if site.sitemap_url:
            got = client.get(site.sitemap_url).headers["content-type"]
            assert got == "application/xml; charset=utf-8"
        home = client.get(site.home_url)
        assert home.headers["content-type"] == "text/html; charset=utf-8"
        assert home.headers["etag"] and home.headers["last-modified"]
        missing = client.get(site.base_url + "/no/such/page")
        assert missing.status_code == 404
    assert web.request_count(web.sites[0].base_url + "/no/such/page") == 1


def test_images_are_served(web: DemoWeb, client: httpx.Client) -> None:
    article = web.expected_articles[0]
    page = client.get(article.url).text
    match = re.search(r'<meta property="og:image" content="([^"]+)"', page)
    assert match
    image = client.get(match.group(1))
    assert image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_home_pages_advertise_feeds(web: DemoWeb, client: httpx.Client) -> None:
    feeds = {s.home_url: s.feed_url for s in web.sites}
    assert len(web.home_pages) == 4
    for home in web.home_pages:
        page = client.get(home).text
        match = re.search(
            r'<link rel="alternate" type="application/[a-z+]+" [^>]*href="([^"]+)"', page
        )
        assert match
        assert urljoin(home, match.group(1)) == feeds[home]
        hrefs = {urljoin(home, h) for h in re.findall(r'<a href="([^"]+)"', page)}
        site = next(s for s in web.sites if s.home_url == home)
        assert {a.url for a in _by_site(web, site.name)} <= hrefs


def test_chinese_site(web: DemoWeb, client: httpx.Client) -> None:
    site = next(s for s in web.sites if s.language == "zh")
    articles = _by_site(web, site.name)
    assert all(a.language == "zh" for a in articles)
    response = client.get(articles[0].url)
    assert response.encoding == "utf-8"
    page = response.content.decode("utf-8")
    assert '<html lang="zh-CN">' in page
    assert articles[0].title in page
    assert cjk_count(page) >= 300
    assert "记者" in page


def _extract(client: httpx.Client, url: str) -> dict[str, object]:
    html = client.get(url).text
    result = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    assert result is not None
    data: dict[str, object] = result if isinstance(result, dict) else result.as_dict()
    return data


def _samples(web: DemoWeb) -> list[ExpectedArticle]:
    firsts: dict[str, ExpectedArticle] = {}
    for article in web.expected_articles:
        firsts.setdefault(article.site, article)
    return list(firsts.values())


def test_trafilatura_extracts_article_not_boilerplate(web: DemoWeb, client: httpx.Client) -> None:
    boilerplate = (
        "We use cookies",
        "Sign up for our free newsletter",
        "Subscribe",
        "Great reporting",
        "All rights reserved",
        "Related articles",
        "相关阅读",
        "订阅",
        "报道很及时",
        "版权所有",
    )
    others = {a.title for a in web.expected_articles}
    for article in _samples(web):
        data = _extract(client, article.url)
        text = str(data["text"])
        assert data["title"] == article.title
        assert text.startswith(article.text_start)
        assert text == article.text
        assert data["date"] == article.date
        assert tuple(str(data["author"]).split("; ")) == article.authors
        assert data["sitename"] == article.site
        for phrase in boilerplate:
            assert phrase not in text, (article.url, phrase)
        for title in others - {article.title}:
            assert title not in text


def test_wire_duplicates(web: DemoWeb, client: httpx.Client) -> None:
    by_url = {a.url: a for a in web.expected_articles}
    copies = [a for a in web.expected_articles if a.duplicate_of_url]
    assert 2 <= len(copies) <= 3
    for copy in copies:
        assert copy.duplicate_of_url is not None
        original = by_url[copy.duplicate_of_url]
        assert original.site != copy.site
        assert original.published < copy.published
        assert original.text == copy.text
        first, second = client.get(original.url).text, client.get(copy.url).text
        assert first != second
        assert _extract(client, original.url)["text"] == _extract(client, copy.url)["text"]


def test_deterministic() -> None:
    def snapshot(demo: DemoWeb) -> list[tuple[str, str, str, str]]:
        return [(a.site, urlsplit(a.url).path, a.title, a.text) for a in demo.expected_articles]

    with DemoWeb(seed=7) as one, DemoWeb(seed=7) as two, DemoWeb(seed=8) as other:
        assert snapshot(one) == snapshot(two)
        assert snapshot(one) != snapshot(other)
        page_one = httpx.get(one.expected_articles[0].url).text
        page_two = httpx.get(two.expected_articles[0].url).text
        assert page_one.replace(one.sites[0].base_url, "") == page_two.replace(
            two.sites[0].base_url, ""
        )


def test_concurrent_requests_are_counted() -> None:
    with DemoWeb(seed=5) as demo, httpx.Client(timeout=10) as http:
        urls = [a.url for a in demo.expected_articles] * 2
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(lambda u: http.get(u).status_code, urls))
        assert statuses == [200] * len(urls)
        assert all(demo.request_count(u) == 2 for u in urls)
        log = demo.request_log
        assert len(log) == len(urls)
        assert {r.method for r in log} == {"GET"}
        assert all(r.user_agent and r.user_agent.startswith("python-httpx") for r in log)
