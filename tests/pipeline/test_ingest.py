"""WARC out of a real crawl, and back in with ``IngestJob`` (and ``tidings ingest``)."""

from __future__ import annotations

import dataclasses
import gzip
import io
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.pipeline.test_crawl import FAST, add_feed, crawl, stored_urls
from tests.stores import TestStores
from tests.test_cli import tidings
from tests.webserver import Reply, TestWeb, article_html
from tidings.crawl.warc import ReadStats, WarcArchive, read_responses
from tidings.pipeline.ingest import IngestJob
from tidings.records import FetchResponse
from tidings.store import Store


@pytest.fixture
def store(stores: TestStores) -> Store:
    return stores.open("crawl.db")


CHINESE_PAGE = (
    "<html><head><meta charset='gb2312'><title>新闻</title></head><body><article><h1>"
    + "北京举行新闻发布会" * 2
    + "</h1>"
    + "<p>北京时间今天上午，新的政策正式发布，专家表示这将影响数百万人的生活。</p>" * 8
    + "</article></body></html>"
).encode("gb2312")


async def test_a_crawl_kept_as_warc_ingests_into_the_same_articles(
    store: Store, stores: TestStores, tmp_path: Path
) -> None:
    with TestWeb() as web:
        for name in ("a", "b"):
            web.page(f"/{name}", article_html(f"Story {name}"))
        web.route(
            "/zh", lambda r: Reply(body=CHINESE_PAGE, content_type="text/html; charset=gb2312")
        )
        add_feed(store, web, ["/a", "/b", "/zh"])
        settings = dataclasses.replace(FAST, warc_dir=str(tmp_path / "warc"))
        stats = await crawl(store, settings)
        assert stats.articles_new == 3
    files = sorted((tmp_path / "warc").glob("*.warc.gz"))
    assert len(files) == 1
    with files[0].open("rb") as stream:
        records = [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"))
            for r in ArchiveIterator(stream)
        ]
    assert records[0][0] == "warcinfo"
    assert {u for t, u in records if t == "response"} == {
        web.url("/feed.xml"),
        web.url("/a"),
        web.url("/b"),
        web.url("/zh"),
    }
    other = stores.open("other.db")
    ingested = await IngestJob(other).run(files)
    assert ingested.articles_new == 3 and ingested.not_pages == {"application/rss+xml": 1}
    assert stored_urls(other) == stored_urls(store)
    titles = {a.title for a in other.list_articles().items}
    assert titles == {a.title for a in store.list_articles().items}
    assert any(t and "北京" in t for t in titles)  # decoded from GB2312 as crawled
    assert other.raw_html(other.list_articles().items[0].id)  # kept for re-extraction
    again = await IngestJob(other).run(files)  # idempotent
    assert again.articles_new == 0 and again.articles_updated == 3
    assert other.count_articles(include_duplicates=True) == 3


def response(
    url: str, body: bytes, content_type: str = "text/html", status: int = 200
) -> FetchResponse:
    return FetchResponse(url, url, status, content_type, "utf-8", body)


def test_warc_files_rotate_and_read_back(tmp_path: Path) -> None:
    pages = [
        response(f"https://example.org/{i}", article_html(f"Page {i}").encode()) for i in range(6)
    ]
    with WarcArchive(tmp_path, max_bytes=2_000) as archive:
        for page in pages:
            archive.write(page)
    assert archive.records == 6 and len(archive.paths) > 1  # rotated past 2 kB
    read = []
    for path in archive.paths:
        with path.open("rb") as stream:
            read += [r.response for r in read_responses(stream)]
    assert [(r.url, r.body, r.charset) for r in read] == [(p.url, p.body, "utf-8") for p in pages]


def test_other_records_are_skipped_and_damage_ends_reading_cleanly(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for url, status in (
        ("https://a.example/ok", "200 OK"),
        ("https://a.example/gone", "404 Not Found"),
    ):
        http = StatusAndHeaders(status, [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                url, "response", payload=io.BytesIO(b"<p>x</p>"), http_headers=http
            )
        )
    writer.write_record(
        writer.create_warc_record("https://a.example/ok", "metadata", payload=io.BytesIO(b"m"))
    )
    whole = buffer.getvalue()
    stats = ReadStats()
    got = list(read_responses(io.BytesIO(whole), stats))
    assert [r.response.url for r in got] == ["https://a.example/ok"]
    assert stats.skipped == 2 and not stats.damaged
    # a truncated archive keeps what came before the damage, and says so
    cut = whole + gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n")[:-9]
    stats = ReadStats()
    got = list(read_responses(io.BytesIO(cut), stats))
    assert [r.response.url for r in got] == ["https://a.example/ok"] and stats.damaged


def test_tidings_ingest_command(tmp_path: Path, stores: TestStores) -> None:
    with WarcArchive(tmp_path / "warc") as archive:
        archive.write(
            response("https://news.example/a", article_html("Harbour bridge reopens").encode())
        )
        archive.write(response("https://news.example/logo.png", b"\x89PNG", "image/png"))
    data = ("--data-dir", str(tmp_path / "data"))
    env = stores.env("data.db")
    done = tidings(
        *data, "ingest", str(archive.paths[0]), "--no-process", "--json", cwd=tmp_path, env=env
    )
    assert done.returncode == 0, done.stderr
    assert '"articles_new": 1' in done.stdout and '"image/png": 1' in done.stdout
    assert stores.open("data.db").count_articles() == 1  # in the database the test named
    missing = tidings(*data, "ingest", str(tmp_path / "nope.warc.gz"), cwd=tmp_path, env=env)
    assert missing.returncode == 1 and "no such file" in missing.stderr
