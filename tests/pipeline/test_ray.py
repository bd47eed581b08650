"""The Ray executor on a real local Ray cluster: a head node and a second (worker)
node, started with ``ray start`` on this machine, one CPU each, so a job's two parts
run in two worker processes on two nodes.

The cluster's processes are stopped by their session (each ``ray start`` runs in a
session of its own), never by name: ``ray stop`` would stop every Ray on the machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pipeline.test_executor import (
    POLITE,
    archive_pages,
    assert_polite,
    assert_same_analyses,
    serve_stories,
    snapshot,
    stored,
    webs_in_parts,
    write_warc,
)
from tests.stores import TestStores
from tests.webserver import Reply, Request
from tidings.pipeline.executor import LocalExecutor
from tidings.pipeline.ingest import IngestJob
from tidings.pipeline.process import ProcessJob
from tidings.pipeline.rank import RANKER
from tidings.pipeline.ray_executor import RayExecutor
from tidings.store import NewEvent, Store
from tidings.store.sql import host_bucket
from tidings.urls import host_of

pytest.importorskip("ray")

RAY = Path(sys.executable).with_name("ray")


class LocalRayCluster:
    """``ray start --head`` and ``ray start --address`` (the worker node) on 127.0.0.1.

    Token authentication is set off explicitly: otherwise a token that a local
    ``ray.init()`` left in ``~/.ray`` switches it on for one node and not the other.
    """

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="ray", dir="/tmp"))  # short: socket paths
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.address = f"127.0.0.1:{port}"
        self._nodes: list[subprocess.Popen[bytes]] = []
        node = [
            "--num-cpus=1",
            "--object-store-memory=100000000",
            "--node-ip-address=127.0.0.1",
            "--disable-usage-stats",
            "--block",
        ]
        head = [f"--port={port}", "--include-dashboard=false", f"--temp-dir={self.folder}"]
        # Both at once (the worker node waits for the head's GCS): seconds saved.
        logs = [self._start("head", ["--head", *head, *node])]
        logs.append(self._start("worker", [f"--address={self.address}", *node]))
        deadline = time.monotonic() + 90
        for process, log in zip(self._nodes, logs, strict=True):
            while b"Ray runtime started" not in log.read_bytes():
                if process.poll() is not None or time.monotonic() > deadline:
                    output = log.read_text()
                    self.stop()
                    raise RuntimeError(f"ray start failed:\n{output}")
                time.sleep(0.1)

    def _start(self, name: str, args: list[str]) -> Path:
        log = self.folder / f"{name}.log"
        with log.open("wb") as out:
            self._nodes.append(
                subprocess.Popen(
                    [str(RAY), "start", *args],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    env={**os.environ, "RAY_AUTH_MODE": "disabled"},
                )
            )
        return log

    def processes(self) -> dict[int, str]:
        """pid → command line of every live process of the cluster."""
        sessions = {p.pid for p in self._nodes}
        found = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            state, _, _, session = stat.rsplit(")", 1)[1].split()[:4]
            if int(session) in sessions and state != "Z":  # (a zombie is gone already)
                found[int(entry.name)] = cmdline.replace(b"\0", b" ").decode().strip()
        return found

    def worker_running(self, task: str) -> int:
        """The pid of the worker process running the task named ``task``."""
        pids = [pid for pid, cmd in self.processes().items() if cmd == f"ray::{task}"]
        assert len(pids) == 1, self.processes()
        return pids[0]

    def stop(self) -> None:
        for sig, wait in ((signal.SIGTERM, 1.0), (signal.SIGKILL, 5.0)):
            for pid in self.processes():
                with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                    os.kill(pid, sig)
            deadline = time.monotonic() + wait
            while self.processes() and time.monotonic() < deadline:
                time.sleep(0.1)
        for process in self._nodes:
            process.wait(timeout=5)
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalRayCluster]:
    started = LocalRayCluster()
    try:
        yield started
    finally:
        started.stop()


def ray_executor(cluster: LocalRayCluster, stores: TestStores) -> RayExecutor:
    return RayExecutor(stores.url(), address=cluster.address, workers=2)


def assert_processed(store: Store, articles: int) -> None:
    assert store.count_articles_to_process() == 0
    for article in store.list_articles(limit=1000, include_duplicates=True).items:
        analysis = store.get_analysis(article.id)
        assert analysis is not None and analysis.minhash
        if article.duplicate_of is None:
            assert analysis.embedding and store.story_of(article.id) is not None
    assert 0 < store.count_stories() <= articles


def test_crawl_and_process_on_the_cluster(cluster: LocalRayCluster, stores: TestStores) -> None:
    store = stores.open()
    webs = webs_in_parts(2, 2)
    try:
        urls = serve_stories(webs, store, per_site=3)
        with ray_executor(cluster, stores) as executor:
            stats = executor.crawl(store, POLITE)
            processed = ProcessJob(store, executor=executor, batch_size=4).run()
            parts = executor.crawl_parts
        assert (stats.feeds, stats.articles_new, stats.fetched) == (4, 12, 16)
        # two workers, in two processes, each on the hosts of its own partition only
        assert sorted(p.partition for p in parts) == [(0, 2), (1, 2)]
        assert len({p.pid for p in parts}) == 2
        for part in parts:
            assert len(part.hosts) == 2
            assert {host_bucket(h) % 2 for h in part.hosts} == {part.partition[0]}
        assert parts[0].hosts | parts[1].hosts == {host_of(w.base) for w in webs}
        for web in webs:  # every page fetched once, politely
            assert [len(web.hits_for(f"/story-{i}")) for i in range(3)] == [1, 1, 1]
            assert len(web.hits_for("/feed.xml")) == 1
            assert_polite(web, POLITE.host_delay)
        assert stored(store) == urls  # each article once
        assert processed.processed == 12
        assert_processed(store, 12)
    finally:
        for web in webs:
            web.__exit__(None, None, None)


def test_a_worker_killed_mid_crawl_loses_and_duplicates_nothing(
    cluster: LocalRayCluster, stores: TestStores
) -> None:
    store = stores.open()
    # One site a part: the dead worker was fetching nothing but the page that kills it.
    webs = webs_in_parts(2, 1)
    try:
        urls = serve_stories(webs, store, per_site=4)
        victim = webs[0]
        part = host_bucket(host_of(victim.base)) % 2
        page = victim.routes["/story-0"]
        killed: list[int] = []

        def kill_the_fetcher(request: Request) -> Reply:
            """The first fetch of this page kills the worker making it, before the
            page is answered: the worker dies with the URL claimed, mid-job."""
            if not killed:
                pid = cluster.worker_running(f"crawl-{part}-of-2")
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            return page(request)

        victim.route("/story-0", kill_the_fetcher)
        with ray_executor(cluster, stores) as executor:
            stats = executor.crawl(store, POLITE)
            processed = ProcessJob(store, executor=executor, batch_size=4).run()
            parts = executor.crawl_parts
        assert len(killed) == 1
        # The killed part was re-run by Ray in another process; the URL its worker
        # had claimed was taken again in a second round.
        assert killed[0] not in {p.pid for p in parts}
        assert sorted(p.partition for p in parts) == [(0, 2), (0, 2), (1, 2), (1, 2)]
        assert len(victim.hits_for("/story-0")) == 2
        for web in webs:
            pages = [len(web.hits_for(f"/story-{i}")) for i in range(4)]
            assert pages == ([2, 1, 1, 1] if web is victim else [1, 1, 1, 1])
            assert len(web.hits_for("/feed.xml")) == 2  # re-polled by the second round
            assert_polite(web, POLITE.host_delay)
        # no article lost, none stored twice
        assert stored(store) == urls
        assert store.count_articles() == store.count_articles(include_duplicates=True) == 8
        # (the figures of the killed attempt died with it: those of the others remain)
        assert stats.articles_new >= 4
        assert processed.processed == 8
        assert_processed(store, 8)
    finally:
        for web in webs:
            web.__exit__(None, None, None)


def test_ingest_and_processing_on_the_cluster_match_local(
    cluster: LocalRayCluster, stores: TestStores, tmp_path: Path
) -> None:
    warc = write_warc(tmp_path / "news.warc.gz", archive_pages(14))
    local, ray_store = stores.open("local.db"), stores.open()
    whole = asyncio.run(IngestJob(local).run([warc]))
    with ray_executor(cluster, stores) as executor:
        shared = executor.ingest(ray_store, [warc])
        assert shared.as_dict() | {"elapsed": 0} == whole.as_dict() | {"elapsed": 0}
        assert stored(ray_store) == stored(local)
        assert ray_store.count_articles() == 14
        # The language stage over the same articles (same ids: ingested in order) gives
        # the same analyses and stories here and on the cluster.
        twin = stores.open("twin.db")
        asyncio.run(IngestJob(twin).run([warc]))
        ProcessJob(local, executor=LocalExecutor(), batch_size=4).run()
        on_ray = ProcessJob(twin, executor=executor, batch_size=4).run()
    assert on_ray.processed == 15 and on_ray.exact_duplicates == 1
    assert_same_analyses(snapshot(twin), snapshot(local))


def test_retraining_on_the_cluster_stores_the_model_local_retraining_makes(
    cluster: LocalRayCluster, stores: TestStores, tmp_path: Path
) -> None:
    warc = write_warc(tmp_path / "news.warc.gz", archive_pages(6))
    trained: dict[str, tuple[int, bytes | None]] = {}
    for name in ("local.db", "ray.db"):
        store = stores.open(name)
        asyncio.run(IngestJob(store).run([warc]))
        ProcessJob(store).run()
        ids = [a.id for a in store.list_articles(limit=10).items]
        store.record_events(
            [NewEvent("click", article_id=ids[i % 3], reader=f"r{i % 4}") for i in range(12)]
            + [NewEvent("dwell", article_id=ids[0], reader="r0", data={"seconds": 80.0})]
        )
        if name == "local.db":
            replayed = LocalExecutor().retrain(store, passes=2)
        else:
            with RayExecutor(stores.url(name), address=cluster.address, workers=1) as executor:
                replayed = executor.retrain(store, passes=2)
        trained[name] = (replayed, store.load_model(RANKER))
    assert trained["ray.db"][0] == trained["local.db"][0] > 0
    assert trained["ray.db"][1] is not None
    assert trained["ray.db"][1] == trained["local.db"][1]  # the same replay, the same model
