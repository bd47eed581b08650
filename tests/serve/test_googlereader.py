"""The Google Reader API, spoken as reader apps speak it: form-encoded POSTs, query
parameters, ``Authorization: GoogleLogin auth=...`` and the ``T`` token, against a
real server over a real store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.serve.conftest import save, set_crawl_times
from tests.stores import TestStores
from tests.webserver import Reply, TestWeb
from tidings.config import CrawlSettings
from tidings.records import ArticleSaved, SourceKind, SourceSpec
from tidings.serve import serve_in_background
from tidings.serve.accounts import create_account
from tidings.store import Store

API = "/reader/api/0"
READING_LIST = "user/-/state/com.google/reading-list"
STARRED = "user/-/state/com.google/starred"
READ = "user/-/state/com.google/read"
LONG_PREFIX = "tag:google.com,2005:reader/item/"
XSS_TEXT = "Calm first line\n\nHostile <script>alert(1)</script> <img src=x onerror=alert(2)>"
PASSWORD = "correct horse battery"
RSS = (
    "<?xml version='1.0'?><rss version='2.0'><channel><title>Harbour News</title>"
    "<link>{base}/</link><item><title>Pier repairs</title><link>{base}/pier</link>"
    "<guid>{base}/pier</guid></item></channel></rss>"
)


def crawl_time(day: int) -> str:
    return f"2026-01-{day:02d}T10:00:00+00:00"


def epoch(day: int) -> int:
    return int(datetime(2026, 1, day, 10, tzinfo=UTC).timestamp())


@dataclass
class Site:
    store: Store
    url: str
    alpha: int
    beta: int
    #: Alpha's articles, crawled on days 1..5; Beta's on days 6 and 7 (the XSS one).
    alpha_items: list[int]
    beta_items: list[int]
    #: Alice reads Alpha (folder "News") and Beta (titled "Beta!"); Bob only Alpha.
    alice: int
    bob: int


@pytest.fixture
def site(stores: TestStores) -> Iterator[Site]:
    store = stores.open("reader.db")
    alpha, _ = store.add_source(
        SourceSpec("https://alpha.example/feed.xml", SourceKind.FEED, "Alpha Wire")
    )
    beta, _ = store.add_source(SourceSpec("https://beta.example/rss", SourceKind.FEED, "Beta"))
    crawled: dict[int, str] = {}
    alpha_items, beta_items = [], []
    for day in range(1, 8):
        source, text = (
            (alpha, f"Alpha report {day}.\n\nMore on day {day}.")
            if day <= 5
            else (
                beta,
                XSS_TEXT if day == 7 else f"Beta report {day}.",
            )
        )
        saved = save(
            store,
            url=f"https://{'alpha' if day <= 5 else 'beta'}.example/{day}",
            source_id=source.id,
            title=f"Report {day}",
            text=text,
            published_at=f"2025-12-{day:02d}T08:00:00Z",
            authors=("Ada", "Bo") if day == 1 else (),
        )
        assert isinstance(saved, ArticleSaved)
        (alpha_items if day <= 5 else beta_items).append(saved.article_id)
        crawled[saved.article_id] = crawl_time(day)
    set_crawl_times(store, crawled)  # known crawl times for ot/nt/ts
    alice = create_account(store, "alice", PASSWORD)
    bob = create_account(store, "bob", PASSWORD)
    store.subscribe(alice.id, alpha.id, folder="News")
    store.subscribe(alice.id, beta.id, title="Beta!")
    store.subscribe(bob.id, alpha.id)
    crawl = CrawlSettings(host_delay=0.01).allowing("127.0.0.0/8")
    with serve_in_background(store, crawl=crawl) as server:
        yield Site(store, server.url, alpha.id, beta.id, alpha_items, beta_items, alice.id, bob.id)


def form(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Form fields with repeated names, as httpx's ``data=`` takes them."""
    fields: dict[str, list[str]] = {}
    for name, value in pairs:
        fields.setdefault(name, []).append(value)
    return fields


class Reader:
    """A reader app logged in as one account."""

    def __init__(self, base: str, username: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=20.0)
        login = self.http.post(
            "/accounts/ClientLogin", data={"Email": username, "Passwd": PASSWORD}
        )
        assert login.status_code == 200, login.text
        self.auth = login.text.split("Auth=")[1].strip()
        self.http.headers["Authorization"] = f"GoogleLogin auth={self.auth}"
        self.token = self.http.get(f"{API}/token").text

    def get(self, path: str, **params: Any) -> Any:
        answer = self.http.get(API + path, params={"output": "json", **params})
        assert answer.status_code == 200, answer.text
        return answer.json()

    def post(self, path: str, data: dict[str, Any] | list[tuple[str, str]]) -> httpx.Response:
        pairs = list(data.items()) if isinstance(data, dict) else list(data)
        return self.http.post(API + path, data=form([*pairs, ("T", self.token)]))

    def ids(self, **params: Any) -> list[int]:
        return [int(r["id"]) for r in self.get("/stream/items/ids", **params)["itemRefs"]]

    def unread(self) -> dict[str, int]:
        counts = self.get("/unread-count")["unreadcounts"]
        return {c["id"]: c["count"] for c in counts}

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def alice(site: Site) -> Iterator[Reader]:
    reader = Reader(site.url, "alice")
    yield reader
    reader.close()


@pytest.fixture
def bob(site: Site) -> Iterator[Reader]:
    reader = Reader(site.url, "bob")
    yield reader
    reader.close()


# --- logging in and tokens ----------------------------------------------------------


def test_client_login_gives_a_token_and_refuses_wrong_credentials(site: Site) -> None:
    with httpx.Client(base_url=site.url) as http:
        good = http.post("/accounts/ClientLogin", data={"Email": "alice", "Passwd": PASSWORD})
        assert good.status_code == 200
        assert good.headers["content-type"].startswith("text/plain")
        lines = good.text.splitlines()
        token = lines[0].removeprefix("SID=")
        assert lines == [f"SID={token}", "LSID=null", f"Auth={token}"] and len(token) > 20
        header = {"Authorization": f"GoogleLogin auth={token}"}
        info = http.get(f"{API}/user-info", params={"output": "json"}, headers=header).json()
        assert info == {
            "userId": str(site.alice),
            "userName": "alice",
            "userProfileId": str(site.alice),
            "userEmail": "alice",
        }
        # FreshRSS also takes the credentials as query parameters
        by_query = http.get("/accounts/ClientLogin", params={"Email": "bob", "Passwd": PASSWORD})
        assert by_query.status_code == 200 and "Auth=" in by_query.text

        for creds in ({"Email": "alice", "Passwd": "wrong password"}, {"Email": "nobody"}, {}):
            bad = http.post("/accounts/ClientLogin", data=creds)
            assert bad.status_code == 401 and bad.text.strip() == "Error=BadAuthentication"

        for headers in ({}, {"Authorization": "GoogleLogin auth=forged"}, {"Authorization": token}):
            refused = http.get(f"{API}/subscription/list", headers=headers)
            assert refused.status_code == 401 and refused.text == "Unauthorized"
            assert refused.headers["content-type"].startswith("text/plain")


def test_changes_need_the_csrf_token(site: Site, alice: Reader) -> None:
    assert len(alice.token) >= 32
    target = str(site.alpha_items[0])
    for extra in ([], [("T", "not-the-token")]):
        refused = alice.http.post(
            f"{API}/edit-tag", data=form([("i", target), ("a", READ), *extra])
        )
        assert refused.status_code == 401
        assert refused.headers["Google-Bad-Token"] == "true"
        refused = alice.http.post(
            f"{API}/subscription/edit", data={"ac": "unsubscribe", "s": f"feed/{site.beta}"}
        )
        assert refused.status_code == 401
    assert alice.unread()[f"feed/{site.alpha}"] == 5  # nothing changed
    assert len(alice.get("/subscription/list")["subscriptions"]) == 2
    assert alice.post("/edit-tag", {"i": target, "a": READ}).text == "OK"
    assert alice.unread()[f"feed/{site.alpha}"] == 4


# --- subscriptions and folders ------------------------------------------------------


def test_subscription_list(site: Site, alice: Reader) -> None:
    subs = {s["id"]: s for s in alice.get("/subscription/list")["subscriptions"]}
    assert subs[f"feed/{site.alpha}"] == {
        "id": f"feed/{site.alpha}",
        "title": "Alpha Wire",
        "categories": [{"id": "user/-/label/News", "label": "News"}],
        "url": "https://alpha.example/feed.xml",
        "htmlUrl": "https://alpha.example/feed.xml",
        "iconUrl": "",
    }
    assert subs[f"feed/{site.beta}"]["title"] == "Beta!"
    assert subs[f"feed/{site.beta}"]["categories"] == []


def test_quickadd_subscribes_to_a_real_feed(site: Site, alice: Reader) -> None:
    with TestWeb() as web:
        web.route(
            "/feed.xml",
            lambda req: Reply(
                body=RSS.format(base=web.base).encode(), content_type="application/rss+xml"
            ),
        )
        web.page(
            "/",
            f"<html><head><link rel='alternate' type='application/rss+xml' "
            f"href='{web.url('/feed.xml')}'></head><body>Harbour</body></html>",
        )
        web.page("/plain", "<html><body>No feed here.</body></html>")
        added = alice.post("/subscription/quickadd", {"quickadd": web.url("/")}).json()
        assert added["numResults"] == 1 and added["query"] == web.url("/")
        source_id = int(added["streamId"].removeprefix("feed/"))
        source = site.store.get_source(source_id)
        assert source.url == web.url("/feed.xml") and source.kind is SourceKind.FEED
        assert added["streamName"] == web.url("/feed.xml")  # not crawled yet: no title
        listed = {s["id"]: s for s in alice.get("/subscription/list")["subscriptions"]}
        assert listed[added["streamId"]]["url"] == web.url("/feed.xml")

        sources_before = len(site.store.list_sources())
        for url in (web.url("/missing"), web.url("/plain"), "not a url"):
            failed = alice.post("/subscription/quickadd", {"quickadd": url})
            assert failed.status_code == 200
            assert failed.json()["numResults"] == 0 and failed.json()["error"]
        assert len(site.store.list_sources()) == sources_before  # the plain page left no trace

        no_token = alice.http.post(f"{API}/subscription/quickadd", data={"quickadd": web.url("/")})
        assert no_token.status_code == 401


def test_subscription_edit_titles_folders_and_unsubscribes(
    site: Site, alice: Reader, bob: Reader
) -> None:
    def listed() -> dict[str, dict[str, Any]]:
        return {s["id"]: s for s in alice.get("/subscription/list")["subscriptions"]}

    alpha, beta = f"feed/{site.alpha}", f"feed/{site.beta}"
    ok = alice.post("/subscription/edit", {"ac": "edit", "s": beta, "t": "Beta Daily"})
    assert ok.text == "OK"
    assert listed()[beta]["title"] == "Beta Daily"
    alice.post("/subscription/edit", {"ac": "edit", "s": beta, "a": "user/-/label/Later"})
    assert listed()[beta]["categories"] == [{"id": "user/-/label/Later", "label": "Later"}]
    assert listed()[beta]["title"] == "Beta Daily"  # a folder move keeps the title
    # moving: take out of one folder, put in another (as Reeder does)
    alice.post(
        "/subscription/edit",
        {"ac": "edit", "s": alpha, "r": "user/-/label/News", "a": "user/-/label/Later"},
    )
    assert listed()[alpha]["categories"][0]["label"] == "Later"
    alice.post("/subscription/edit", {"ac": "edit", "s": alpha, "r": "user/-/label/Later"})
    assert listed()[alpha]["categories"] == []

    assert alice.post("/subscription/edit", {"ac": "unsubscribe", "s": alpha}).text == "OK"
    assert alpha not in listed()
    assert site.store.get_source(site.alpha).url  # the source stays, and bob keeps it
    assert [s["id"] for s in bob.get("/subscription/list")["subscriptions"]] == [alpha]
    assert not set(alice.ids(s=READING_LIST, n=100)) & set(site.alpha_items)

    alice.post(
        "/subscription/edit",
        {"ac": "subscribe", "s": alpha, "t": "Alpha again", "a": "user/-/label/News"},
    )
    assert listed()[alpha]["title"] == "Alpha again"
    assert listed()[alpha]["categories"][0]["label"] == "News"

    with TestWeb() as web:
        web.route(
            "/rss",
            lambda req: Reply(
                body=RSS.format(base=web.base).encode(), content_type="application/rss+xml"
            ),
        )
        by_url = alice.post(
            "/subscription/edit", {"ac": "subscribe", "s": f"feed/{web.url('/rss')}", "t": "H"}
        )
        assert by_url.text == "OK"
    harbour = next(s for s in listed().values() if s["url"] == web.url("/rss"))
    assert harbour["title"] == "H"
    assert not any(
        s["url"] == web.url("/rss") for s in bob.get("/subscription/list")["subscriptions"]
    )


def test_tags_list_rename_and_disable(site: Site, alice: Reader) -> None:
    alice.post(
        "/subscription/edit", {"ac": "edit", "s": f"feed/{site.beta}", "a": "user/-/label/News"}
    )
    assert alice.get("/tag/list")["tags"] == [
        {"id": STARRED},
        {"id": "user/-/label/News", "type": "folder"},
    ]
    renamed = alice.post("/rename-tag", {"s": "user/-/label/News", "dest": "user/-/label/World"})
    assert renamed.text == "OK"
    assert [t["id"] for t in alice.get("/tag/list")["tags"]] == [STARRED, "user/-/label/World"]
    folders = {s["id"]: s["categories"] for s in alice.get("/subscription/list")["subscriptions"]}
    assert all(c == [{"id": "user/-/label/World", "label": "World"}] for c in folders.values())
    missing = alice.post("/rename-tag", {"s": "user/-/label/Nope", "dest": "user/-/label/X"})
    assert missing.status_code == 404

    assert alice.post("/disable-tag", {"s": "user/-/label/World"}).text == "OK"
    assert alice.get("/tag/list")["tags"] == [{"id": STARRED}]
    subs = alice.get("/subscription/list")["subscriptions"]
    assert len(subs) == 2 and all(s["categories"] == [] for s in subs)


# --- counts, ids and contents ---------------------------------------------------------


def test_unread_counts_follow_reading_state(site: Site, alice: Reader) -> None:
    answer = alice.get("/unread-count")
    counts = {c["id"]: c for c in answer["unreadcounts"]}
    assert answer["max"] == 7
    assert counts[f"feed/{site.alpha}"]["count"] == 5
    assert counts[f"feed/{site.beta}"]["count"] == 2
    assert counts["user/-/label/News"]["count"] == 5
    assert counts[READING_LIST]["count"] == 7
    newest = counts[f"feed/{site.alpha}"]["newestItemTimestampUsec"]
    assert newest == str(epoch(5) * 1_000_000)
    assert counts[READING_LIST]["newestItemTimestampUsec"] == str(epoch(7) * 1_000_000)

    alice.post(
        "/edit-tag", [("i", str(site.alpha_items[0])), ("i", str(site.beta_items[0])), ("a", READ)]
    )
    assert alice.unread() == {
        f"feed/{site.alpha}": 4,
        f"feed/{site.beta}": 1,
        "user/-/label/News": 4,
        READING_LIST: 5,
    }
    alice.post("/edit-tag", {"i": str(site.alpha_items[0]), "r": READ})
    assert alice.unread()[f"feed/{site.alpha}"] == 5


def test_item_ids_filter_order_and_page(site: Site, alice: Reader) -> None:
    everything = site.alpha_items + site.beta_items
    refs = alice.get("/stream/items/ids", s=READING_LIST, n=100)
    assert "continuation" not in refs
    assert [int(r["id"]) for r in refs["itemRefs"]] == everything[::-1]  # newest crawled first
    first = refs["itemRefs"][-1]
    assert first == {
        "id": str(site.alpha_items[0]),
        "directStreamIds": [],
        "timestampUsec": str(epoch(1) * 1_000_000),
    }
    assert alice.ids(s=READING_LIST, n=100, r="o") == everything

    for order, expected in (("d", everything[::-1]), ("o", everything)):
        pages, continuation = [], None
        while True:
            params = {"s": READING_LIST, "n": 3, "r": order}
            answer = alice.get(
                "/stream/items/ids", **params, **({"c": continuation} if continuation else {})
            )
            pages.append([int(r["id"]) for r in answer["itemRefs"]])
            continuation = answer.get("continuation")
            if not continuation:
                break
        assert [len(p) for p in pages] == [3, 3, 1]
        assert [i for page in pages for i in page] == expected

    # ot: crawled after it; nt: crawled before it
    assert alice.ids(s=READING_LIST, ot=epoch(3), r="o") == everything[3:]
    assert alice.ids(s=READING_LIST, nt=epoch(3), r="o") == everything[:2]
    assert alice.ids(s=f"feed/{site.alpha}", n=100) == site.alpha_items[::-1]
    assert alice.ids(s="user/-/label/News", n=100) == site.alpha_items[::-1]
    assert alice.ids(s=f"user/{site.alice}/label/News", n=100) == site.alpha_items[::-1]

    alice.post(
        "/edit-tag", [("i", str(site.alpha_items[1])), ("i", str(site.beta_items[1])), ("a", READ)]
    )
    alice.post(
        "/edit-tag",
        [("i", str(site.alpha_items[4])), ("i", str(site.beta_items[0])), ("a", STARRED)],
    )
    unread = alice.ids(s=READING_LIST, xt=READ, n=100)
    assert set(unread) == set(everything) - {site.alpha_items[1], site.beta_items[1]}
    assert set(alice.ids(s=READING_LIST, it=READ)) == {site.alpha_items[1], site.beta_items[1]}
    assert set(alice.ids(s=READ)) == {site.alpha_items[1], site.beta_items[1]}
    assert set(alice.ids(s=STARRED)) == {site.alpha_items[4], site.beta_items[0]}
    assert alice.ids(s=f"feed/{site.alpha}", it=STARRED) == [site.alpha_items[4]]
    assert alice.ids(s=READING_LIST, it=STARRED, xt=READ) == [
        site.beta_items[0],
        site.alpha_items[4],
    ]


def _item(reader: Reader, article_id: int) -> dict[str, Any]:
    answer = reader.http.post(f"{API}/stream/items/contents", data={"i": str(article_id)})
    assert answer.status_code == 200
    items: list[dict[str, Any]] = answer.json()["items"]
    return items[0]


def test_items_contents_take_both_id_forms(site: Site, alice: Reader) -> None:
    first, second = site.alpha_items[0], site.beta_items[0]
    answer = alice.http.post(
        f"{API}/stream/items/contents",
        data={"i": [str(first), f"{LONG_PREFIX}{second:016x}"], "output": "json"},
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["id"] == READING_LIST and isinstance(body["updated"], int)
    assert [i["id"] for i in body["items"]] == [
        f"{LONG_PREFIX}{first:016x}",
        f"{LONG_PREFIX}{second:016x}",
    ]
    item = body["items"][0]
    assert item == {
        "id": f"{LONG_PREFIX}{first:016x}",
        "crawlTimeMsec": str(epoch(1) * 1000),
        "timestampUsec": str(epoch(1) * 1_000_000),
        "published": int(datetime(2025, 12, 1, 8, tzinfo=UTC).timestamp()),
        "updated": int(datetime(2025, 12, 1, 8, tzinfo=UTC).timestamp()),
        "title": "Report 1",
        "canonical": [{"href": "https://alpha.example/1"}],
        "alternate": [{"href": "https://alpha.example/1", "type": "text/html"}],
        "summary": {"direction": "ltr", "content": "<p>Alpha report 1.</p><p>More on day 1.</p>"},
        "author": "Ada, Bo",
        "origin": {
            "streamId": f"feed/{site.alpha}",
            "title": "Alpha Wire",
            "htmlUrl": "https://alpha.example/feed.xml",
        },
        "categories": [READING_LIST, "user/-/label/News"],
    }
    assert body["items"][1]["origin"]["title"] == "Beta!"
    by_get = alice.http.get(f"{API}/stream/items/contents", params={"i": str(second)}).json()
    assert [i["id"] for i in by_get["items"]] == [f"{LONG_PREFIX}{second:016x}"]


def test_stream_contents_for_feed_folder_reading_list_and_starred(
    site: Site, alice: Reader
) -> None:
    def ids(stream: str, **params: Any) -> list[int]:
        answer = alice.http.get(f"{API}/stream/contents/{stream}", params=params)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        return [int(i["id"].removeprefix(LONG_PREFIX), 16) for i in body["items"]]

    assert ids(f"feed/{site.beta}") == site.beta_items[::-1]
    assert ids(quote(f"feed/{site.beta}", safe="")) == site.beta_items[::-1]
    assert ids(quote("user/-/label/News", safe="")) == site.alpha_items[::-1]
    assert ids(READING_LIST, n=100) == (site.alpha_items + site.beta_items)[::-1]
    assert ids(STARRED) == []
    alice.post("/edit-tag", {"i": str(site.alpha_items[2]), "a": STARRED})
    assert ids(STARRED) == [site.alpha_items[2]]
    assert ids(f"feed/{site.alpha}", it=STARRED) == [site.alpha_items[2]]

    page = alice.http.get(f"{API}/stream/contents/{READING_LIST}", params={"n": 4}).json()
    assert page["id"] == READING_LIST and len(page["items"]) == 4
    rest = alice.http.get(
        f"{API}/stream/contents", params={"s": READING_LIST, "c": page["continuation"]}
    ).json()
    assert len(rest["items"]) == 3 and "continuation" not in rest
    seen = {i["id"] for i in page["items"]} | {i["id"] for i in rest["items"]}
    assert len(seen) == 7


def test_edit_tag_marks_read_unread_star_unstar(site: Site, alice: Reader) -> None:
    target = site.beta_items[0]
    long_id = f"{LONG_PREFIX}{target:016x}"
    assert _item(alice, target)["categories"] == [READING_LIST]
    assert alice.post("/edit-tag", {"i": long_id, "a": READ}).text == "OK"
    assert alice.post("/edit-tag", {"i": str(target), "a": STARRED}).text == "OK"
    assert _item(alice, target)["categories"] == [READING_LIST, READ, STARRED]
    assert alice.unread()[f"feed/{site.beta}"] == 1
    alice.post("/edit-tag", {"i": str(target), "r": READ})
    assert _item(alice, target)["categories"] == [READING_LIST, STARRED]
    alice.post("/edit-tag", {"i": str(target), "r": STARRED})
    assert _item(alice, target)["categories"] == [READING_LIST]
    assert alice.unread()[f"feed/{site.beta}"] == 2


def test_mark_all_as_read_up_to_a_time(site: Site, alice: Reader) -> None:
    answer = alice.post(
        "/mark-all-as-read", {"s": f"feed/{site.alpha}", "ts": str(epoch(3) * 1_000_000)}
    )
    assert answer.text == "OK"
    assert set(alice.ids(s=READ)) == set(site.alpha_items[:3])  # days 1-3, not 4 and 5
    assert alice.unread()[f"feed/{site.alpha}"] == 2
    assert alice.unread()[f"feed/{site.beta}"] == 2
    alice.post("/mark-all-as-read", {"s": READING_LIST})
    assert alice.get("/unread-count")["max"] == 0


def test_accounts_do_not_see_or_change_each_others_state(
    site: Site, alice: Reader, bob: Reader
) -> None:
    shared = site.alpha_items[0]
    alice.post("/edit-tag", [("i", str(shared)), ("a", READ), ("a", STARRED)])
    assert bob.unread()[f"feed/{site.alpha}"] == 5
    assert bob.ids(s=STARRED) == [] and bob.ids(s=READ) == []
    assert _item(bob, shared)["categories"] == [READING_LIST]

    # bob does not read Beta: he can neither fetch nor star its articles
    hidden = site.beta_items[0]
    fetched = bob.http.post(f"{API}/stream/items/contents", data={"i": str(hidden)}).json()
    assert fetched["items"] == []
    assert bob.post("/edit-tag", {"i": str(hidden), "a": STARRED}).text == "OK"
    assert bob.ids(s=STARRED) == []
    bob.post("/mark-all-as-read", {"s": READING_LIST})
    assert alice.unread()[f"feed/{site.alpha}"] == 4
    assert alice.unread()[f"feed/{site.beta}"] == 2
    assert bob.get("/unread-count")["max"] == 0
    assert (
        bob.post("/rename-tag", {"s": "user/-/label/News", "dest": "user/-/label/X"}).status_code
        == 404
    )
    assert [t["id"] for t in alice.get("/tag/list")["tags"]] == [STARRED, "user/-/label/News"]


def test_article_markup_comes_out_escaped(site: Site, alice: Reader) -> None:
    content = _item(alice, site.beta_items[1])["summary"]["content"]
    assert "<script>" not in content and "<img" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert content.startswith("<p>Calm first line</p><p>Hostile ")


def test_bad_input_gets_a_clear_4xx(site: Site, alice: Reader) -> None:
    gets = [
        ("/stream/items/ids", {"s": "user/-/state/com.google/broadcast"}),
        ("/stream/items/ids", {"s": "feed/abc"}),
        ("/stream/items/ids", {"s": "user/99999/label/News"}),
        ("/stream/items/ids", {}),
        ("/stream/items/ids", {"s": READING_LIST, "n": "many"}),
        ("/stream/items/ids", {"s": READING_LIST, "n": "0"}),
        ("/stream/items/ids", {"s": READING_LIST, "c": "garbage!"}),
        ("/stream/items/ids", {"s": READING_LIST, "c": "9" * 40}),
        ("/stream/items/ids", {"s": READING_LIST, "ot": "9" * 19}),
        ("/stream/items/ids", {"s": READING_LIST, "xt": STARRED}),
        ("/stream/items/ids", {"s": READING_LIST, "it": "user/-/label/News"}),
        ("/stream/items/ids", {"s": READING_LIST, "r": "sideways"}),
        ("/stream/items/contents", {"i": "abc"}),
        ("/stream/items/contents", {"i": "-5"}),
        ("/stream/items/contents", {"i": LONG_PREFIX + "zz"}),
        ("/stream/items/contents", {}),
        ("/stream/contents/feed%2Fnot-a-number", {}),
        ("/stream/contents/user/-/state/com.google/like", {}),
        ("/stream/contents", {}),
        ("/subscription/list", {"output": "atom"}),
    ]
    for path, params in gets:
        answer = alice.http.get(API + path, params=params)
        assert answer.status_code == 400, (path, params, answer.status_code, answer.text)
        assert answer.text
    posts: list[tuple[str, dict[str, str]]] = [
        ("/edit-tag", {"i": "1", "a": "user/-/label/Fun"}),
        ("/edit-tag", {"i": "1", "a": "user/-/state/com.google/like"}),
        ("/edit-tag", {"i": "1", "a": READ, "r": READ}),
        ("/edit-tag", {"i": "x1", "a": READ}),
        ("/edit-tag", {"a": READ}),
        ("/edit-tag", {"i": "1"}),
        ("/mark-all-as-read", {"s": "nonsense"}),
        ("/mark-all-as-read", {"s": READING_LIST, "ts": "yesterday"}),
        ("/mark-all-as-read", {"s": READING_LIST, "ts": "9" * 20}),
        ("/subscription/edit", {"ac": "explode", "s": f"feed/{site.alpha}"}),
        ("/subscription/edit", {"ac": "edit"}),
        ("/subscription/edit", {"ac": "edit", "s": "user/-/label/News"}),
        ("/subscription/edit", {"ac": "edit", "s": f"feed/{site.alpha}", "a": "News"}),
        ("/subscription/edit", {"ac": "subscribe", "s": "feed/ftp://x"}),
        ("/subscription/edit", {"ac": "subscribe", "s": "feed/http://127.0.0.1:1/nothing"}),
        ("/rename-tag", {"s": "user/-/label/News", "dest": ""}),
        ("/disable-tag", {"s": "News"}),
    ]
    for path, data in posts:
        answer = alice.post(path, data)
        assert answer.status_code == 400, (path, data, answer.status_code, answer.text)
    missing = [
        ("/subscription/edit", {"ac": "subscribe", "s": "feed/987654"}),
        ("/subscription/edit", {"ac": "edit", "s": "feed/987654", "t": "x"}),
    ]
    for path, data in missing:
        assert alice.post(path, data).status_code == 404
    # nothing of that changed the account
    assert alice.get("/unread-count")["max"] == 7
    assert len(alice.get("/subscription/list")["subscriptions"]) == 2
