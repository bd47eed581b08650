"""The feed API on a real store and server: ranking, explanations, learning, controls."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from tests.pipeline.test_headlines import CLICKBAIT_QUAKE
from tests.serve.conftest import FeedSite as Site


def feed(site: Site, **params: object) -> dict[str, object]:
    response = httpx.get(site.url + "/api/v1/feed", params=params)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def story_ids(page: dict[str, object]) -> list[int]:
    return [item["story_id"] for item in page["items"]]  # type: ignore[attr-defined,index]


def test_one_entry_per_story_with_headline_outlets_and_why(feed_site: Site) -> None:
    before = feed_site.store.count_events("impression")
    page = feed(feed_site, user="ann")
    ids = story_ids(page)
    assert len(ids) == len(set(ids)) == 2  # the quake's three reports are one entry
    assert page["mode"] == "personal"
    for item in page["items"]:  # type: ignore[attr-defined]
        assert item["why"] and item["headline"]["text"]
        assert item["headline"]["text"] != CLICKBAIT_QUAKE[0]
    quake = next(i for i in page["items"] if i["story_size"] == 3)  # type: ignore[attr-defined]
    assert len(quake["outlets"]) >= 1 and "covered by 3 outlets" in quake["why"]
    assert feed_site.store.count_events("impression") == before + 2
    event = feed_site.store.events_after(0, kinds=["impression"])[-1]
    assert event.reader == "ann" and event.data["feed"] == "personal"


def test_reading_hiding_and_controls_change_the_next_page(feed_site: Site) -> None:
    quake_story = feed_site.store.story_of(feed_site.quake)
    flood_story = feed_site.store.story_of(feed_site.flood)
    assert quake_story is not None and flood_story is not None
    url = feed_site.url + "/api/v1/events"
    read = [
        {"kind": "click", "article_id": feed_site.flood, "reader": "bo"},
        {"kind": "dwell", "article_id": feed_site.flood, "reader": "bo", "seconds": 140},
    ]
    assert httpx.post(url, json={"events": read}).status_code == 200
    profile = feed_site.store.reader_profiles(["bo"])["bo"]
    assert profile.events == 2 and profile.topics and flood_story.id in profile.read
    assert feed_site.store.load_model("ranker") is not None

    hide = [{"kind": "hide", "article_id": feed_site.quake, "reader": "bo"}]
    assert httpx.post(url, json={"events": hide}).status_code == 200
    controls = httpx.get(feed_site.url + "/api/v1/readers/bo/controls").json()
    assert controls["hidden_stories"] == [quake_story.id]
    assert quake_story.id not in story_ids(feed(feed_site, user="bo"))

    # Mute a topic for another reader: gone from every mode of their feed.
    topic = feed_site.store.get_analysis(feed_site.flood).topic  # type: ignore[union-attr]
    assert topic
    control = {"kind": "topic", "value": topic, "action": "mute"}
    assert (
        httpx.post(feed_site.url + "/api/v1/readers/cy/controls", json=control).status_code == 200
    )
    for mode in ("personal", "top", "latest"):
        assert flood_story.id not in story_ids(feed(feed_site, user="cy", mode=mode)), mode
    control["action"] = None
    httpx.post(feed_site.url + "/api/v1/readers/cy/controls", json=control)
    assert flood_story.id in story_ids(feed(feed_site, user="cy"))
    bad = {"kind": "colour", "value": "red", "action": "mute"}
    assert httpx.post(feed_site.url + "/api/v1/readers/cy/controls", json=bad).status_code == 422


def test_personalisation_off_serves_top_stories(feed_site: Site) -> None:
    off = httpx.put(feed_site.url + "/api/v1/readers/di/settings", json={"personalized": False})
    assert off.status_code == 200 and off.json()["personalized"] is False
    page = feed(feed_site, user="di")
    assert page["mode"] == "top"
    # The editorial feed is the same for everyone: nothing personal in it.
    assert story_ids(page) == story_ids(feed(feed_site, user="zed", mode="top"))
    assert {i["slot"] for i in page["items"]} == {"top"}  # type: ignore[attr-defined]
    latest = feed(feed_site, user="di", mode="latest")
    assert latest["items"][0]["article_id"] == feed_site.flood  # type: ignore[index]
    assert feed(feed_site)["mode"] == "top"  # no reader: the editorial feed
    assert httpx.get(feed_site.url + "/api/v1/feed", params={"mode": "loudest"}).status_code == 422


def test_impressions_are_learned_in_the_background(feed_site: Site) -> None:
    """Feed pages only log impressions; the server's learners fold them in within
    seconds without any request waiting for them."""
    import time

    from tidings.pipeline.rank import RANKER

    feed(feed_site, user="carol")
    last = feed_site.store.events_after(0, kinds=["impression"])[-1].id
    deadline = time.monotonic() + 10
    while feed_site.store.event_cursor(RANKER) < last and time.monotonic() < deadline:
        time.sleep(0.1)
    assert feed_site.store.event_cursor(RANKER) >= last
    profile = feed_site.store.reader_profiles(["carol"])["carol"]
    assert profile.events >= 2


def test_readiness_turns_on_once_the_pool_and_its_index_are_loaded(feed_site: Site) -> None:
    import time

    deadline = time.monotonic() + 20
    response = httpx.get(feed_site.url + "/readyz")
    while response.status_code == 503 and time.monotonic() < deadline:
        assert response.json()["ready"] is False
        time.sleep(0.1)
        response = httpx.get(feed_site.url + "/readyz")
    assert response.status_code == 200
    assert response.json() == {"ready": True, "pool_stories": 2}


def test_a_pool_is_not_ready_before_it_loads(feed_site: Site) -> None:
    from tidings.pipeline.candidates import CandidatePool

    pool = CandidatePool(feed_site.store, background=False)
    assert not pool.ready and pool.stories == 0
    pool.snapshot(datetime.now(UTC))  # without a background thread the index is built now
    assert pool.ready and pool.stories == 2


def test_a_reader_sets_and_clears_their_region(feed_site: Site) -> None:
    url = feed_site.url + "/api/v1/readers/eve/settings"
    set_ = httpx.put(url, json={"region": "gb"})
    assert set_.status_code == 200 and set_.json()["region"] == "GB"
    assert set_.json()["personalized"] is True  # left as it was
    assert httpx.put(url, json={"region": "GBR"}).status_code == 422
    kept = httpx.put(url, json={"personalized": False})
    assert kept.json()["region"] == "GB" and kept.json()["personalized"] is False
    assert httpx.put(url, json={"region": None}).json()["region"] is None
