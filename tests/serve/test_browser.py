"""The reader in a real headless Chromium (Playwright driving Debian's ``chromium``,
which ``scripts/test`` installs) against the real server: log in, add a feed, read a
story, mute a source and see it gone, keyboard navigation, no injected script ever
runs. Screenshots of the feed and the article page are saved under
``test-artifacts/browser/`` (``TIDINGS_TEST_ARTIFACTS`` moves them)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.pipeline.test_headlines import CLICKBAIT_QUAKE
from tests.pipeline.test_process import FLOOD_EN, QUAKE_EN, QUAKE_ZH, add
from tests.serve.conftest import XSS_TEXT, XSS_TITLE, hours_ago
from tests.stores import TestStores
from tests.webserver import TestWeb
from tidings.config import CrawlSettings
from tidings.pipeline.headlines import HeadlineJob
from tidings.pipeline.process import ProcessJob
from tidings.records import Account
from tidings.serve import accounts, serve_in_background
from tidings.store import Store

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium here (scripts/test installs Debian's chromium)"
)
PASSWORD = "a browser's password"
ARTIFACTS = Path(os.environ.get("TIDINGS_TEST_ARTIFACTS", "test-artifacts")) / "browser"
#: Text whose contrast with its background is under WCAG 2's AA minimum (4.5:1, or 3:1
#: for large text): [text, ratio] for each such element.
LOW_CONTRAST = """() => {
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return rgb(getComputedStyle(document.documentElement).backgroundColor).slice(0, 3);
  };
  const low = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.offsetParent === null) continue;
    const style = getComputedStyle(el);
    const a = lum(rgb(style.color)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) low.push([el.textContent.trim().slice(0, 40), ratio.toFixed(2)]);
  }
  return low;
}"""
RSS = (
    "<?xml version='1.0'?><rss version='2.0'><channel><title>Town Crier</title>"
    "<link>http://example.org/</link></channel></rss>"
)


@dataclass
class Reader:
    url: str
    store: Store
    account: Account
    feed: TestWeb
    xss: int


@pytest.fixture(scope="module")
def reader(module_stores: TestStores) -> Iterator[Reader]:
    store = module_stores.open("browser.db")
    add(store, "http://a/quake", *QUAKE_EN, "en", hours_ago(30))
    add(store, "http://b/quake", *QUAKE_ZH, "zh", hours_ago(29))
    add(store, "http://d/quake", *CLICKBAIT_QUAKE, "en", hours_ago(28))
    add(store, "http://c/flood", *FLOOD_EN, "en", hours_ago(2))
    xss = add(store, "http://e/xss", XSS_TITLE, XSS_TEXT * 3, "en", hours_ago(50))
    ProcessJob(store).run()
    HeadlineJob(store).run()
    account = accounts.create_account(store, "reader", PASSWORD)
    crawl = CrawlSettings().allowing("127.0.0.0/8")
    with TestWeb() as feed:
        feed.page("/rss.xml", RSS, content_type="application/rss+xml")
        with serve_in_background(store, auth="accounts", crawl=crawl) as server:
            yield Reader(server.url, store, account, feed, xss)


@pytest.fixture
def page(reader: Reader) -> Iterator[playwright.Page]:
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1000, "height": 900})
        tab = context.new_page()
        dialogs: list[str] = []
        tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        tab.set_default_timeout(15_000)
        yield tab
        browser.close()
        assert dialogs == [], "a script from an article ran"


def log_in(page: playwright.Page, reader: Reader) -> None:
    page.goto(reader.url + "/for-you")
    assert "/login" in page.url  # an instance with accounts asks first
    page.get_by_label("Username").fill("reader")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/for-you$"))


def test_log_in_add_a_feed_read_a_story_and_mute_a_source(
    page: playwright.Page, reader: Reader
) -> None:
    log_in(page, reader)
    assert page.get_by_role("button", name="Log out reader").is_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "feed.png"), full_page=True)

    # add a feed from the settings page
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Add a feed or a site").fill(reader.feed.url("/rss.xml"))
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_url(re.compile(r"/settings\?done="))
    assert page.get_by_role("status").inner_text().startswith("Added")
    subscribed = reader.store.subscriptions(reader.account.id)
    assert [s.source.url for s in subscribed] == [reader.feed.url("/rss.xml")]

    # read a story: its clean text, in the reader view
    page.goto(reader.url + "/for-you")
    first = page.locator("ol.articles > li").first
    headline = first.locator("h2 a").inner_text()
    first.locator("h2 a").click()
    page.wait_for_url(re.compile(r"/articles/\d+"))
    assert page.locator("h1").first.inner_text()
    assert len(page.locator("main").inner_text()) > 200
    page.screenshot(path=str(ARTIFACTS / "article.png"), full_page=True)
    assert headline

    # a story's full coverage: every outlet's report, and why this headline
    page.goto(reader.url + "/for-you")
    page.locator("a.coverage").first.click()
    page.wait_for_url(re.compile(r"/stories/\d+"))
    assert page.locator("main li").count() >= 2  # the outlets' reports
    assert page.get_by_role("heading", name="Why this headline").is_visible()
    page.screenshot(path=str(ARTIFACTS / "story.png"), full_page=True)

    # mute the first story's outlet: no story of it is on the very next page
    page.goto(reader.url + "/for-you")
    mute = page.locator("ol.articles > li").first.get_by_role("button", name=re.compile("^Mute "))
    outlet = mute.inner_text().removeprefix("Mute ")
    mute.click()
    page.wait_for_url(re.compile(r"/for-you$"))
    assert page.get_by_role("button", name=f"Mute {outlet}").count() == 0
    assert page.locator("ol.articles .outlet", has_text=outlet).count() == 0
    assert f"Muted source {outlet}" in " ".join(page.locator("main").inner_text().split())


def test_keyboard_moves_opens_and_marks(page: playwright.Page, reader: Reader) -> None:
    log_in(page, reader)
    page.goto(reader.url + "/")
    items = page.locator("ol.articles > li")
    assert items.count() >= 3
    page.keyboard.press("j")
    assert "current" in (items.nth(0).get_attribute("class") or "")
    page.keyboard.press("j")
    assert "current" in (items.nth(1).get_attribute("class") or "")
    assert "current" not in (items.nth(0).get_attribute("class") or "")
    page.keyboard.press("k")
    assert "current" in (items.nth(0).get_attribute("class") or "")
    # m marks the current story read or unread without leaving the page, and back
    first = items.nth(0)
    article_id = int((first.locator("article").get_attribute("aria-labelledby") or "a0")[1:])
    was_read = "read" in (first.get_attribute("class") or "").split()
    for expected in (not was_read, was_read):
        page.keyboard.press("m")
        page.wait_for_function(
            "want => document.querySelector('ol.articles > li')"
            ".classList.contains('read') === want",
            arg=expected,
        )
        state = reader.store.article_states(reader.account.id, [article_id]).get(article_id)
        assert (state[0] if state else False) is expected
    # ? shows the keys; o opens the current story
    page.keyboard.press("?")
    assert page.get_by_role("dialog", name="Keyboard shortcuts").is_visible()
    page.keyboard.press("o")
    page.wait_for_url(re.compile(rf"/articles/{article_id}"))


def test_an_article_with_scripts_never_runs_them(page: playwright.Page, reader: Reader) -> None:
    log_in(page, reader)
    page.goto(f"{reader.url}/articles/{reader.xss}")
    assert "alert(2)" in page.locator("main").inner_text()  # shown as text, not run
    assert page.evaluate("document.querySelectorAll('main script, main img[onerror]').length") == 0


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_readable_on_a_phone_in_both_schemes(reader: Reader, scheme: str) -> None:
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, is_mobile=True, color_scheme=scheme
        )
        page = context.new_page()
        log_in(page, reader)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for name, path in (("feed", "/for-you"), ("settings", "/settings"), ("latest", "/")):
            page.goto(reader.url + path)
            # nothing wider than the screen (390 CSS pixels): no sideways scrolling, and
            # no zooming out to fit (which widens innerWidth on a phone)
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert max(widths) <= 390, (path, widths)
            page.screenshot(path=str(ARTIFACTS / f"phone-{scheme}-{name}.png"), full_page=True)
            low = page.evaluate(LOW_CONTRAST)
            assert low == [], (scheme, path, low[:5])
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        red, green, blue = (int(v) for v in re.findall(r"\d+", background)[:3])
        dark = (0.2126 * red + 0.7152 * green + 0.0722 * blue) < 128
        assert dark is (scheme == "dark"), background
        browser.close()
