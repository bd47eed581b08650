"""Atom and JSON Feed output at /feeds/, against a real server and a real store."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import feedparser
import httpx

from tests.pipeline.test_headlines import CLICKBAIT_QUAKE
from tests.serve.conftest import XSS_TEXT, XSS_TITLE, Analysed, Corpus, FeedSite, save
from tidings.records import ArticleSaved
from tidings.serve import accounts, serve_in_background
from tidings.serve.deps import SESSION_COOKIE
from tidings.sources import parse_feed
from tidings.store import Store

ATOM_TYPE = "application/atom+xml; charset=utf-8"
JSON_TYPE = "application/feed+json; charset=utf-8"
PASSWORD = "correct horse battery"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def atom(client: httpx.Client, path: str) -> Any:
    """GET an Atom feed; parsed by feedparser, which must find nothing wrong with it."""
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == ATOM_TYPE
    parsed = feedparser.parse(io.BytesIO(response.content))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def jsonfeed(client: httpx.Client, path: str) -> dict[str, Any]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == JSON_TYPE
    document: dict[str, Any] = json.loads(response.content)
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    return document


def article_ids(ids: list[str]) -> list[int]:
    return [int(i.rsplit("/", 1)[1]) for i in ids]


def test_latest_in_atom_round_trips_through_feedparser_and_tidings(
    client: httpx.Client, corpus: Corpus
) -> None:
    feed = atom(client, "/feeds/latest.atom")
    assert feed.feed.title == "Test Tidings: Latest"
    self_link = next(link.href for link in feed.feed.links if link.rel == "self")
    assert self_link == str(client.base_url) + "/feeds/latest.atom"
    # the newest first, the duplicate hidden, as the "Latest" page lists them
    assert article_ids([e.id for e in feed.entries]) == corpus.newest_first
    assert corpus.duplicate_id not in article_ids([e.id for e in feed.entries])
    assert all(e.id.startswith("tag:127.0.0.1,2026:article/") for e in feed.entries)
    story7 = feed.entries[2]
    assert story7.link == "https://wire.example/story-7"
    related = [link.href for link in story7.links if link.rel == "related"]
    assert related == [f"{client.base_url}/articles/{corpus.english[0]}"]
    assert story7.published == "2024-03-07T09:00:00Z" and RFC3339.match(story7.updated)
    assert [a.name for a in story7.authors] == ["Ada Reporter", "Bo Writer"]
    assert "<p>Story 7 opening paragraph.</p>" in story7.content[0].value
    assert story7.media_thumbnail[0]["url"] == "https://img.example/lead.jpg"
    assert feed.feed.updated == max(e.updated for e in feed.entries)

    # the same document, read the way Tidings reads the feeds it follows
    again = client.get("/feeds/latest.atom").content
    parsed = parse_feed(again, self_link)
    assert parsed.warning is None and parsed.skipped == 0
    assert parsed.entries[2].url == "https://wire.example/story-7"
    assert parsed.entries[2].published == "2024-03-07T09:00:00+00:00"
    assert parsed.entries[1].title == "新政策发布"
    # ids stay the same from one request to the next
    assert again == client.get("/feeds/latest.atom").content


def test_latest_in_json_feed(client: httpx.Client, corpus: Corpus) -> None:
    feed = jsonfeed(client, "/feeds/latest.json")
    assert feed["title"] == "Test Tidings: Latest"
    assert feed["feed_url"] == f"{client.base_url}/feeds/latest.json"
    assert feed["home_page_url"] == f"{client.base_url}/"
    items = feed["items"]
    assert article_ids([i["id"] for i in items]) == corpus.newest_first
    chinese = items[1]
    assert chinese["title"] == "新政策发布" and chinese["language"] == "zh"
    assert chinese["content_html"] == (
        "<p>北京时间今天上午，新的政策正式发布。</p><p>专家表示，这将影响数百万人。</p>"
    )
    assert chinese["url"] == "https://zh.example/news/1"
    assert chinese["external_url"] == f"{client.base_url}/articles/{corpus.chinese_id}"
    assert chinese["date_published"] == "2024-03-08T09:00:00Z"
    story7 = items[2]
    assert story7["authors"] == [{"name": "Ada Reporter"}, {"name": "Bo Writer"}]
    assert story7["image"] == "https://img.example/lead.jpg"
    assert story7["summary"].startswith("Story 7 opening paragraph. Story 7 second")
    # Tidings can follow another Tidings through its JSON Feed too
    parsed = parse_feed(client.get("/feeds/latest.json").content, feed["feed_url"])
    assert [e.url for e in parsed.entries][2] == "https://wire.example/story-7"


def test_hostile_titles_and_text_are_escaped_and_sanitised(
    client: httpx.Client, corpus: Corpus
) -> None:
    body = client.get("/feeds/latest.atom").text
    assert "<script" not in body and "<img" not in body
    entry = atom(client, "/feeds/latest.atom").entries[0]
    assert entry.title == XSS_TITLE  # shown as the text it is, never run
    assert "onerror" not in re.sub(r"&lt;img[^&]*&gt;", "", entry.content[0].value)
    assert "<script" not in entry.content[0].value
    item = jsonfeed(client, "/feeds/latest.json")["items"][0]
    assert item["title"] == XSS_TITLE  # plain text in JSON Feed, by the spec
    assert item["content_html"] == (
        "<p>First line &lt;img src=x onerror=alert(1)&gt;</p>"
        "<p>Second &lt;script&gt;alert(2)&lt;/script&gt; line</p>"
    )
    assert "image" not in item  # javascript:alert(4) is not a URL to show
    assert XSS_TEXT.splitlines()[0] not in item["content_html"]


def test_control_characters_are_stripped(store: Store, client: httpx.Client) -> None:
    saved = save(
        store,
        url="https://wire.example/controls",
        source_id=None,
        title="Bell\x07 and\x00 null\x1f title\ufffe",
        text="Text with\x08 a backspace\x0b.\n\nAnd a form feed\x0c here.",
        published_at="2030-01-01T09:00:00Z",
        authors=("Ctrl\x01 Writer",),
    )
    assert isinstance(saved, ArticleSaved)
    entry = atom(client, "/feeds/latest.atom").entries[0]
    assert entry.title == "Bell and null title"
    assert entry.content[0].value == "<p>Text with a backspace.</p><p>And a form feed here.</p>"
    assert entry.author == "Ctrl Writer"
    item = jsonfeed(client, "/feeds/latest.json")["items"][0]
    assert item["title"] == "Bell and null title"
    assert "\x08" not in item["content_html"] and "\x00" not in json.dumps(item)


def test_one_sources_feed_and_an_unknown_source(client: httpx.Client, corpus: Corpus) -> None:
    feed = atom(client, f"/feeds/sources/{corpus.zh_source_id}.atom")
    assert feed.feed.title == "Test Tidings: 中文日报"
    assert article_ids([e.id for e in feed.entries]) == [corpus.chinese_id]
    assert feed.entries[0].content[0].value.startswith("<p>北京时间今天上午")
    wire = jsonfeed(client, f"/feeds/sources/{corpus.wire_id}.json")
    assert corpus.chinese_id not in article_ids([i["id"] for i in wire["items"]])
    assert len(wire["items"]) == len(corpus.newest_first) - 1
    assert wire["home_page_url"] == f"{client.base_url}/sources/{corpus.wire_id}"
    for path in ("/feeds/sources/999.atom", "/feeds/sources/999.json", "/feeds/sources/x.atom"):
        missing = client.get(path)
        assert missing.status_code == 404, path
        assert missing.headers["content-type"].startswith("text/plain")
    assert client.get(f"/feeds/sources/{corpus.wire_id}.rss").status_code == 404


def test_a_topics_feed(client: httpx.Client, corpus: Corpus, analysed: Analysed) -> None:
    feed = atom(client, "/feeds/topics/science.atom")
    expected = [corpus.chinese_id, analysed.representative]  # newest first
    assert article_ids([e.id for e in feed.entries]) == expected
    assert {e.tags[0].term for e in feed.entries} == {"science"}
    items = jsonfeed(client, "/feeds/topics/history.json")["items"]
    assert article_ids([i["id"] for i in items]) == [corpus.english[1]]
    assert items[0]["tags"] == ["history"]
    assert jsonfeed(client, "/feeds/topics/knitting.json")["items"] == []


def test_top_stories_one_entry_per_story_under_honest_headlines(feed_site: FeedSite) -> None:
    before = feed_site.store.count_events("impression")
    with httpx.Client(base_url=feed_site.url) as client:
        feed = atom(client, "/feeds/top.atom")
        items = jsonfeed(client, "/feeds/top.json")["items"]
        # a poll is not a reader seeing the page: nothing is logged for the bandit
        assert feed_site.store.count_events("impression") == before
        assert client.get("/feeds/top.atom").content == client.get("/feeds/top.atom").content
        top = client.get("/api/v1/feed", params={"mode": "top"}).json()["items"]
    assert len(feed.entries) == len(items) == 2  # the quake's three reports are one entry
    assert article_ids([e.id for e in feed.entries]) == [i["article_id"] for i in top]
    assert [i["id"] for i in items] == [e.id for e in feed.entries]
    titles = [e.title for e in feed.entries]
    assert CLICKBAIT_QUAKE[0] not in titles and all(titles)
    assert feed.feed.links[1].href.endswith("/top")


def test_conditional_get_answers_304(store: Store, client: httpx.Client, corpus: Corpus) -> None:
    for path in ("/feeds/latest.atom", "/feeds/latest.json"):
        first = client.get(path)
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        assert etag.startswith('"') and modified.endswith("GMT")
        same = client.get(path, headers={"If-None-Match": etag})
        assert same.status_code == 304 and same.content == b""
        assert same.headers["etag"] == etag
        since = client.get(path, headers={"If-Modified-Since": modified})
        assert since.status_code == 304 and since.content == b""
        stale = client.get(path, headers={"If-None-Match": '"something-else"'})
        assert stale.status_code == 200 and stale.content == first.content
        old = client.get(path, headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})
        assert old.status_code == 200
    # the feed changes: the old ETag no longer matches
    etag = client.get("/feeds/latest.atom").headers["etag"]
    save(
        store,
        url="https://wire.example/new",
        source_id=None,
        title="New",
        text="Fresh text.",
        published_at="2031-01-01T00:00:00Z",
    )
    assert client.get("/feeds/latest.atom", headers={"If-None-Match": etag}).status_code == 200


def test_my_feed_needs_a_login_and_shows_only_my_subscriptions(
    store: Store, client: httpx.Client, corpus: Corpus
) -> None:
    alice = accounts.create_account(store, "alice", PASSWORD)
    store.subscribe(alice.id, corpus.zh_source_id)
    refused = client.get("/feeds/me.atom")
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == 'Basic realm="Tidings"'
    assert client.get("/feeds/me.json", auth=("alice", "wrong password")).status_code == 401
    response = client.get("/feeds/me.atom", auth=("alice", PASSWORD))
    assert response.status_code == 200 and response.headers["cache-control"].startswith("private")
    feed = feedparser.parse(io.BytesIO(response.content))
    assert not feed.bozo
    assert article_ids([e.id for e in feed.entries]) == [corpus.chinese_id]
    items = client.get("/feeds/me.json", auth=("alice", PASSWORD)).json()["items"]
    assert article_ids([i["id"] for i in items]) == [corpus.chinese_id]
    # the web session's cookie is a login too
    session = accounts.open_session(store, alice, kind="web")
    with httpx.Client(base_url=str(client.base_url)) as browser:
        browser.cookies.set(SESSION_COOKIE, session.token)
        items = browser.get("/feeds/me.json").json()["items"]
    assert article_ids([i["id"] for i in items]) == [corpus.chinese_id]


def test_an_instance_with_accounts_refuses_anonymous_feed_readers(
    store: Store, corpus: Corpus
) -> None:
    accounts.create_account(store, "alice", PASSWORD)
    with (
        serve_in_background(store, auth="accounts") as server,
        httpx.Client(base_url=server.url) as client,
    ):
        for path in (
            "/feeds/latest.atom",
            "/feeds/top.json",
            f"/feeds/sources/{corpus.wire_id}.atom",
        ):
            refused = client.get(path)
            assert refused.status_code == 401, path
            assert refused.headers["www-authenticate"] == 'Basic realm="Tidings"'
            assert "<entry" not in refused.text
        feed = client.get("/feeds/latest.atom", auth=("alice", PASSWORD))
        assert feed.status_code == 200
        parsed = feedparser.parse(io.BytesIO(feed.content))
        assert article_ids([e.id for e in parsed.entries]) == corpus.newest_first
        assert client.get("/feeds/latest.atom", auth=("alice", "nope nope")).status_code == 401
