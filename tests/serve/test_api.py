"""The JSON API against a real server and a real SQLite file."""

from __future__ import annotations

from typing import Any

import httpx

from tests.serve.conftest import Corpus


def _all_pages(client: httpx.Client, **params: Any) -> list[list[int]]:
    pages: list[list[int]] = []
    cursor: str | None = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = client.get("/api/v1/articles", params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append([item["id"] for item in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 50, "pagination does not terminate"


def test_articles_newest_first(client: httpx.Client, corpus: Corpus) -> None:
    body = client.get("/api/v1/articles").json()
    assert [item["id"] for item in body["items"]] == corpus.newest_first
    assert body["next_cursor"] is None
    times = [item["published_at"] for item in body["items"]]
    assert times == sorted(times, reverse=True)


def test_cursor_pagination_has_no_overlap_or_loss(client: httpx.Client, corpus: Corpus) -> None:
    pages = _all_pages(client, limit=2)
    assert [len(page) for page in pages] == [2, 2, 2, 2, 1]
    flat = [article_id for page in pages for article_id in page]
    assert flat == corpus.newest_first
    assert len(set(flat)) == len(flat)


def test_cursor_pagination_by_source(client: httpx.Client, corpus: Corpus) -> None:
    pages = _all_pages(client, limit=3, source_id=corpus.wire_id)
    flat = [article_id for page in pages for article_id in page]
    assert flat == [corpus.xss_id, *corpus.english]


def test_list_items_carry_excerpt_not_text(client: httpx.Client, corpus: Corpus) -> None:
    item = client.get("/api/v1/articles", params={"limit": 1}).json()["items"][0]
    assert "text" not in item
    assert item["excerpt"].startswith("First line")
    assert item["reader_url"] == f"/articles/{item['id']}"
    expected = {
        "id", "url", "canonical_url", "title", "authors", "date", "published_at", "language",
        "image", "site_name", "source_id", "source_title", "created_at", "duplicate_of",
        "reader_url", "excerpt", "topic", "story_id", "story_size", "headline",
    }  # fmt: skip
    assert set(item) == expected


def test_long_excerpt_is_cut(client: httpx.Client, corpus: Corpus) -> None:
    article = client.get(f"/api/v1/articles/{corpus.english[0]}").json()
    item = next(
        i for i in client.get("/api/v1/articles").json()["items"] if i["id"] == corpus.english[0]
    )
    assert len(article["text"]) > 300
    assert len(item["excerpt"]) <= 301
    assert item["excerpt"].endswith("…")


def test_duplicates_hidden_by_default(client: httpx.Client, corpus: Corpus) -> None:
    default = [i["id"] for i in client.get("/api/v1/articles").json()["items"]]
    assert corpus.duplicate_id not in default
    body = client.get("/api/v1/articles", params={"include_duplicates": "true"}).json()
    items = {i["id"]: i for i in body["items"]}
    assert corpus.duplicate_id in items
    assert items[corpus.duplicate_id]["duplicate_of"] == corpus.original_id
    # The duplicate was published last, so it comes first.
    assert body["items"][0]["id"] == corpus.duplicate_id


def test_get_article_has_full_text(client: httpx.Client, corpus: Corpus) -> None:
    response = client.get(f"/api/v1/articles/{corpus.chinese_id}")
    assert response.status_code == 200
    article = response.json()
    assert article["title"] == "新政策发布"
    assert article["language"] == "zh"
    assert article["source_title"] == "中文日报"
    assert "专家表示" in article["text"]
    assert article["reader_url"] == f"/articles/{corpus.chinese_id}"


def test_article_404(client: httpx.Client, corpus: Corpus) -> None:
    response = client.get("/api/v1/articles/999999")
    assert response.status_code == 404
    assert "999999" in response.json()["detail"]


def test_bad_cursor_is_400(client: httpx.Client, corpus: Corpus) -> None:
    for cursor in ("not-a-cursor!!", "@@@", "Zm9v"):
        response = client.get("/api/v1/articles", params={"cursor": cursor})
        assert response.status_code == 400, cursor
        assert "cursor" in response.json()["detail"]


def test_limit_bounds(client: httpx.Client, corpus: Corpus) -> None:
    assert client.get("/api/v1/articles", params={"limit": 0}).status_code == 422
    assert client.get("/api/v1/articles", params={"limit": 201}).status_code == 422
    assert client.get("/api/v1/articles", params={"limit": 200}).status_code == 200


def test_sources_with_health(client: httpx.Client, corpus: Corpus) -> None:
    sources = client.get("/api/v1/sources").json()
    by_id = {s["id"]: s for s in sources}
    assert by_id[corpus.wire_id]["title"] == "Wire Feed"
    assert by_id[corpus.wire_id]["kind"] == "feed"
    assert by_id[corpus.wire_id]["article_count"] == 8  # 7 stories + the hostile one
    assert by_id[corpus.zh_source_id]["error_count"] == 1
    assert by_id[corpus.zh_source_id]["last_status"] == "HTTP 503"
    assert by_id[corpus.zh_source_id]["last_fetched_at"]
    one = client.get(f"/api/v1/sources/{corpus.zh_source_id}")
    assert one.status_code == 200
    assert one.json() == by_id[corpus.zh_source_id]
    assert client.get("/api/v1/sources/424242").status_code == 404


def test_status_counts(client: httpx.Client, corpus: Corpus) -> None:
    status = client.get("/api/v1/status").json()
    assert status["articles"] == len(corpus.newest_first)
    assert status["duplicates"] == 1
    assert status["sources"] == 2
    assert status["stories"] == 0
    assert status["frontier"]["queued"] == 2  # the two sources' own URLs
    assert set(status["frontier"]) == {"queued", "in_progress", "done", "failed"}
    assert status["schema_version"] >= 1


def test_healthz(client: httpx.Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True}


def test_openapi_lists_paths(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {
        "/api/v1/articles",
        "/api/v1/articles/{article_id}",
        "/api/v1/sources",
        "/api/v1/sources/{source_id}",
        "/api/v1/status",
        "/api/v1/stories/{story_id}",
        "/healthz",
    } <= paths
    assert "/" not in paths  # HTML views stay out of the API description
    schemas = spec["components"]["schemas"]
    assert "description" in schemas["ArticleSummary"]["properties"]["excerpt"]
    assert client.get("/docs").status_code == 404  # no CDN-loaded UI on an offline host


def test_security_headers_on_api(client: httpx.Client) -> None:
    response = client.get("/api/v1/status")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"]
