"""The executor setting, and the split jobs it runs, in this process: partitioned crawl
jobs, ingest shares and processing windows give the same result as one whole job."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import itertools
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.pipeline.test_crawl import rss
from tests.stores import TestStores
from tests.test_cli import tidings
from tests.webserver import TestWeb
from tidings.config import CrawlSettings, Settings
from tidings.demo.sites import build_catalogue
from tidings.errors import ConfigError
from tidings.nlp.embed import vector_from_bytes
from tidings.pipeline.crawl import CrawlJob
from tidings.pipeline.executor import LocalExecutor, open_executor
from tidings.pipeline.ingest import IngestJob
from tidings.pipeline.process import ProcessJob
from tidings.records import SourceKind, SourceSpec
from tidings.store import Store
from tidings.store.sql import host_bucket
from tidings.urls import host_of

POLITE = CrawlSettings(
    host_delay=0.2, retry_backoff=0.1, concurrency=4, total_timeout=5.0
).allowing("127.0.0.0/8")


def story_pages(count: int, seed: int = 7) -> list[tuple[str, str]]:
    """``count`` distinct news articles as (title, HTML page), from the demo's
    generated stories (English and Chinese; wire copies left out)."""
    stories = [
        a.story
        for articles in build_catalogue(seed).articles.values()
        for a in articles
        if not a.wire and not a.private
    ]
    assert len(stories) >= count
    return [
        (
            s.title,
            f"<!doctype html><html lang='{s.language}'><head><meta charset='utf-8'>"
            f"<title>{s.title}</title></head><body><article><h1>{s.title}</h1>"
            + "".join(f"<p>{p}</p>" for p in s.paragraphs)
            + "</article></body></html>",
        )
        for s in stories[:count]
    ]


def serve_stories(webs: list[TestWeb], store: Store, per_site: int) -> dict[str, str]:
    """``per_site`` story pages and an RSS feed listing them on each site, the feeds
    added as sources. Returns URL → title of every page."""
    pages = iter(story_pages(per_site * len(webs)))
    urls: dict[str, str] = {}
    for web in webs:
        paths = [f"/story-{i}" for i in range(per_site)]
        for path in paths:
            title, html = next(pages)
            web.page(path, html)
            urls[web.url(path)] = title
        web.page("/feed.xml", rss([web.url(p) for p in paths]), content_type="application/rss+xml")
        store.add_source(SourceSpec(url=web.url("/feed.xml"), kind=SourceKind.FEED))
    return urls


def webs_in_parts(parts: int, per_part: int) -> list[TestWeb]:
    """Started test sites, ``per_part`` in each frontier partition of ``parts`` (a
    site's port decides its host's partition: sites are started until each part has
    its share, the others closed)."""
    kept: list[TestWeb] = []
    counts = [0] * parts
    for _ in range(50 * parts * per_part):
        web = TestWeb().__enter__()
        part = host_bucket(host_of(web.base)) % parts
        if counts[part] < per_part:
            counts[part] += 1
            kept.append(web)
        else:
            web.__exit__(None, None, None)
        if min(counts) == per_part:
            return kept
    raise AssertionError("no ports for every partition")


def assert_polite(web: TestWeb, delay: float) -> None:
    """No two requests to ``web``'s host closer than ``delay`` seconds."""
    times = sorted(h.at for h in web.hits)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert not gaps or min(gaps) >= delay * 0.95, (web.base, gaps)


def stored(store: Store) -> dict[str, str | None]:
    """URL → title of every stored article, duplicates included."""
    page = store.list_articles(limit=1000, include_duplicates=True)
    urls = [a.url for a in page.items]
    assert len(urls) == len(set(urls))
    return {a.url: a.title for a in page.items}


# --- the setting ---------------------------------------------------------------------


def test_the_executor_is_one_setting(tmp_path: Path, stores: TestStores) -> None:
    settings = Settings.from_env(
        {"TIDINGS_EXECUTOR": "ray", "TIDINGS_RAY_ADDRESS": "10.0.0.5:6379", "TIDINGS_WORKERS": "8"}
    )
    assert (settings.executor, settings.ray_address, settings.workers) == (
        "ray",
        "10.0.0.5:6379",
        8,
    )
    default = Settings.from_env({})
    assert default.executor == "local"
    with open_executor(default) as executor:
        assert isinstance(executor, LocalExecutor) and executor.workers == 1
    with pytest.raises(ConfigError, match="TIDINGS_EXECUTOR='threads'"):
        open_executor(Settings(executor="threads"))
    env = {**stores.env(), "TIDINGS_EXECUTOR": "threads"}
    run = tidings("process", cwd=tmp_path, env=env)
    assert run.returncode == 1 and "expected one of local, ray" in run.stderr


def test_ray_asked_for_but_not_installed_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # what an install without the extra has
    with pytest.raises(ConfigError, match=r"pip install 'tidings\[ray\]'"):
        open_executor(Settings(executor="ray"))


# --- the parts of a job, in this process -----------------------------------------------


async def test_partitioned_crawl_jobs_share_no_host_and_fetch_every_page_once(
    stores: TestStores,
) -> None:
    store = stores.open()
    webs = webs_in_parts(2, 2)
    try:
        urls = serve_stories(webs, store, per_site=3)
        store.start_run()  # once, for both parts
        jobs = [
            CrawlJob(stores.open(), POLITE, partition=(k, 2), start_run=False) for k in range(2)
        ]
        runs = await asyncio.gather(*(job.run() for job in jobs))
        assert sum(r.articles_new for r in runs) == 12 and sum(r.feeds for r in runs) == 4
        assert all(r.articles_new == 6 for r in runs)  # two sites each
        assert jobs[0].hosts.isdisjoint(jobs[1].hosts)
        assert jobs[0].hosts | jobs[1].hosts == {host_of(w.base) for w in webs}
        for k, job in enumerate(jobs):
            assert {host_bucket(h) % 2 for h in job.hosts} == {k}
        for web in webs:
            assert all(len(web.hits_for(p)) == 1 for p in ("/feed.xml", "/story-0", "/story-2"))
            assert_polite(web, POLITE.host_delay)
        assert stored(store) == urls
    finally:
        for web in webs:
            web.__exit__(None, None, None)


async def test_a_partitioned_crawl_job_leaves_other_parts_to_their_workers(
    stores: TestStores,
) -> None:
    """Alone, the job of part 0 crawls its sites, waits a while for part 1's worker
    (whose feeds could list its pages), then stops, part 1's URLs still queued."""
    store = stores.open()
    webs = webs_in_parts(2, 1)
    try:
        urls = serve_stories(webs, store, per_site=2)
        store.start_run()
        first = CrawlJob(store, POLITE, partition=(0, 2), start_run=False)
        first.partition_idle = 1.0
        started = time.monotonic()
        stats = await first.run()
        assert 1.0 < time.monotonic() - started < 10.0
        mine, other = sorted(webs, key=lambda w: host_bucket(host_of(w.base)) % 2)
        assert stats.articles_new == 2 and first.hosts == {host_of(mine.base)}
        assert other.hits == [] and store.frontier_counts()["queued"] == 1  # its feed
        await CrawlJob(store, POLITE, partition=(1, 2), start_run=False).run()
        assert stored(store) == urls
    finally:
        for web in webs:
            web.__exit__(None, None, None)


def write_warc(path: Path, pages: list[tuple[str, bytes, str]]) -> Path:
    """A WARC of 200 responses: (URL, body, content type)."""
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, body, content_type in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], "HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=io.BytesIO(body), http_headers=headers
                )
            )
    return path


def archive_pages(count: int) -> list[tuple[str, bytes, str]]:
    """``count`` story pages, a copy of the first at another URL, a feed and a page
    that is no article."""
    pages = [
        (f"https://news{i % 3}.example/story-{i}", html.encode(), "text/html; charset=utf-8")
        for i, (_, html) in enumerate(story_pages(count))
    ]
    return [
        *pages,
        ("https://copy.example/syndicated", pages[0][1], "text/html"),
        ("https://news0.example/feed.xml", rss(["https://news0.example/a"]).encode(), "text/xml"),
        ("https://news1.example/", b"<html><body><nav>Home</nav></body></html>", "text/html"),
    ]


async def test_ingest_shares_add_up_to_one_ingest(tmp_path: Path, stores: TestStores) -> None:
    warc = write_warc(tmp_path / "a.warc.gz", archive_pages(9))
    whole = await IngestJob(stores.open("whole.db")).run([warc])
    shared = stores.open("shared.db")
    total = None
    for k in range(3):
        stats = await IngestJob(shared, share=(k, 3)).run([warc])
        assert stats.responses == 4  # its third of the 12
        if total is None:
            total = stats
        else:
            total.add(stats)
    assert total is not None
    figures = dataclasses.replace(total, elapsed=whole.elapsed).as_dict()
    assert figures == whole.as_dict()
    assert (whole.articles_new, whole.duplicates, whole.archives) == (9, 1, 1)
    assert stored(shared) == stored(stores.open("whole.db"))
    assert shared.count_articles() == 9


class WideLocalExecutor(LocalExecutor):
    """The local executor as if it had three workers: the language job then takes
    windows of three batches (what it does on a cluster), all in this process."""

    workers = 3


def test_processing_windows_of_several_batches_give_the_same_result(stores: TestStores) -> None:
    results = []
    for name, executor in (("one.db", LocalExecutor()), ("wide.db", WideLocalExecutor())):
        store = stores.open(name)
        warc = write_warc(stores.folder / f"{name}.warc.gz", archive_pages(14))
        asyncio.run(IngestJob(store).run([warc]))  # in order: the same ids in both
        stats = ProcessJob(store, batch_size=4, executor=executor).run()
        assert stats.processed == 15 and store.count_articles_to_process() == 0
        results.append((stats, snapshot(store)))
    (one, one_state), (wide, wide_state) = results
    assert_same_analyses(wide_state, one_state)
    assert (wide.exact_duplicates, wide.stories_created) == (
        one.exact_duplicates,
        one.stories_created,
    )
    assert one.exact_duplicates == 1 and one.stories_created >= 2


def assert_same_analyses(got: list[tuple[object, ...]], want: list[tuple[object, ...]]) -> None:
    """Two :func:`snapshot` s agree: in everything, but for vectors within rounding (an
    embedding's last bits depend on the other texts of its batch)."""
    assert [r[:-2] + r[-1:] for r in got] == [r[:-2] + r[-1:] for r in want]
    for a, b in zip(got, want, strict=True):
        assert isinstance(a[-2], bytes) == isinstance(b[-2], bytes)
        if isinstance(a[-2], bytes) and isinstance(b[-2], bytes):
            assert np.allclose(vector_from_bytes(a[-2]), vector_from_bytes(b[-2]), atol=1e-5)


def snapshot(store: Store) -> list[tuple[object, ...]]:
    """Per article (by id): duplicate of, language, topic, entities, summary,
    embedding, story."""
    rows: list[tuple[object, ...]] = []
    for article in store.list_articles(limit=1000, include_duplicates=True).items:
        analysis = store.get_analysis(article.id)
        assert analysis is not None
        story = store.story_of(article.id)
        rows.append(
            (
                article.id,
                store.get_article(article.id).duplicate_of,
                analysis.language,
                analysis.topic,
                tuple(e.text for e in analysis.entities),
                analysis.summary,
                analysis.embedding,
                sorted(story.members) if story else None,
            )
        )
    return sorted(rows, key=lambda r: str(r[0]))
