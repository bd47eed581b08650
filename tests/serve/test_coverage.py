"""Topics, summaries and stories from the language stage, in the API and the HTML views."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.serve.conftest import XSS_SUMMARY, Analysed, Corpus, foreign_scripts
from tidings.store import Store

# --- JSON API ---------------------------------------------------------------------


def test_article_detail_has_analysis(
    client: httpx.Client, corpus: Corpus, analysed: Analysed
) -> None:
    body = client.get(f"/api/v1/articles/{analysed.representative}").json()
    assert body["topic"] == "science"
    assert body["summary"] == "Ada Lovelace's notes were found in a London archive."
    assert body["keywords"] == ["notes", "archive"]
    assert body["entities"] == [
        {"text": "Ada Lovelace", "label": "person", "normalized": "ada lovelace", "count": 2},
        {"text": "London", "label": "place", "normalized": "london", "count": 1},
    ]
    assert body["story_id"] == analysed.story_id
    assert body["story_size"] == 3
    assert "Story 7 opening paragraph." in body["text"]


def test_article_detail_without_analysis(
    client: httpx.Client, corpus: Corpus, analysed: Analysed
) -> None:
    for article_id in analysed.unanalysed:
        body = client.get(f"/api/v1/articles/{article_id}").json()
        assert body["topic"] is None, article_id
        assert body["summary"] is None
        assert body["keywords"] == [] and body["entities"] == []
        assert body["story_id"] is None and body["story_size"] is None


def test_list_items_carry_topic_and_story(
    client: httpx.Client, corpus: Corpus, analysed: Analysed
) -> None:
    items = {i["id"]: i for i in client.get("/api/v1/articles").json()["items"]}
    for member in analysed.members:
        assert items[member]["story_id"] == analysed.story_id
        assert items[member]["story_size"] == 3
    assert items[analysed.representative]["topic"] == "science"
    assert items[corpus.english[1]]["topic"] == "history"
    assert items[corpus.xss_id]["story_id"] == analysed.solo_story_id
    assert items[corpus.xss_id]["story_size"] == 1
    for article_id in analysed.unanalysed:
        if article_id in items:
            assert items[article_id]["topic"] is None
            assert items[article_id]["story_id"] is None
            assert items[article_id]["story_size"] is None


def test_list_story_fields_survive_paging(
    client: httpx.Client, corpus: Corpus, analysed: Analysed
) -> None:
    whole = {i["id"]: i for i in client.get("/api/v1/articles").json()["items"]}
    cursor: str | None = None
    seen = 0
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/articles", params=params).json()
        for item in body["items"]:
            assert item == whole[item["id"]]
            seen += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == len(corpus.newest_first)


def test_story_endpoint(client: httpx.Client, corpus: Corpus, analysed: Analysed) -> None:
    response = client.get(f"/api/v1/stories/{analysed.story_id}")
    assert response.status_code == 200
    story = response.json()
    assert story["id"] == analysed.story_id
    assert story["representative"] == analysed.representative
    assert story["languages"] == ["en", "zh"]
    assert story["first_published"] == "2024-03-06T09:00:00+00:00"
    assert story["last_published"] == "2024-03-08T09:00:00+00:00"
    assert story["member_count"] == 3
    assert story["story_url"] == f"/stories/{analysed.story_id}"
    members = story["members"]
    # Newest first: the Chinese article (8 Mar), story 7, story 6.
    assert [m["id"] for m in members] == [corpus.chinese_id, corpus.english[0], corpus.english[1]]
    zh = members[0]
    assert zh == {
        "id": corpus.chinese_id,
        "title": "新政策发布",
        "url": "https://zh.example/news/1",
        "source_title": "中文日报",
        "site_name": "Example Wire",
        "language": "zh",
        "published_at": "2024-03-08T09:00:00+00:00",
        "reader_url": f"/articles/{corpus.chinese_id}",
        "duplicate_of": None,
    }
    assert story["entities"] == [
        {"text": "Ada Lovelace", "normalized": "ada lovelace", "articles": 3},
        {"text": "London", "normalized": "london", "articles": 2},
    ]


def test_story_404(client: httpx.Client, corpus: Corpus, analysed: Analysed) -> None:
    response = client.get("/api/v1/stories/999999")
    assert response.status_code == 404
    assert "999999" in response.json()["detail"]
    assert client.get("/api/v1/stories/abc").status_code == 422


def test_status_counts_stories(client: httpx.Client, corpus: Corpus, analysed: Analysed) -> None:
    assert client.get("/api/v1/status").json()["stories"] == 2


def test_openapi_documents_new_fields(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/v1/stories/{story_id}" in spec["paths"]
    schemas = spec["components"]["schemas"]
    for model, fields in {
        "ArticleSummary": ("topic", "story_id", "story_size"),
        "ArticleDetail": ("topic", "summary", "keywords", "entities", "story_id"),
        "StoryOut": ("members", "languages", "representative", "entities"),
        "StatusOut": ("stories",),
    }.items():
        for name in fields:
            assert schemas[model]["properties"][name].get("description"), (model, name)


# --- HTML --------------------------------------------------------------------------


def test_reader_view_summary_topic_and_coverage(
    client: httpx.Client, corpus: Corpus, analysed: Analysed
) -> None:
    html = client.get(f"/articles/{analysed.representative}").text
    assert '<h2 id="summary-heading" lang="en">Summary</h2>' in html
    assert "<p>Ada Lovelace&#39;s notes were found in a London archive.</p>" in html
    assert '<a class="topic" title="Topic" href="/topics/science">science</a>' in html
    assert "Full coverage" in html
    coverage = html[html.index("Full coverage") :]
    assert f'href="/stories/{analysed.story_id}">3 articles in 2 languages</a>' in coverage
    assert f'<a href="/articles/{corpus.chinese_id}" lang="zh">新政策发布</a>' in coverage
    assert f'<a href="/articles/{corpus.english[1]}" lang="en">Story number 6</a>' in coverage
    assert f'href="/articles/{analysed.representative}"' not in coverage  # not itself
    assert '<span class="outlet">Example Wire</span>' in coverage
    assert '<span class="lang" title="Language">zh</span>' in coverage


def test_reader_view_without_analysis(
    client: httpx.Client, corpus: Corpus, analysed: Analysed
) -> None:
    for article_id in analysed.unanalysed:
        response = client.get(f"/articles/{article_id}")
        assert response.status_code == 200, article_id
        html = response.text
        assert 'id="headline"' in html
        assert "Summary</h2>" not in html
        assert 'class="topic"' not in html
        assert "Full coverage" not in html


def test_reader_view_solo_story_has_no_coverage(
    client: httpx.Client, corpus: Corpus, analysed: Analysed
) -> None:
    html = client.get(f"/articles/{corpus.xss_id}").text
    assert '<a class="topic" title="Topic" href="/topics/crime">crime</a>' in html
    assert "Full coverage" not in html


def test_hostile_summary_is_escaped(
    client: httpx.Client, corpus: Corpus, analysed: Analysed
) -> None:
    assert "<script" in XSS_SUMMARY
    html = client.get(f"/articles/{corpus.xss_id}").text
    assert foreign_scripts(html) == []
    assert "<img src=x" not in html
    assert (
        "<p>Hostile &lt;script&gt;alert(5)&lt;/script&gt; summary "
        "&lt;img src=x onerror=alert(6)&gt;</p>"
    ) in html


def test_index_shows_topic_and_story_size(
    client: httpx.Client, corpus: Corpus, analysed: Analysed
) -> None:
    html = client.get("/").text
    assert foreign_scripts(html) == []
    link = f'<a class="coverage" href="/stories/{analysed.story_id}">3 sources</a>'
    assert html.count(link) == 3  # one per member
    assert f"/stories/{analysed.solo_story_id}" not in html  # one source only: no link
    assert '<a class="topic" title="Topic" href="/topics/science">science</a>' in html
    assert '<a class="topic" title="Topic" href="/topics/history">history</a>' in html
    item = re.search(
        rf'<article class="summary" lang="en" aria-labelledby="a{corpus.english[2]}">.*?</article>',
        html,
        re.S,
    )
    assert item and 'class="topic"' not in item.group(0) and "sources</a>" not in item.group(0)


def test_story_page_groups_members_by_language(
    client: httpx.Client, corpus: Corpus, analysed: Analysed
) -> None:
    response = client.get(f"/stories/{analysed.story_id}")
    assert response.status_code == 200
    html = response.text
    assert '<h1 lang="en">Story number 7</h1>' in html
    assert "<title>Story number 7 · Test Tidings</title>" in html
    english = html.index(">English <span")
    chinese = html.index(">Chinese <span")
    assert english < chinese  # the larger group first
    en_part, zh_part = html[english:chinese], html[chinese:]
    # Newest first within a language.
    assert en_part.index("Story number 7</a>") < en_part.index("Story number 6</a>")
    assert f'<a href="/articles/{corpus.chinese_id}" lang="zh">新政策发布</a>' in zh_part
    assert '<span class="outlet">Example Wire</span>' in en_part
    assert '<time datetime="2024-03-07T09:00:00+00:00"' in en_part
    assert "Ada Lovelace" in html and "English, Chinese" in html


def test_story_page_404(client: httpx.Client, corpus: Corpus, analysed: Analysed) -> None:
    for path in ("/stories/999999", "/stories/abc"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Not found" in response.text


def test_reader_view_lists_the_copies_of_an_article(
    client: httpx.Client, store: Store, corpus: Corpus
) -> None:
    copies = [a for a in store.list_articles(limit=200, include_duplicates=True).items
              if a.duplicate_of is not None]  # fmt: skip
    assert copies, "the corpus holds a syndicated copy"
    copy = copies[0]
    page = client.get(f"/articles/{copy.duplicate_of}").text
    assert "Also published by" in page
    assert f'href="/articles/{copy.id}"' in page
