"""The Fever API against a real server and a real store, spoken as clients do:
verbs in the query string, the key in a form-encoded POST body."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.serve.conftest import XSS_TEXT, save, set_crawl_times
from tests.stores import TestStores
from tidings.records import SourceKind, SourceSpec
from tidings.serve import serve_in_background
from tidings.serve.accounts import create_account
from tidings.store import Store
from tidings.timestamps import parse_timestamp

PASSWORD = "correct horse battery"
EARLY = "2026-11-20T08:00:00+00:00"
LATE = "2026-11-22T08:00:00+00:00"


def unix(timestamp: str | None) -> int:
    parsed = parse_timestamp(timestamp)
    assert parsed is not None
    return int(parsed.timestamp())


#: Between EARLY and LATE, as Unix seconds.
MIDDLE = unix("2026-11-21T08:00:00+00:00")
YEAR_2100 = 4102444800


def fever_key(username: str) -> str:
    return hashlib.md5(f"{username}:{PASSWORD}".encode()).hexdigest()


@dataclass
class Site:
    store: Store
    http: httpx.Client
    alice: str  # alice's Fever key
    bob: str
    alice_id: int
    news: int  # alice: folder "News", titled "My News"
    tech: int  # alice: folder "Tech"
    loose: int  # alice: no folder
    bobs: int  # bob only
    #: Article ids per source, oldest first.
    items: dict[int, list[int]] = field(default_factory=dict)

    def call(self, query: str, key: str | None = None, **form: Any) -> dict[str, Any]:
        """POST ``/fever/?api&<query>`` with ``api_key`` (alice's unless given) in the body."""
        data = {"api_key": self.alice if key is None else key, **form}
        reply = self.http.post(f"/fever/?api&{query}" if query else "/fever/?api", data=data)
        assert reply.status_code == 200, reply.text
        body: dict[str, Any] = reply.json()
        return body

    def ids(self, query: str, key: str | None = None) -> list[int]:
        """The item ids an ``items`` call answers, in its order."""
        return [item["id"] for item in self.call(f"items&{query}", key)["items"]]


def id_set(text: str) -> set[int]:
    return {int(i) for i in text.split(",")} if text else set()


def set_crawl_time(store: Store, article_ids: list[int], at: str) -> None:
    """Pretend the articles were crawled at ``at`` (the crawler stamps "now")."""
    set_crawl_times(store, dict.fromkeys(article_ids, at))


def add_items(store: Store, source_id: int, name: str, count: int) -> list[int]:
    ids = []
    for n in range(count):
        saved = save(
            store,
            url=f"https://{name}.example/{n}",
            source_id=source_id,
            title=f"{name} {n}",
            text=f"{name} story {n}, told once.\n\nIts second paragraph.",
            published_at=f"2026-11-0{1 + n % 9}T10:00:00+00:00",
            authors=("Ada", "Bo"),
        )
        ids.append(saved.article_id)
    return ids


@pytest.fixture
def site(stores: TestStores) -> Iterator[Site]:
    store = stores.open("fever.db")
    alice = create_account(store, "alice", PASSWORD)
    bob = create_account(store, "bob", PASSWORD)
    sources = {}
    for name in ("news", "tech", "loose", "bobs"):
        source, _ = store.add_source(
            SourceSpec(f"https://{name}.example/feed.xml", SourceKind.FEED, f"{name} feed")
        )
        sources[name] = source.id
    store.subscribe(alice.id, sources["news"], title="My News", folder="News")
    store.subscribe(alice.id, sources["tech"], folder="Tech")
    store.subscribe(alice.id, sources["loose"])
    store.subscribe(bob.id, sources["bobs"], folder="News")
    items = {
        sources["news"]: add_items(store, sources["news"], "news", 4),
        sources["tech"]: add_items(store, sources["tech"], "tech", 3),
        sources["loose"]: add_items(store, sources["loose"], "loose", 2),
        sources["bobs"]: add_items(store, sources["bobs"], "bobs", 2),
    }
    with (
        serve_in_background(store, "127.0.0.1", 0) as server,
        httpx.Client(base_url=server.url, timeout=10.0) as http,
    ):
        yield Site(
            store,
            http,
            fever_key("alice"),
            fever_key("bob"),
            alice.id,
            sources["news"],
            sources["tech"],
            sources["loose"],
            sources["bobs"],
            items,
        )


def test_wrong_or_missing_key_gets_auth_0_and_nothing_else(site: Site) -> None:
    wrong = hashlib.md5(b"alice:wrong password").hexdigest()
    first = site.items[site.news][0]
    for key in (wrong, "", "not-hex", wrong.upper()):
        body = site.call("items&groups&feeds&unread_item_ids", key, mark="item", **{"as": "read"})
        assert body == {"api_version": 3, "auth": 0}
        body = site.call("mark", key, mark="item", id=str(first), **{"as": "read"})
        assert body == {"api_version": 3, "auth": 0}
    bare = site.http.get("/fever/?api&items")
    assert bare.status_code == 200
    assert bare.json() == {"api_version": 3, "auth": 0}
    # the marks sent with a wrong key changed nothing
    assert first in id_set(site.call("unread_item_ids")["unread_item_ids"])


def test_right_key_authenticates_with_last_refreshed_time(site: Site) -> None:
    assert site.call("") == {"api_version": 3, "auth": 1, "last_refreshed_on_time": 0}
    site.store.update_source(site.tech, status="HTTP 200", ok=True)
    fetched = site.store.get_source(site.tech).last_fetched_at
    expected = unix(fetched)
    body = site.call("")
    assert body == {"api_version": 3, "auth": 1, "last_refreshed_on_time": expected}
    # bob does not subscribe to tech: his sources were never fetched
    assert site.call("", site.bob)["last_refreshed_on_time"] == 0
    # the key also works in the query string, by GET, and at /fever without the slash
    for path in ("/fever/", "/fever"):
        reply = site.http.get(f"{path}?api&api_key={site.alice}")
        assert reply.status_code == 200
        assert reply.json()["auth"] == 1


def test_groups_and_feeds_come_from_the_subscriptions(site: Site) -> None:
    body = site.call("groups&feeds")
    news_id = zlib.crc32(b"News") & 0x7FFFFFFF
    tech_id = zlib.crc32(b"Tech") & 0x7FFFFFFF
    assert body["groups"] == [{"id": news_id, "title": "News"}, {"id": tech_id, "title": "Tech"}]
    assert sorted(body["feeds_groups"], key=lambda g: g["group_id"]) == sorted(
        [
            {"group_id": news_id, "feed_ids": str(site.news)},
            {"group_id": tech_id, "feed_ids": str(site.tech)},
        ],
        key=lambda g: g["group_id"],
    )
    feeds = {feed["id"]: feed for feed in body["feeds"]}
    assert set(feeds) == {site.news, site.tech, site.loose}
    assert feeds[site.news] == {
        "id": site.news,
        "favicon_id": site.news,
        "title": "My News",
        "url": "https://news.example/feed.xml",
        "site_url": "https://news.example/feed.xml",
        "is_spark": 0,
        "last_updated_on_time": 0,
    }
    assert feeds[site.tech]["title"] == "tech feed"
    # stable across calls; moving a feed into a folder moves it in feeds_groups
    site.store.subscribe(site.alice_id, site.loose, folder="Tech")
    again = site.call("groups")
    assert [g["id"] for g in again["groups"]] == [news_id, tech_id]
    assert "feeds" not in again
    tech_group = next(g for g in again["feeds_groups"] if g["group_id"] == tech_id)
    assert id_set(tech_group["feed_ids"]) == {site.tech, site.loose}
    # bob's folder "News" has the same id but holds only his feed
    bobs = site.call("groups", site.bob)
    assert bobs["feeds_groups"] == [{"group_id": news_id, "feed_ids": str(site.bobs)}]


def test_items_page_by_since_id_max_id_and_with_ids(site: Site) -> None:
    more = add_items(site.store, site.loose, "bulk", 60)
    visible = sorted(
        [*site.items[site.news], *site.items[site.tech], *site.items[site.loose], *more]
    )
    assert site.call("items")["total_items"] == len(visible) == 69
    # since_id: ascending, 50 at a time, until the answer is empty
    assert site.ids("since_id=0") == visible[:50]
    assert site.ids(f"since_id={visible[49]}") == visible[50:]
    assert site.ids(f"since_id={visible[-1]}") == []
    # max_id: descending below it; 0 means the newest
    assert site.ids("max_id=0") == visible[::-1][:50]
    assert site.ids(f"max_id={visible[19]}") == visible[:19][::-1]
    # no paging parameter: the 50 newest
    assert site.ids("") == visible[::-1][:50]
    # with_ids: exactly those the account sees, at most 50
    bobs_item = site.items[site.bobs][0]
    assert site.ids(f"with_ids={visible[3]},{bobs_item},{visible[0]}") == [visible[0], visible[3]]
    capped = site.ids("with_ids=" + ",".join(str(i) for i in visible[:60]))
    assert capped == visible[:50]
    assert site.ids("with_ids=") == []


def test_items_carry_fever_fields_and_escaped_html(site: Site) -> None:
    hostile = save(
        site.store,
        url="https://tech.example/hostile",
        source_id=site.tech,
        title="Hostile",
        text=XSS_TEXT,
        published_at=None,
        authors=("Eve", "Mallory"),
    ).article_id
    set_crawl_time(site.store, [hostile], LATE)
    first = site.items[site.news][0]
    site.call("mark", mark="item", id=str(first), **{"as": "saved"})
    items = {i["id"]: i for i in site.call(f"items&with_ids={first},{hostile}")["items"]}
    item = items[hostile]
    assert "<script" not in item["html"] and "<img" not in item["html"]
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in item["html"]
    assert item["html"].startswith("<p>First line &lt;img")
    assert item == {
        "id": hostile,
        "feed_id": site.tech,
        "title": "Hostile",
        "author": "Eve, Mallory",
        "html": item["html"],
        "url": "https://tech.example/hostile",
        "is_saved": 0,
        "is_read": 0,
        # no publication time: the crawl time
        "created_on_time": unix(LATE),
    }
    assert items[first]["created_on_time"] == unix("2026-11-01T10:00:00+00:00")
    assert (items[first]["is_saved"], items[first]["is_read"]) == (1, 0)


def test_marking_items_changes_unread_and_saved_ids(site: Site) -> None:
    item = site.items[site.tech][1]
    unread = id_set(site.call("unread_item_ids")["unread_item_ids"])
    assert item in unread and len(unread) == 9
    assert site.call("saved_item_ids")["saved_item_ids"] == ""

    body = site.call("", mark="item", id=str(item), **{"as": "read"})
    assert body["auth"] == 1
    assert id_set(body["unread_item_ids"]) == unread - {item}
    assert id_set(site.call("unread_item_ids")["unread_item_ids"]) == unread - {item}
    assert site.call(f"items&with_ids={item}")["items"][0]["is_read"] == 1

    body = site.call("", mark="item", id=str(item), **{"as": "unread"})
    assert id_set(body["unread_item_ids"]) == unread

    body = site.call("", mark="item", id=str(item), **{"as": "saved"})
    assert body["saved_item_ids"] == str(item)
    assert site.call("saved_item_ids")["saved_item_ids"] == str(item)
    body = site.call("", mark="item", id=str(item), **{"as": "unsaved"})
    assert body["saved_item_ids"] == ""

    # a starred item stays visible after its feed is unsubscribed
    site.call("", mark="item", id=str(item), **{"as": "saved"})
    site.store.unsubscribe(site.alice_id, site.tech)
    assert site.ids(f"with_ids={item}") == [item]
    assert site.call("items")["total_items"] == 4 + 2 + 1


def test_mark_feed_read_honours_before(site: Site) -> None:
    old, new = site.items[site.news][:2], site.items[site.news][2:]
    set_crawl_time(site.store, old, EARLY)
    set_crawl_time(site.store, new, LATE)
    body = site.call("", mark="feed", id=str(site.news), before=str(MIDDLE), **{"as": "read"})
    unread = id_set(body["unread_item_ids"])
    assert not unread & set(old)
    assert set(new) <= unread
    # other feeds are untouched
    assert set(site.items[site.tech]) <= unread
    # a feed alice does not subscribe to marks nothing, not even for bob
    site.call("", mark="feed", id=str(site.bobs), before=str(YEAR_2100), **{"as": "read"})
    assert id_set(site.call("unread_item_ids", site.bob)["unread_item_ids"]) == set(
        site.items[site.bobs]
    )


def test_mark_group_and_kindling_read_honour_before(site: Site) -> None:
    set_crawl_time(site.store, [site.items[site.tech][0], site.items[site.loose][0]], EARLY)
    set_crawl_time(site.store, site.items[site.tech][1:] + site.items[site.loose][1:], LATE)
    set_crawl_time(site.store, site.items[site.news], LATE)
    tech_group = zlib.crc32(b"Tech") & 0x7FFFFFFF
    body = site.call("", mark="group", id=str(tech_group), before=str(MIDDLE), **{"as": "read"})
    unread = id_set(body["unread_item_ids"])
    assert site.items[site.tech][0] not in unread
    assert set(site.items[site.tech][1:]) | {site.items[site.loose][0]} <= unread
    # group 0 is every subscription (Kindling), still up to `before`
    body = site.call("", mark="group", id="0", before=str(MIDDLE), **{"as": "read"})
    unread = id_set(body["unread_item_ids"])
    assert site.items[site.loose][0] not in unread
    assert unread == set(
        site.items[site.news] + site.items[site.tech][1:] + site.items[site.loose][1:]
    )
    # an unknown group and Sparks (-1) mark nothing
    for group in ("12345", "-1"):
        body = site.call("", mark="group", id=group, before=str(YEAR_2100), **{"as": "read"})
        assert id_set(body["unread_item_ids"]) == unread
    body = site.call("", mark="group", id="0", before=str(YEAR_2100), **{"as": "read"})
    assert body["unread_item_ids"] == ""
    # bob's items were not touched
    assert len(id_set(site.call("unread_item_ids", site.bob)["unread_item_ids"])) == 2


def test_accounts_neither_see_nor_change_each_others_items(site: Site) -> None:
    alices = site.items[site.news][0]
    assert site.ids(f"with_ids={alices}", site.bob) == []
    assert set(site.ids("since_id=0", site.bob)) == set(site.items[site.bobs])
    assert site.call("items", site.bob)["total_items"] == 2
    for state in ("read", "saved"):
        body = site.call("", site.bob, mark="item", id=str(alices), **{"as": state})
        answered = body.get("unread_item_ids") or body.get("saved_item_ids") or ""
        assert alices not in id_set(answered)
    # bob starring it did not make it his, nor change it for alice
    assert site.ids(f"with_ids={alices}", site.bob) == []
    assert site.call("saved_item_ids", site.bob)["saved_item_ids"] == ""
    item = site.call(f"items&with_ids={alices}")["items"][0]
    assert (item["is_read"], item["is_saved"]) == (0, 0)
    assert site.call("feeds", site.bob)["feeds"][0]["id"] == site.bobs


def test_a_story_in_two_subscribed_feeds_appears_once(site: Site) -> None:
    text = "The same wire story.\n\nSyndicated word for word by two outlets."
    original = save(
        site.store,
        url="https://news.example/wire",
        source_id=site.news,
        title="Wire story",
        text=text,
        published_at="2026-11-02T10:00:00+00:00",
    ).article_id
    copy = save(
        site.store,
        url="https://tech.example/wire",
        source_id=site.tech,
        title="Wire story",
        text=text,
        published_at="2026-11-03T10:00:00+00:00",
    ).article_id
    assert copy != original
    ids = site.ids("since_id=0")
    assert original in ids and copy not in ids
    assert site.call("items")["total_items"] == 10
    assert copy not in id_set(site.call("unread_item_ids")["unread_item_ids"])


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("items&since_id=abc", {}),
        ("items&since_id=-1", {}),
        ("items&max_id=1.5", {}),
        ("items&with_ids=1,two,3", {}),
        ("items&with_ids=0", {}),
        ("items&since_id=99999999999999999999999", {}),
        ("", {"mark": "item", "as": "starred", "id": "1"}),
        ("", {"mark": "item", "as": "read"}),
        ("", {"mark": "item", "as": "read", "id": "1_000"}),
        ("", {"mark": "story", "as": "read", "id": "1"}),
        ("", {"mark": "feed", "as": "unread", "id": "1", "before": "0"}),
        ("", {"mark": "feed", "as": "read", "id": "1"}),
        ("", {"mark": "feed", "as": "read", "id": "1", "before": "yesterday"}),
        ("", {"mark": "group", "as": "read", "id": "0", "before": "999999999999999999"}),
        ("", {"mark": "group", "as": "read", "id": "-2", "before": "0"}),
    ],
)
def test_garbage_parameters_get_400_not_500(site: Site, query: str, form: dict[str, str]) -> None:
    unread = site.call("unread_item_ids")["unread_item_ids"]
    reply = site.http.post(f"/fever/?api&{query}", data={"api_key": site.alice, **form})
    assert reply.status_code == 400, reply.text
    assert isinstance(reply.json()["detail"], str)
    assert site.call("unread_item_ids")["unread_item_ids"] == unread


def test_a_call_without_api_in_the_query_is_400(site: Site) -> None:
    for reply in (
        site.http.post("/fever/", data={"api_key": site.alice}),
        site.http.post("/fever/?items", data={"api_key": site.alice, "api": ""}),
        site.http.get("/fever"),
    ):
        assert reply.status_code == 400
        assert "api" in reply.json()["detail"]


def test_favicons_and_links_shapes(site: Site) -> None:
    body = site.call("favicons&links")
    assert body["links"] == []
    assert {f["id"] for f in body["favicons"]} == {site.news, site.tech, site.loose}
    for favicon in body["favicons"]:
        assert favicon["data"].startswith("image/gif;base64,R0lGOD")
    # a favicon for every feed's favicon_id
    feeds = site.call("feeds")["feeds"]
    assert {f["favicon_id"] for f in feeds} == {f["id"] for f in body["favicons"]}
