"""The feed pages in HTML: reader cookie, why this, controls by form, cross-site refusal."""

from __future__ import annotations

import re

import httpx

from tests.serve.conftest import FeedSite as Site


def test_for_you_sets_a_reader_cookie_and_explains_each_story(feed_site: Site) -> None:
    with httpx.Client(base_url=feed_site.url) as client:
        page = client.get("/for-you")
        assert page.status_code == 200
        reader = client.cookies.get("tidings_reader")
        assert reader and len(reader) >= 16
        assert "httponly" in page.headers["set-cookie"].lower()
        assert page.text.count("Why this:") == 2
        assert "Less like this" in page.text
        events = feed_site.store.events_after(0, kinds=["impression"])
        assert any(e.reader == reader and e.data.get("feed") == "personal" for e in events)
        # The same reader on the next visit: no new cookie.
        assert "set-cookie" not in client.get("/for-you").headers
        # Following a link is a click by this reader, learned at once.
        link = re.search(r'href="(/articles/\d+\?h=\d+)"', page.text)
        assert link is not None
        assert client.get(link.group(1)).status_code == 200
        clicks = feed_site.store.events_after(0, kinds=["click"])
        assert clicks[-1].reader == reader
        assert feed_site.store.reader_profiles([reader])[reader].read


def test_forms_mute_hide_and_switch_personalisation(feed_site: Site) -> None:
    with httpx.Client(base_url=feed_site.url) as client:
        csrf = form_token(client.get("/for-you").text)
        reader = client.cookies["tidings_reader"]
        forged = client.post("/controls", data={"kind": "topic", "value": "z", "action": "mute"})
        assert forged.status_code == 400  # no CSRF token: refused, nothing changed
        assert ("topic", "z") not in feed_site.store.reader_controls(reader).muted
        topic = feed_site.store.get_analysis(feed_site.flood).topic  # type: ignore[union-attr]
        done = client.post(
            "/controls", data={"kind": "topic", "value": topic, "action": "mute", "csrf": csrf}
        )
        assert done.status_code == 303 and done.headers["location"] == "/for-you"
        assert ("topic", topic) in feed_site.store.reader_controls(reader).muted
        page = client.get("/for-you").text
        quake_topic = feed_site.store.get_analysis(feed_site.quake).topic  # type: ignore[union-attr]
        assert page.count("Why this:") == (1 if quake_topic != topic else 0)
        assert "Muted topic" in page
        client.post(
            "/controls", data={"kind": "topic", "value": topic, "action": "clear", "csrf": csrf}
        )
        assert not feed_site.store.reader_controls(reader).muted

        client.post(
            "/feedback",
            data={"kind": "less_like_this", "article_id": str(feed_site.quake), "csrf": csrf},
        )
        story = feed_site.store.story_of(feed_site.quake)
        assert story is not None and story.id in feed_site.store.reader_controls(reader).hidden

        client.post("/settings/region", data={"region": "de", "csrf": csrf})
        assert feed_site.store.reader_controls(reader).region == "DE"
        assert 'value="DE"' in client.get("/for-you").text
        assert (
            client.post("/settings/region", data={"region": "D1", "csrf": csrf}).status_code == 400
        )
        assert feed_site.store.reader_controls(reader).region == "DE"

        client.post("/settings/personalization", data={"on": "off", "csrf": csrf})
        assert not feed_site.store.reader_controls(reader).personalized
        assert "Personalisation is off" in client.get("/for-you").text

        foreign = client.post(
            "/controls",
            data={"kind": "topic", "value": "x", "action": "mute", "csrf": csrf},
            headers={"origin": "https://evil.example"},
        )
        assert foreign.status_code == 400
        assert ("topic", "x") not in feed_site.store.reader_controls(reader).muted
        away = client.post(
            "/controls",
            data={"kind": "topic", "value": "y", "action": "mute", "back": "//evil", "csrf": csrf},
        )
        assert away.headers["location"] == "/for-you"  # no open redirect


def test_top_stories_page(feed_site: Site) -> None:
    page = httpx.get(feed_site.url + "/top")
    assert page.status_code == 200 and page.text.count("Why this:") == 2


def form_token(page: str) -> str:
    """The CSRF token a page's forms carry (what a browser posts back)."""
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)
