"""The HTML views against a real server and a real SQLite file."""

from __future__ import annotations

import re

import httpx

from tests.serve.conftest import Analysed, Corpus, foreign_scripts, save
from tidings.store import Store


def _reader_links(html: str) -> list[int]:
    return [int(m) for m in re.findall(r'<h2 id="a\d+"><a href="/articles/(\d+)"', html)]


def test_index_lists_titles_newest_first(client: httpx.Client, corpus: Corpus) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<html lang="en">' in html
    assert _reader_links(html) == corpus.newest_first
    positions = [html.index(f"Story number {day}<") for day in (7, 6, 5, 4, 3, 2, 1)]
    assert positions == sorted(positions)
    assert f'href="/sources/{corpus.wire_id}"' in html
    assert "<main" in html and "<nav" in html and "<header" in html
    assert '<time datetime="2024-03-07T09:00:00+00:00"' in html
    assert '<span class="lang" title="Language">zh</span>' in html
    assert "Story 7 opening paragraph." in html  # excerpt
    assert "mirror" not in html  # duplicates hidden


def test_index_pagination_with_many_articles(
    client: httpx.Client, corpus: Corpus, store: Store
) -> None:
    assert 'rel="next"' not in client.get("/").text  # one page only, so far
    for n in range(40):
        save(
            store,
            url=f"https://bulk.example/{n}",
            source_id=corpus.wire_id,
            title=f"Bulk {n:02d}",
            text=f"Bulk article {n}",
            published_at=f"2024-02-01T{n // 2:02d}:{(n % 2) * 30:02d}:00Z",
        )
    first = client.get("/").text
    match = re.search(r'href="/\?cursor=([^"]+)" rel="next">Older</a>', first)
    assert match
    second = client.get("/?cursor=" + match.group(1))  # the href is already URL-encoded
    assert second.status_code == 200
    ids_first, ids_second = _reader_links(first), _reader_links(second.text)
    assert len(ids_first) == 30
    assert not set(ids_first) & set(ids_second)
    assert len(ids_first) + len(ids_second) == len(corpus.newest_first) + 40
    assert ">Newest</a>" in second.text
    assert 'rel="next"' not in second.text


def test_reader_view_paragraphs(client: httpx.Client, corpus: Corpus) -> None:
    response = client.get(f"/articles/{corpus.english[0]}")
    assert response.status_code == 200
    html = response.text
    assert "<h1" in html and "Story number 7</h1>" in html
    assert html.count("<p>Story 7 opening paragraph.</p>") == 1
    assert "<p>Story 7 second paragraph. Story 7 opening paragraph.</p>" in html
    assert "By Ada Reporter, Bo Writer" in html
    assert '<img src="https://img.example/lead.jpg"' in html
    assert '<a href="https://wire.example/story-7" rel="noopener noreferrer nofollow">' in html
    assert f'href="/sources/{corpus.wire_id}">Wire Feed</a>' in html
    assert '<time datetime="2024-03-07T09:00:00+00:00">7 Mar 2024, 09:00 UTC</time>' in html


def test_reader_view_duplicate_links_original(client: httpx.Client, corpus: Corpus) -> None:
    html = client.get(f"/articles/{corpus.duplicate_id}").text
    assert "Also published as" in html
    assert f'href="/articles/{corpus.original_id}">Story number 1</a>' in html
    assert "Also published as" not in client.get(f"/articles/{corpus.original_id}").text


def test_hostile_content_is_escaped(client: httpx.Client, corpus: Corpus) -> None:
    for path in ("/", f"/articles/{corpus.xss_id}", f"/sources/{corpus.wire_id}"):
        html = client.get(path).text
        assert foreign_scripts(html) == [], path
        assert "<img src=x" not in html, path
        assert "onerror=alert" not in html.replace("onerror=alert(1)&gt;", ""), path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path
    reader = client.get(f"/articles/{corpus.xss_id}").text
    assert "<p>First line &lt;img src=x onerror=alert(1)&gt;</p>" in reader
    assert "javascript:" not in reader  # the hostile lead image is not shown


def test_chinese_article_has_lang(client: httpx.Client, corpus: Corpus) -> None:
    html = client.get(f"/articles/{corpus.chinese_id}").text
    assert re.search(r'<article class="reader" lang="zh"', html)
    assert '<h1 id="headline">新政策发布</h1>' in html
    assert "<p>北京时间今天上午，新的政策正式发布。</p>" in html
    assert "<p>专家表示，这将影响数百万人。</p>" in html


def test_sources_pages(client: httpx.Client, corpus: Corpus) -> None:
    html = client.get("/sources").text
    assert "<table" in html and "<caption" in html and 'scope="col"' in html
    assert f'<a href="/sources/{corpus.wire_id}">Wire Feed</a>' in html
    assert "中文日报" in html and "HTTP 503" in html
    assert 'class="unhealthy"' in html
    page = client.get(f"/sources/{corpus.zh_source_id}")
    assert page.status_code == 200
    assert _reader_links(page.text) == [corpus.chinese_id]
    wire = client.get(f"/sources/{corpus.wire_id}").text
    assert _reader_links(wire) == [corpus.xss_id, *corpus.english]


def test_not_found_pages(client: httpx.Client, corpus: Corpus) -> None:
    for path in ("/articles/999999", "/sources/999999", "/articles/abc", "/no/such/page"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html"), path
        assert "Not found" in response.text, path
    assert client.get("/api/v1/nothing").headers["content-type"] == "application/json"


def test_bad_cursor_page_is_400(client: httpx.Client, corpus: Corpus) -> None:
    response = client.get("/", params={"cursor": "@@@"})
    assert response.status_code == 400
    assert "Bad request" in response.text


def test_security_headers_and_static(client: httpx.Client, corpus: Corpus) -> None:
    response = client.get("/")
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    css = client.get("/static/style.css")
    assert css.status_code == 200
    assert "prefers-color-scheme: dark" in css.text
    assert css.headers["content-security-policy"] == csp


def test_topic_pages_list_a_topics_articles_with_its_feeds(
    client: httpx.Client, corpus: Corpus, analysed: Analysed
) -> None:
    page = client.get("/topics/science")
    assert page.status_code == 200
    assert set(_reader_links(page.text)) == {analysed.representative, corpus.chinese_id}
    assert 'href="/feeds/topics/science.atom"' in page.text  # autodiscovery and a link
    assert _reader_links(client.get("/topics/nothing-here").text) == []
    # a topic tag anywhere leads to its page
    assert 'href="/topics/science"' in client.get("/").text
    # the sources page says how many articles a day each source brings
    assert "A day (7 days)" in client.get("/sources").text
