"""Feed latency benchmark (issue 6): the real server, a large store, load over loopback.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/feed_latency.py            # 100,000 stories
    .venv/bin/python bench/feed_latency.py --stories 20000 --readers 2000 --seconds 20

1. **Seed** a fresh SQLite store through the store's own API: ``--stories`` stories
   over the last six days (one in ten covered by three outlets), 200 outlets, seven
   topics, a few entities each, and 512-d embeddings drawn around 64 latent subjects;
   ``--readers`` readers with a history of ``--history`` stories each from their own
   two subjects (click + dwell events, 60% of them read to the end). The seeded store
   is kept under ``--keep`` and reused when its parameters match; each run serves a
   copy of it (made with SQLite's backup API), so every run starts from the same store.
2. **Learn**: the ranking learner (``tidings.pipeline.rank.learn_ranking``) folds the
   whole history into the model and the profiles; its events per second is the
   online learner's throughput on this machine.
3. **Serve and load**: ``tidings serve --workers N`` in a subprocess on 127.0.0.1,
   warmed up until pages come fast (each worker loads its candidate pool, model and
   neighbour index at start); then an open-loop
   load generator sends ``GET /api/v1/feed?user=…&limit=30`` at ``--rate`` requests
   per second for ``--seconds`` (random readers; Poisson arrivals, so a slow answer
   does not slow the load down), and, beside it, ``--event-rate`` batches a second of
   ``POST /api/v1/events`` (a click and a dwell time on a story of the reader's last
   page). Latency is measured from the planned send time (no coordinated omission).

Prints p50/p90/p99/max latency, achieved requests per second, errors, and the event
log's growth (every impression and event stored?). The comparison point is the
issue's target: p99 ≤ 50 ms at 100 requests/second, learning ≥ 1,000 events/second.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from tidings.pipeline.rank import learn_ranking, load_ranker  # noqa: E402
from tidings.records import (  # noqa: E402
    ArticleAnalysis,
    ArticleSaved,
    Entity,
    ExtractedArticle,
    Story,
)
from tidings.store import open_store  # noqa: E402
from tidings.store.base import NewEvent  # noqa: E402

TOPICS = ("world", "business", "science", "technology", "sport", "culture", "politics")
OUTLETS = 200
SUBJECTS = 64
DIM = 512
SEED_VERSION = 1


@dataclass
class Seeded:
    path: Path
    stories: int
    readers: int
    events: int
    seconds: float
    story_of_subject: dict[int, list[int]] = field(default_factory=dict)


def _vectors(rng: np.random.Generator, centers: np.ndarray, subjects: np.ndarray) -> np.ndarray:
    noisy = centers[subjects] + 0.8 * rng.standard_normal((len(subjects), DIM)) / np.sqrt(DIM)
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    return noisy.astype(np.float32)


def seed(
    directory: Path,
    stories: int,
    readers: int,
    history: int,
    rng_seed: int,
    *,
    database_url: str | None = None,
) -> Seeded:
    """A store of ``stories`` stories and ``readers`` readers' histories (see module doc):
    a SQLite file in ``directory`` (kept and reused), or, with ``database_url``, that
    database (an empty one, seeded every time)."""
    marker = directory / "seeded.json"
    params = {
        "stories": stories,
        "readers": readers,
        "history": history,
        "seed": rng_seed,
        "version": SEED_VERSION,
    }
    if (
        database_url is None
        and marker.exists()
        and json.loads(marker.read_text()).get("params") == params
    ):
        info = json.loads(marker.read_text())
        print(f"reusing the seeded store in {directory}", flush=True)
        return Seeded(directory / "tidings.db", stories, readers, info["events"], 0.0)
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    rng = np.random.default_rng(rng_seed)
    centers = rng.standard_normal((SUBJECTS, DIM)).astype(np.float32)
    centers /= np.linalg.norm(centers, axis=1, keepdims=True)
    started = time.perf_counter()
    store = open_store(database_url or str(directory / "tidings.db"))
    now = datetime.now(UTC)
    subjects = rng.integers(0, SUBJECTS, size=stories)
    by_subject: dict[int, list[int]] = {}
    batch: list[tuple[ArticleAnalysis, int | None]] = []
    story_batch: list[Story] = []
    representative: list[int] = []
    for index in range(stories):
        subject = int(subjects[index])
        published = (now - timedelta(seconds=float(rng.uniform(0, 6 * 86400)))).isoformat(
            timespec="seconds"
        )
        outlets = 3 if index % 10 == 0 else 1
        members: list[int] = []
        vectors = _vectors(rng, centers, np.array([subject] * outlets))
        for copy in range(outlets):
            outlet = (index * 7 + copy * 31) % OUTLETS
            url = f"https://outlet{outlet}.example/{index}/{copy}"
            text = f"Report {index} by outlet {outlet} on subject {subject}. " * 20
            saved = store.save_article(
                ExtractedArticle(
                    url=url,
                    canonical_url=url,
                    title=f"Subject {subject}: story {index} as told by outlet {outlet}",
                    text=text,
                    language="en",
                    site_name=f"Outlet {outlet}",
                ),
                url=url,
                source_id=None,
                fetch_id=None,
                published_at=published,
                content_hash=hashlib.sha256(text.encode()).hexdigest(),
            )
            assert isinstance(saved, ArticleSaved)
            members.append(saved.article_id)
            entities = tuple(
                Entity(f"Entity {e}", "organization", f"entity {e}")
                for e in (subject * 3, subject * 3 + 1, int(rng.integers(0, 3 * SUBJECTS)))
            )
            batch.append(
                (
                    ArticleAnalysis(
                        article_id=saved.article_id,
                        language="en",
                        embedding=vectors[copy].tobytes(),
                        embed_model="bench",
                        minhash=None,
                        entities=entities,
                        keywords=(f"subject{subject}", f"story{index}"),
                        topic=TOPICS[subject % len(TOPICS)],
                        topic_score=0.9,
                    ),
                    None,
                )
            )
        story_batch.append(
            Story(index + 1, tuple(members), members[0], published, published, ("en",))
        )
        representative.append(members[0])
        by_subject.setdefault(subject, []).append(members[0])
        if len(story_batch) >= 2000 or index == stories - 1:
            store.save_analyses(batch, stories=story_batch)
            batch, story_batch = [], []
            print(f"  seeded {index + 1:,} stories", end="\r", flush=True)
    print()
    events = 0
    pending: list[NewEvent] = []
    for reader_index in range(readers):
        reader = f"reader{reader_index}"
        likes = rng.choice(SUBJECTS, size=2, replace=False)
        for _ in range(history):
            pool = by_subject.get(int(rng.choice(likes))) or representative
            article = int(pool[int(rng.integers(0, len(pool)))])
            seconds = 90.0 if rng.random() < 0.6 else 5.0
            pending.append(NewEvent("click", article_id=article, reader=reader))
            pending.append(
                NewEvent("dwell", article_id=article, reader=reader, data={"seconds": seconds})
            )
        if len(pending) >= 5000 or reader_index == readers - 1:
            events += store.record_events(pending)
            pending = []
    store.close()
    seconds = time.perf_counter() - started
    marker.write_text(json.dumps({"params": params, "events": events}))
    return Seeded(directory / "tidings.db", stories, readers, events, seconds, by_subject)


def learn(url: str) -> tuple[int, float]:
    """Fold the stored history into the model: (events applied, seconds)."""
    store = open_store(url)
    try:
        ranker = load_ranker(store)
        started = time.perf_counter()
        applied = learn_ranking(store, ranker, batch=2000)
        return applied, time.perf_counter() - started
    finally:
        store.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, data_dir: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = dict(
        os.environ,
        TIDINGS_DATA_DIR=str(data_dir),
        TIDINGS_DATABASE_URL=url,
        TIDINGS_LOG_LEVEL="WARNING",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "tidings", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/v1/status", timeout=2).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start within 120 s")


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    event_latencies: list[float] = field(default_factory=list)
    events_sent: int = 0
    last_page: dict[str, list[int]] = field(default_factory=dict)
    #: (seconds into the load, resident memory of the server's processes in MiB)
    memory: list[tuple[float, float]] = field(default_factory=list)


def tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants (MiB), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, pp in parents.items() if pp == parent and p not in tree]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for member in tree:
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


async def _sample_memory(load: Load, pid: int, start: float, seconds: float) -> None:
    while (now := time.perf_counter() - start) <= seconds:
        load.memory.append((now, tree_rss_mib(pid)))
        await asyncio.sleep(min(10.0, max(1.0, seconds / 60)))


async def _feed(client: httpx.AsyncClient, load: Load, reader: str, planned: float) -> None:
    try:
        response = await client.get("/api/v1/feed", params={"user": reader, "limit": 30})
        response.raise_for_status()
        items = response.json()["items"]
        load.last_page[reader] = [int(i["article_id"]) for i in items]
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        key = type(exc).__name__
        load.errors[key] = load.errors.get(key, 0) + 1
        return
    load.latencies.append(time.perf_counter() - planned)


async def _events(client: httpx.AsyncClient, load: Load, reader: str, planned: float) -> None:
    page = load.last_page.get(reader)
    if not page:
        return
    article = random.choice(page[:10])
    body = {
        "events": [
            {"kind": "click", "article_id": article, "reader": reader},
            {"kind": "dwell", "article_id": article, "reader": reader, "seconds": 75},
        ]
    }
    try:
        response = await client.post("/api/v1/events", json=body)
        response.raise_for_status()
        load.events_sent += 2
    except httpx.HTTPError as exc:
        key = f"events {type(exc).__name__}"
        load.errors[key] = load.errors.get(key, 0) + 1
        return
    load.event_latencies.append(time.perf_counter() - planned)


async def drive(
    base: str,
    readers: int,
    rate: float,
    event_rate: float,
    seconds: float,
    server_pid: int | None = None,
) -> Load:
    """Open-loop Poisson arrivals of feed requests and event batches (and, given the
    server's pid, its memory sampled every few seconds)."""
    load = Load()
    rng = random.Random(7)
    # idle connections are dropped before uvicorn's own 5 s keep-alive closes them: at
    # httpx's default (also 5 s) a request sent on a connection the server is closing
    # fails with a ReadError now and then, which is the client's race, not the server's
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200, keepalive_expiry=4)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        tasks: list[asyncio.Task[None]] = []
        start = time.perf_counter()
        plans: list[tuple[float, str]] = []
        t = 0.0
        while t < seconds:
            t += rng.expovariate(rate)
            plans.append((t, "feed"))
        t = 0.0
        while event_rate > 0 and t < seconds:
            t += rng.expovariate(event_rate)
            plans.append((t, "events"))
        plans.sort()
        if server_pid is not None:
            tasks.append(asyncio.create_task(_sample_memory(load, server_pid, start, seconds)))
        for offset, kind in plans:
            planned = start + offset
            delay = planned - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            reader = f"reader{rng.randrange(readers)}"
            job = _feed if kind == "feed" else _events
            tasks.append(asyncio.create_task(job(client, load, reader, planned)))
        await asyncio.gather(*tasks)
    return load


def percentile_ms(values: list[float], q: float) -> float:
    """The ``q``-th percentile of latencies in seconds, in milliseconds."""
    return float(np.percentile(np.array(values), q)) * 1000 if values else float("nan")


def _copy_store(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite store (its write-ahead log included)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def count_events(url: str, kinds: tuple[str, ...] = ()) -> int:
    """Events in the store at ``url`` (of these kinds only, if given)."""
    store = open_store(url)
    try:
        if not kinds:
            return store.count_events()
        return sum(store.count_events(kind) for kind in kinds)
    finally:
        store.close()


#: What the load's event batches send (impressions are written by the feed itself).
FEEDBACK = ("click", "dwell")


def serve_and_load(
    url: str,
    data_dir: Path,
    *,
    workers: int,
    readers: int,
    rate: float,
    event_rate: float,
    seconds: float,
) -> tuple[Load, int]:
    """Serve ``url`` with ``workers`` processes, warm them up, drive the load: the load's
    record, the events the store gained meanwhile, and of those the clicks and dwell
    times (which must be exactly what the load sent)."""
    before = count_events(url)
    feedback_before = count_events(url, FEEDBACK)
    process, base = start_server(url, data_dir, workers)
    try:
        # warm-up: every worker loads its candidate pool, model and neighbour index at
        # start; wait until every worker says it is ready (20 ready answers in a row,
        # whichever worker answers), then until pages come fast (20 in a row < 250 ms)
        warm = time.perf_counter()
        ready = 0
        while ready < 20 * workers and time.perf_counter() - warm < 600:
            answer = httpx.get(f"{base}/readyz", timeout=600)
            ready = ready + 1 if answer.status_code == 200 else 0
            time.sleep(0.05 if ready else 1.0)
        fast = 0
        while fast < 20 and time.perf_counter() - warm < 600:
            began = time.perf_counter()
            httpx.get(f"{base}/api/v1/feed", params={"user": "reader0"}, timeout=600)
            fast = fast + 1 if time.perf_counter() - began < 0.25 else 0
            time.sleep(0.05 if fast else 1.0)
        print(f"warm-up (pools, models, indexes loaded): {time.perf_counter() - warm:.0f} s")
        load = asyncio.run(drive(base, readers, rate, event_rate, seconds, process.pid))
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    return load, count_events(url) - before, count_events(url, FEEDBACK) - feedback_before


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--readers", type=int, default=10_000)
    parser.add_argument("--history", type=int, default=10, help="stories read per reader")
    parser.add_argument("--rate", type=float, default=100.0, help="feed requests per second")
    parser.add_argument("--event-rate", type=float, default=10.0, help="event batches/second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, default=Path("/tmp/tidings-feed-latency"))
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--seed-only", action="store_true", help="seed the store, then stop")
    parser.add_argument(
        "--database-url",
        help="seed and serve this (empty) database instead, e.g. postgresql://... "
        "(seeded anew every run)",
    )
    args = parser.parse_args(argv)

    directory = args.keep / f"s{args.stories}-r{args.readers}-h{args.history}-seed{args.seed}"
    if args.database_url:
        directory = args.keep / "other-database"
    seeded = seed(
        directory,
        args.stories,
        args.readers,
        args.history,
        args.seed,
        database_url=args.database_url,
    )
    if seeded.seconds:
        print(
            f"seeded {seeded.stories:,} stories, {seeded.readers:,} readers, "
            f"{seeded.events:,} events in {seeded.seconds:.0f} s"
        )
    if args.seed_only:
        return 0
    url = args.database_url or str(seeded.path)
    applied, learn_seconds = learn(url)
    if applied:
        print(
            f"learner: {applied:,} events in {learn_seconds:.1f} s = "
            f"{applied / learn_seconds:,.0f} events/s"
        )
    # serve a copy of a SQLite store: every run starts from the same store (the load
    # adds ~20,000 events)
    run_dir = directory / "run"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir()
    if not args.database_url:
        path = run_dir / seeded.path.name
        copied = time.perf_counter()
        _copy_store(seeded.path, path)
        print(f"store copied for this run in {time.perf_counter() - copied:.0f} s")
        url = str(path)
    try:
        load, stored, feedback = serve_and_load(
            url,
            run_dir,
            workers=args.workers,
            readers=args.readers,
            rate=args.rate,
            event_rate=args.event_rate,
            seconds=args.seconds,
        )
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    served = len(load.latencies)
    print()
    print(f"| feed requests | {served:,} in {args.seconds:.0f} s = {served / args.seconds:.1f}/s |")
    print("| --- | --- |")
    for name, q in (("p50", 50), ("p90", 90), ("p99", 99), ("max", 100)):
        print(f"| feed latency {name} | {percentile_ms(load.latencies, q):.1f} ms |")
    print(
        f"| event batches | {len(load.event_latencies):,}, p99 "
        f"{percentile_ms(load.event_latencies, 99):.1f} ms |"
    )
    print(f"| errors | {json.dumps(load.errors) if load.errors else 'none'} |")
    if load.memory:
        first, last = load.memory[0][1], load.memory[-1][1]
        peak = max(m for _, m in load.memory)
        print(
            f"| server memory (RSS, all processes) | {first:.0f} MiB at the start, "
            f"{last:.0f} MiB at the end, {peak:.0f} MiB at most |"
        )
        step = max(1, len(load.memory) // 10)
        series = ", ".join(f"{t:.0f}s {m:.0f}" for t, m in load.memory[::step])
        print(f"| memory over the run (s MiB) | {series} |")
    expected = served * 30 + load.events_sent + 1 * 30
    print(
        f"| events stored during the run | {stored:,} "
        f"(pages x items + events sent ≈ {expected:,}) |"
    )
    print(
        f"| clicks and dwell times sent / stored | {load.events_sent:,} / {feedback:,}"
        f"{' (all stored)' if feedback == load.events_sent else ' (MISMATCH)'} |"
    )
    return 0 if not load.errors and feedback == load.events_sent else 1


if __name__ == "__main__":
    sys.exit(main())
