"""Headlines in the reader and the API: choices, impressions, clicks, dwell, explanations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.pipeline.test_headlines import CLICKBAIT_QUAKE
from tests.pipeline.test_process import FLOOD_EN, QUAKE_EN, add
from tests.stores import TestStores
from tidings.pipeline.headlines import HeadlineJob
from tidings.pipeline.process import ProcessJob
from tidings.serve import serve_in_background
from tidings.store import Store


@dataclass
class Site:
    url: str
    store: Store
    sober: int
    bait: int
    flood: int


@pytest.fixture(scope="module")
def site(module_stores: TestStores) -> Iterator[Site]:
    store = module_stores.open("headlines.db")
    sober = add(store, "http://a/quake", *QUAKE_EN, "en", "2026-11-20T06:00:00Z")
    bait = add(store, "http://d/quake", *CLICKBAIT_QUAKE, "en", "2026-11-20T07:45:00Z")
    flood = add(store, "http://c/flood", *FLOOD_EN, "en", "2026-11-20T08:00:00Z")
    ProcessJob(store).run()
    HeadlineJob(store).run()
    with serve_in_background(store) as server:
        yield Site(server.url, store, sober, bait, flood)


def test_lists_show_honest_headlines_and_log_impressions(site: Site) -> None:
    before = site.store.count_events("impression")
    page = httpx.get(site.url + "/").text
    links = re.findall(r'href="/articles/(\d+)\?h=(\d+)"', page)
    assert {int(a) for a, _ in links} == {site.sober, site.bait, site.flood}
    assert site.store.count_events("impression") - before == 3
    # The clickbait title is not the link text; it is one click away, on demand.
    assert f">{CLICKBAIT_QUAKE[0]}</a>" not in page.replace("&#39;", "'")
    assert "Original headline" in page
    assert CLICKBAIT_QUAKE[0] in page.replace("&#39;", "'")


def test_click_then_dwell_reaches_the_headline(site: Site) -> None:
    page = httpx.get(site.url + "/").text
    headline_id = int(re.findall(rf'href="/articles/{site.bait}\?h=(\d+)"', page)[0])
    shown = site.store.get_headline(headline_id)
    reader = httpx.get(f"{site.url}/articles/{site.bait}?h={headline_id}")
    assert reader.status_code == 200
    assert f'data-headline-id="{headline_id}"' in reader.text
    assert shown.candidate.text in reader.text.replace("&#39;", "'")
    assert "dwell.js" in reader.text
    after_click = site.store.get_headline(headline_id)
    assert after_click.clicks == shown.clicks + 1
    assert after_click.pending_clicks == shown.pending_clicks + 1

    sent = httpx.post(
        site.url + "/api/v1/events",
        json={"events": [{"kind": "dwell", "article_id": site.bait, "headline_id": headline_id,
                          "seconds": 95.0}]},
    )  # fmt: skip
    assert sent.status_code == 200, sent.text
    assert sent.json()["accepted"] == 1
    settled = site.store.get_headline(headline_id)
    assert settled.pending_clicks == after_click.pending_clicks - 1
    assert settled.reward == pytest.approx(after_click.reward + 0.5)


def test_a_headline_of_another_article_is_not_credited(site: Site) -> None:
    other = next(h for h in site.store.headlines_of([site.flood])[site.flood])
    before = site.store.get_headline(other.id).clicks
    page = httpx.get(f"{site.url}/articles/{site.sober}?h={other.id}").text
    assert site.store.get_headline(other.id).clicks == before
    assert other.candidate.text not in page or other.candidate.text in QUAKE_EN[0]


def test_events_endpoint_validates_and_refuses_other_sites(site: Site) -> None:
    url = site.url + "/api/v1/events"
    assert httpx.post(url, json={"events": [{"kind": "teleport"}]}).status_code == 422
    assert httpx.post(url, json={"events": [{"kind": "dwell", "seconds": -3}]}).status_code == 422
    too_many = {"events": [{"kind": "impression"}] * 501}
    assert httpx.post(url, json=too_many).status_code == 422
    plain = httpx.post(url, content='{"events": []}', headers={"content-type": "text/plain"})
    assert plain.status_code == 422  # a cross-site form cannot post events
    foreign = httpx.post(
        url, json={"events": [{"kind": "click"}]}, headers={"origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    before = site.store.count_events("share")
    ok = httpx.post(url, json={"events": [{"kind": "share", "article_id": site.flood}] * 3})
    assert ok.json() == {"accepted": 3, "learned": 0}
    assert site.store.count_events("share") == before + 3


def test_api_lists_headlines_and_explains_candidates(site: Site) -> None:
    items = httpx.get(site.url + "/api/v1/articles").json()["items"]
    bait = next(i for i in items if i["id"] == site.bait)
    assert bait["headline"]["headline_id"] is not None
    assert bait["headline"]["text"] != CLICKBAIT_QUAKE[0]
    assert bait["headline"]["original_title"] == CLICKBAIT_QUAKE[0]
    assert bait["headline"]["reason"]

    detail = httpx.get(f"{site.url}/api/v1/articles/{site.bait}/headlines").json()
    original = next(c for c in detail["candidates"] if c["origin"] == "original")
    assert original["eligible"] is False and original["clickbait"] >= 0.5
    assert any(c["eligible"] for c in detail["candidates"])
    assert detail["chosen"]["text"] != CLICKBAIT_QUAKE[0]
    assert httpx.get(site.url + "/api/v1/articles/999999/headlines").status_code == 404
    spec = httpx.get(site.url + "/openapi.json").json()
    assert "/api/v1/events" in spec["paths"]


def test_story_page_explains_the_choice(site: Site) -> None:
    story = site.store.story_of(site.bait)
    assert story is not None
    page = httpx.get(f"{site.url}/stories/{story.id}").text
    assert "Why this headline" in page
    assert "passed" in page and "rejected" in page
