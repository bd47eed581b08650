"""End to end: the demo news web → crawl → store → HTTP API and reader."""

from __future__ import annotations

import httpx

from tests.stores import TestStores
from tidings.config import CrawlSettings
from tidings.demo import DemoWeb
from tidings.pipeline import CrawlJob, add_source
from tidings.serve import serve_in_background

SETTINGS = CrawlSettings(host_delay=0.01).allowing("127.0.0.0/8")


async def test_demo_web_is_crawled_extracted_stored_and_served(stores: TestStores) -> None:
    store = stores.open("tidings.db")
    with DemoWeb(seed=11) as web:
        added = await add_source(store, web.home_pages[0], SETTINGS)
        assert added.source.kind.value == "feed" and added.created
        for spec in web.sources:
            store.add_source(spec)
        stats = await CrawlJob(store, SETTINGS).run()

        expected = {a.url: a for a in web.expected_articles}
        originals = {u for u, a in expected.items() if a.duplicate_of_url is None}
        assert stats.articles_new == len(originals)
        assert stats.duplicates == len(expected) - len(originals)
        assert stats.robots_blocked == len(web.blocked_urls)
        assert not stats.errors

        server = serve_in_background(store)
        async with server, httpx.AsyncClient(base_url=server.url) as client:
            items: list[dict[str, object]] = []
            cursor = None
            while True:
                params = {"limit": 15, **({"cursor": cursor} if cursor else {})}
                page = (await client.get("/api/v1/articles", params=params)).json()
                items += page["items"]
                cursor = page["next_cursor"]
                if not cursor:
                    break
            assert {i["url"] for i in items} == originals
            published = [str(i["published_at"]) for i in items]
            assert published == sorted(published, reverse=True)
            for item in items:
                want = expected[str(item["url"])]
                assert item["title"] == want.title
                assert item["date"] == want.date
                assert item["language"] == want.language
                assert tuple(item["authors"]) == want.authors  # type: ignore[arg-type]

            chinese = next(i for i in items if i["language"] == "zh")
            detail = (await client.get(f"/api/v1/articles/{chinese['id']}")).json()
            assert detail["text"].startswith(expected[detail["url"]].text_start)

            everything = await client.get(
                "/api/v1/articles", params={"limit": 200, "include_duplicates": "true"}
            )
            assert {i["url"] for i in everything.json()["items"]} == set(expected)

            home = await client.get("/")
            assert home.status_code == 200
            first = items[0]
            assert str(first["title"]).replace("'", "&#39;") in home.text
            reader = await client.get(str(first["reader_url"]))
            assert expected[str(first["url"])].text_start[:40] in reader.text

            sources = (await client.get("/api/v1/sources")).json()
            assert len(sources) == len(web.sources)
            assert all(s["error_count"] == 0 and s["last_fetched_at"] for s in sources)

        # A second run re-polls feeds and sitemaps with conditional GET: all 304.
        again = await CrawlJob(store, SETTINGS).run()
        assert again.not_modified == len(web.sources)
        assert again.articles_new == 0 and again.fetched == len(web.sources)
