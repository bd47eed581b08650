"""The settings page, read marks and the reader's own data, against a real server."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.serve.conftest import Corpus
from tests.serve.test_feed_web import form_token
from tests.serve.test_login import PASSWORD, log_in
from tests.webserver import TestWeb, article_html
from tidings.config import CrawlSettings
from tidings.records import Account
from tidings.serve import RunningServer, accounts, serve_in_background
from tidings.store import Store
from tidings.store.base import ItemFilter, NewEvent

RSS = (
    "<?xml version='1.0'?><rss version='2.0'><channel><title>Town Crier</title>"
    "<link>http://example.org/</link></channel></rss>"
)
OPML = b"""<?xml version="1.0"?><opml version="2.0"><body>
<outline text="Sport"><outline type="rss" text="Scores" xmlUrl="https://scores.example/rss"/></outline>
</body></opml>"""


@dataclass
class Site:
    url: str
    store: Store
    web: TestWeb


@pytest.fixture
def feed_web() -> Iterator[TestWeb]:
    with TestWeb() as web:
        web.page(
            "/",
            "<html><head><link rel='alternate' type='application/rss+xml' href='/rss.xml'>"
            "</head><body>Home</body></html>",
        )
        web.page("/rss.xml", RSS, content_type="application/rss+xml")
        yield web


def start(store: Store, auth: str) -> RunningServer:
    return serve_in_background(store, auth=auth, crawl=CrawlSettings().allowing("127.0.0.0/8"))


def test_a_personal_instance_manages_its_sources(
    store: Store, corpus: Corpus, feed_web: TestWeb
) -> None:
    with start(store, "none") as server, httpx.Client(base_url=server.url) as client:
        page = client.get("/settings")
        assert page.status_code == 200 and "Every source of this instance" in page.text
        csrf = form_token(page.text)
        assert client.post("/settings/sources", data={"url": feed_web.url("/")}).status_code == 400
        added = client.post("/settings/sources", data={"url": feed_web.url("/"), "csrf": csrf})
        assert (
            added.status_code == 303
            and "Added" in httpx.URL(added.headers["location"]).params["done"]
        )
        source = next(s for s in store.list_sources() if s.url == feed_web.url("/rss.xml"))
        assert feed_web.url("/rss.xml") in client.get("/settings").text
        # a URL the crawler may not fetch is refused with the reason, nothing added
        before = len(store.list_sources())
        blocked = client.post("/settings/sources", data={"url": "http://10.1.2.3/", "csrf": csrf})
        assert blocked.status_code == 400 and len(store.list_sources()) == before
        imported = client.post(
            "/settings/opml", data={"csrf": csrf}, files={"file": ("f.opml", OPML, "text/xml")}
        )
        assert imported.status_code == 303
        assert any(s.url == "https://scores.example/rss" for s in store.list_sources())
        exported = client.get("/settings/opml")
        assert "attachment" in exported.headers["content-disposition"]
        assert "scores.example/rss" in exported.text and "<opml" in exported.text
        bad = client.post(
            "/settings/opml", data={"csrf": csrf}, files={"file": ("f.opml", b"<html>", "text/xml")}
        )
        assert bad.status_code == 400
        removed = client.post(f"/settings/sources/{source.id}/remove", data={"csrf": csrf})
        assert removed.status_code == 303
        assert all(s.id != source.id for s in store.list_sources())


def test_a_reader_downloads_and_erases_their_history(store: Store, corpus: Corpus) -> None:
    with start(store, "none") as server, httpx.Client(base_url=server.url) as client:
        csrf = form_token(client.get("/settings").text)
        reader = client.cookies["tidings_reader"]
        store.record_events([NewEvent("click", article_id=corpus.english[0], reader=reader)])
        store.record_events([NewEvent("click", article_id=corpus.english[0], reader="someone")])
        store.set_control(reader, "topic", "Sports", "mute")
        mine = json.loads(client.get("/settings/export").text)
        assert [e["kind"] for e in mine["events"]] == ["click"]
        assert mine["controls"][0]["value"] == "Sports"
        assert client.post("/settings/erase", data={"csrf": csrf}).status_code == 400  # unconfirmed
        erased = client.post("/settings/erase", data={"csrf": csrf, "confirm": "yes"})
        assert erased.status_code == 303
        assert 'tidings_reader=""' in erased.headers["set-cookie"]  # a new reader next time
        assert not [e for e in store.events_after(0) if e.reader == reader]
        assert [e for e in store.events_after(0) if e.reader == "someone"]  # others' stay
        assert not store.reader_controls(reader).muted


@dataclass
class Private:
    url: str
    store: Store
    alice: Account
    admin: Account


@pytest.fixture
def private(store: Store, corpus: Corpus) -> Iterator[Private]:
    alice = accounts.create_account(store, "alice", PASSWORD)
    admin = accounts.create_account(store, "root", PASSWORD, is_admin=True)
    with start(store, "accounts") as server:
        yield Private(server.url, store, alice, admin)


def test_accounts_subscribe_and_only_admins_remove_sources(
    private: Private, corpus: Corpus, feed_web: TestWeb
) -> None:
    store = private.store
    with httpx.Client(base_url=private.url) as client:
        log_in(client, "alice", PASSWORD)
        page = client.get("/settings")
        assert (
            "Your subscriptions" in page.text and "Every source of this instance" not in page.text
        )
        csrf = form_token(page.text)
        added = client.post(
            "/settings/sources",
            data={"url": feed_web.url("/rss.xml"), "csrf": csrf, "folder": "Town"},
        )
        assert added.status_code == 303
        subs = store.subscriptions(private.alice.id)
        assert [(s.source.url, s.folder) for s in subs] == [(feed_web.url("/rss.xml"), "Town")]
        refused = client.post(f"/settings/sources/{corpus.wire_id}/remove", data={"csrf": csrf})
        assert refused.status_code == 400
        assert any(s.id == corpus.wire_id for s in store.list_sources())
        gone = client.post(
            f"/settings/subscriptions/{subs[0].source.id}/remove", data={"csrf": csrf}
        )
        assert gone.status_code == 303 and store.subscriptions(private.alice.id) == []
    with httpx.Client(base_url=private.url) as client:
        log_in(client, "root", PASSWORD)
        csrf = form_token(client.get("/settings").text)
        done = client.post(f"/settings/sources/{corpus.wire_id}/remove", data={"csrf": csrf})
        assert done.status_code == 303
        assert all(s.id != corpus.wire_id for s in store.list_sources())


def test_read_marks_are_shared_with_the_reader_apps(private: Private, corpus: Corpus) -> None:
    store = private.store
    store.subscribe(private.alice.id, corpus.wire_id)
    first, second = corpus.english[0], corpus.english[1]
    with httpx.Client(base_url=private.url) as client:
        log_in(client, "alice", PASSWORD)
        latest = client.get("/").text
        assert f'action="/articles/{first}/read"' in latest and "Mark read" in latest
        csrf = form_token(latest)
        marked = client.post(
            f"/articles/{first}/read", data={"csrf": csrf, "read": "1", "back": "/"}
        )
        assert marked.status_code == 303 and marked.headers["location"] == "/"
        assert store.article_states(private.alice.id, [first]) == {first: (True, False)}
        page = client.get("/").text
        assert re.search(rf'<li class="read">\s*<article[^>]*aria-labelledby="a{first}"', page)
        # what the keyboard's m does: the same form, asking for JSON
        answer = client.post(
            f"/articles/{first}/read",
            data={"csrf": csrf, "read": "0"},
            headers={"accept": "application/json"},
        )
        assert answer.json() == {"article_id": first, "read": False}
        assert client.post(f"/articles/{first}/read", data={"read": "1"}).status_code == 400
        assert client.post("/articles/999999/read", data={"csrf": csrf}).status_code == 404
        # opening an article in the reader marks it read
        assert client.get(f"/articles/{second}").status_code == 200
        assert store.article_states(private.alice.id, [second])[second][0] is True
        assert second not in store.reader_item_ids(private.alice.id, ItemFilter(unread=True))


def test_erasing_an_account_history_gives_it_a_new_reader(private: Private, corpus: Corpus) -> None:
    store = private.store
    with httpx.Client(base_url=private.url) as client:
        log_in(client, "alice", PASSWORD)
        csrf = form_token(client.get("/settings").text)
        old = private.alice.reader
        store.record_events([NewEvent("click", article_id=corpus.english[0], reader=old)])
        store.set_article_state(private.alice.id, [corpus.english[0]], starred=True)
        exported = client.get("/settings/export").json()
        assert exported["account"]["username"] == "alice"
        assert exported["article_states"][0]["starred"] == 1
        assert (
            client.post("/settings/erase", data={"csrf": csrf, "confirm": "yes"}).status_code == 303
        )
        new = store.get_account(private.alice.id).reader
        assert new != old and not [e for e in store.events_after(0) if e.reader == old]
        assert store.article_states(private.alice.id, [corpus.english[0]]) == {}
        assert client.get("/settings").status_code == 200  # still logged in


def test_changing_the_password_ends_the_session(private: Private) -> None:
    with httpx.Client(base_url=private.url) as client:
        log_in(client, "alice", PASSWORD)
        csrf = form_token(client.get("/settings").text)
        wrong = client.post(
            "/settings/password", data={"csrf": csrf, "current": "nope", "new": "n3w password"}
        )
        assert wrong.status_code == 400
        done = client.post(
            "/settings/password", data={"csrf": csrf, "current": PASSWORD, "new": "n3w password"}
        )
        assert done.status_code == 303 and done.headers["location"] == "/login"
        assert client.get("/settings").status_code == 303  # logged out
        assert log_in(client, "alice", "n3w password").status_code == 303


def test_crawl_now_fetches_and_processes_the_sources(store: Store, feed_web: TestWeb) -> None:
    feed_web.page("/story", article_html("Harbour bridge reopens after repairs"))
    feed_web.page(
        "/rss.xml",
        RSS.replace(
            "</channel>",
            f"<item><title>Bridge</title><link>{feed_web.url('/story')}</link></item></channel>",
        ),
        content_type="application/rss+xml",
    )
    with start(store, "none") as server, httpx.Client(base_url=server.url) as client:
        csrf = form_token(client.get("/settings").text)
        client.post("/settings/sources", data={"url": feed_web.url("/rss.xml"), "csrf": csrf})
        assert client.post("/settings/crawl").status_code == 400  # no token
        started = client.post("/settings/crawl", data={"csrf": csrf})
        assert started.status_code == 303 and "Crawl%20started" in started.headers["location"]
        deadline = time.monotonic() + 240
        while "Last crawl" not in (page := client.get("/settings").text):
            assert "The last crawl failed" not in page
            assert time.monotonic() < deadline, "the crawl did not finish"
            time.sleep(0.5)
        assert "1 new articles" in page
        titles = [a.title for a in store.list_articles().items]
        assert titles == ["Harbour bridge reopens after repairs"]
        assert store.count_articles_to_process() == 0  # processed too
