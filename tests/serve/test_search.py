"""Search in the JSON API and the web reader, against a real server and SQLite file."""

from __future__ import annotations

import html
import re

import httpx
import pytest

from tests.serve.conftest import CHINESE_TEXT, Corpus, foreign_scripts, save
from tidings.serve import accounts, serve_in_background
from tidings.serve.search import snippet_html
from tidings.serve.web import PAGE_SIZE
from tidings.store import Store

HOSTILE = ['"', "*", "NEAR(", "AND OR", "')--", "x" * 300, '"open', "-story", "<script>"]


def api_ids(client: httpx.Client, q: str, **params: int) -> list[int]:
    response = client.get("/api/v1/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return [r["article"]["id"] for r in response.json()["results"]]


def test_api_finds_english_words_with_snippets(client: httpx.Client, corpus: Corpus) -> None:
    body = client.get("/api/v1/search", params={"q": "second paragraph"}).json()
    assert body["query"] == "second paragraph"
    assert body["total"] == 7 and body["next_offset"] is None
    assert {r["article"]["id"] for r in body["results"]} == set(corpus.english)
    first = body["results"][0]
    assert first["article"]["reader_url"] == f"/articles/{first['article']['id']}"
    assert "excerpt" in first["article"] and "text" not in first["article"]
    marked = [first["snippet"][s:e].lower() for s, e in first["highlights"]]
    assert "second" in marked and "paragraph" in marked


def test_api_matches_a_prefix_of_the_last_word(client: httpx.Client, corpus: Corpus) -> None:
    assert set(api_ids(client, "opening parag")) == set(corpus.english)
    assert api_ids(client, "parag opening") == []


def test_api_ranks_titles_above_text(client: httpx.Client, store: Store, corpus: Corpus) -> None:
    in_text = save(
        store,
        url="https://wire.example/coast",
        source_id=corpus.wire_id,
        title="Coast news",
        text="The lighthouse keeper saw the lighthouse lamp fail. " * 2,
        published_at="2024-03-20T09:00:00Z",
    ).article_id
    in_title = save(
        store,
        url="https://wire.example/lighthouse",
        source_id=corpus.wire_id,
        title="Lighthouse restored",
        text="Volunteers repaired it.",
        published_at="2024-03-02T09:00:00Z",
    ).article_id
    assert api_ids(client, "lighthouse") == [in_title, in_text]


def test_api_finds_a_chinese_word_inside_a_sentence(client: httpx.Client, corpus: Corpus) -> None:
    body = client.get("/api/v1/search", params={"q": "北京"}).json()
    assert [r["article"]["id"] for r in body["results"]] == [corpus.chinese_id]
    result = body["results"][0]
    assert result["snippet"].startswith(CHINESE_TEXT.split("\n")[0])
    assert [result["snippet"][s:e] for s, e in result["highlights"]] == ["北京"]
    assert api_ids(client, "影响") == [corpus.chinese_id]


def test_api_leaves_duplicates_out(client: httpx.Client, corpus: Corpus) -> None:
    ids = api_ids(client, "story 1 opening")
    assert corpus.original_id in ids and corpus.duplicate_id not in ids
    assert api_ids(client, "mirror") == []  # only the copy's title says "mirror"


def test_api_pages_by_offset(client: httpx.Client, corpus: Corpus) -> None:
    seen: list[int] = []
    offset: int | None = 0
    while offset is not None:
        body = client.get(
            "/api/v1/search", params={"q": "paragraph", "limit": 3, "offset": offset}
        ).json()
        seen += [r["article"]["id"] for r in body["results"]]
        offset = body["next_offset"]
    assert sorted(seen) == sorted(corpus.english) and len(seen) == len(set(seen))


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_answer_200(client: httpx.Client, corpus: Corpus, query: str) -> None:
    api = client.get("/api/v1/search", params={"q": query})
    assert api.status_code == 200, api.text
    assert api.json()["total"] == len(api.json()["results"])
    page = client.get("/search", params={"q": query})
    assert page.status_code == 200
    assert foreign_scripts(page.text) == []


def test_api_refuses_an_empty_query_or_a_bad_page(client: httpx.Client, corpus: Corpus) -> None:
    for params in ({}, {"q": ""}, {"q": "   "}, {"q": "a", "limit": 101}, {"q": "a", "offset": -1}):
        assert client.get("/api/v1/search", params=params).status_code == 422, params


def test_api_is_documented(client: httpx.Client, corpus: Corpus) -> None:
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/api/v1/search"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"q", "limit", "offset"}
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert set(schema["properties"]) == {"query", "total", "results", "next_offset"}
    result = spec["components"]["schemas"]["SearchResultOut"]["properties"]
    assert "offsets" in result["highlights"]["description"]


def test_html_snippet_escapes_article_text_and_marks_the_match(
    client: httpx.Client, corpus: Corpus
) -> None:
    page = client.get("/search", params={"q": "script"})
    assert page.status_code == 200
    assert foreign_scripts(page.text) == []
    assert "&lt;<mark>script</mark>&gt;alert(2)&lt;/<mark>script</mark>&gt;" in page.text
    assert f'href="/articles/{corpus.xss_id}"' in page.text
    assert "1 article matches" in page.text


def test_html_lists_results_with_count_and_keeps_the_query(
    client: httpx.Client, corpus: Corpus
) -> None:
    page = client.get("/search", params={"q": "北京"})
    assert f'href="/articles/{corpus.chinese_id}"' in page.text
    assert "<mark>北京</mark>" in page.text
    assert page.text.count('value="北京"') == 2  # the page's box and the header's
    assert 'lang="zh"' in page.text
    page = client.get("/search", params={"q": "paragraph"})
    assert "7 articles match" in page.text
    listed = [int(i) for i in re.findall(r'<h2 id="a(\d+)"', page.text)]
    assert sorted(listed) == sorted(corpus.english)
    assert 'rel="next"' not in page.text


def test_html_empty_query_shows_the_empty_form(client: httpx.Client, corpus: Corpus) -> None:
    page = client.get("/search")
    assert page.status_code == 200
    assert 'role="search"' in page.text and 'name="q"' in page.text
    assert "<ol" not in page.text and "match" not in page.text
    assert client.get("/search", params={"q": "  "}).text.count("<mark>") == 0


def test_every_page_has_a_labelled_search_box(client: httpx.Client, corpus: Corpus) -> None:
    page = client.get("/").text
    form = re.search(r'<form role="search"[^>]*action="/search"[^>]*>(.*?)</form>', page, re.S)
    assert form is not None
    box = re.search(r'<input id="([^"]+)"[^>]*name="q"', form.group(1))
    assert box is not None and f'<label for="{box.group(1)}"' in form.group(1)


def test_html_pages_through_many_results(store: Store, corpus: Corpus) -> None:
    for i in range(PAGE_SIZE + 2):
        save(
            store,
            url=f"https://wire.example/flood-{i}",
            source_id=corpus.wire_id,
            title=f"Flood update {i}",
            text=f"River levels, update {i}.",
            published_at=f"2024-04-01T{i % 24:02d}:{i // 24:02d}:00Z",
        )
    with serve_in_background(store) as server, httpx.Client(base_url=server.url) as client:
        first = client.get("/search", params={"q": "flood"}).text
        assert f"{PAGE_SIZE + 2} articles match" in first
        assert first.count('<h2 id="a') == PAGE_SIZE
        link = re.search(r'href="([^"]+)" rel="next"', first)
        assert link is not None
        second = client.get(html.unescape(link.group(1))).text
        assert second.count('<h2 id="a') == 2
        assert 'rel="prev"' in second and 'rel="next"' not in second
        assert f'start="{PAGE_SIZE + 1}"' in second


def test_search_needs_a_login_on_a_private_instance(store: Store, corpus: Corpus) -> None:
    accounts.create_account(store, "alice", "correct horse battery")
    with (
        serve_in_background(store, auth="accounts") as server,
        httpx.Client(base_url=server.url) as client,
    ):
        assert client.get("/api/v1/search", params={"q": "story"}).status_code == 401
        assert client.get("/search", params={"q": "story"}).status_code == 303


def test_snippet_html_escapes_around_and_inside_marks() -> None:
    markup = snippet_html("a <b> & <i>x</i>", [(2, 5), (11, 12), (10, 13)])
    assert str(markup) == "a <mark>&lt;b&gt;</mark> &amp; &lt;i&gt;<mark>x</mark>&lt;/i&gt;"
