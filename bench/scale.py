"""Scale-out benchmarks: how the pipeline's throughput grows with workers.

    .venv/bin/python bench/scale.py [--sections processing] [--articles 240]

Each section is one function in ``SECTIONS`` that returns a table; they share the
corpus (``build_corpus``: one WARC of generated news pages) and the timed run
(``ingest_and_process``: ingest the WARC into a fresh store, then the language stage),
so a section comparing something else (e.g. PostgreSQL against SQLite) is a function
that calls them with other database URLs or executors.

- ``processing``: articles a second of ingest + language processing of the same
  corpus with the local executor, then with 1 and 2 Ray workers (a private Ray
  instance on this machine, started once; not timed). Every configuration is warmed
  up first (models loaded in each process that will use them), so the figures are
  steady-state throughput, not start-up.
- ``ingest-stores``: the same ingest + language processing into SQLite and into
  PostgreSQL (local executor), with the storage each needs per article.
- ``feed-stores``: the feed path on each engine: ``bench/feed_latency.py``'s store
  (``--feed-stories`` stories, ``--feed-readers`` readers with histories) seeded
  through the store API into each, the learner over it, then ``tidings serve`` (one
  worker) under ``--feed-rate`` feed requests a second for ``--feed-seconds``.
- ``event-writes``: event batches (a feed page's 30 impressions) appended by four
  threads for ``--write-seconds``, on each engine: the serial-write ceiling.
- ``faults``: the corpus ingested on 2 Ray workers while one worker is SIGKILLed, and
  by ``tidings ingest`` into PostgreSQL while the server restarts: pages, articles
  stored, lost, stored twice.

PostgreSQL sections use ``--postgresql`` (a server URL whose account may create
databases), else start one on port 54330 with ``scripts/postgres`` (fsync on,
synchronous_commit off: as durable as SQLite's WAL mode with synchronous=NORMAL).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from tidings.crawl.warc import WarcArchive
from tidings.demo.sites import PROFILES, build_catalogue, build_routes, make_site
from tidings.nlp.analyze import Analyzer
from tidings.pipeline.executor import Executor, LocalExecutor
from tidings.pipeline.process import ProcessJob
from tidings.records import FetchResponse
from tidings.store import open_store

Table = tuple[list[str], list[list[str]]]


# --- shared by sections ----------------------------------------------------------------


def corpus_pages(articles: int, first_seed: int = 1) -> Iterator[tuple[str, bytes]]:
    """(URL, HTML) of ``articles`` generated news pages: the demo web's sites and
    article templates, over as many seeds as it takes from ``first_seed`` (a story
    repeated across seeds is a duplicate, as syndicated copies are on the real web)."""
    made = 0
    seed = first_seed - 1
    while made < articles:
        seed += 1
        catalogue = build_catalogue(seed)
        for profile in PROFILES:
            site = make_site(profile, f"https://{profile.key}-{seed}.example")
            posts = catalogue.articles[profile.key]
            routes = build_routes(profile, posts, site)
            for post in posts:
                if post.private:
                    continue
                yield site.base_url + post.path, routes[post.path].body
                made += 1
                if made == articles:
                    return


def build_corpus(articles: int, folder: Path, first_seed: int = 1) -> Path:
    """One WARC file of ``articles`` pages, as the crawler would have kept them."""
    with WarcArchive(folder) as archive:
        for url, body in corpus_pages(articles, first_seed):
            archive.write(
                FetchResponse(
                    url=url,
                    final_url=url,
                    status=200,
                    content_type="text/html",
                    charset="utf-8",
                    body=body,
                )
            )
    (path,) = archive.paths
    return path


@dataclass(frozen=True)
class Timing:
    articles: int
    ingest: float
    process: float
    #: Seconds of the language stage's ordered half (near-duplicate folding, story
    #: clustering, writes), which stays in one process whatever the executor.
    ordered: float = 0.0

    @property
    def rate(self) -> float:
        return self.articles / (self.ingest + self.process)


def ingest_and_process(
    database_url: str, warc: Path, executor: Executor, analyzer: Analyzer
) -> Timing:
    """Ingest ``warc`` into the (fresh) store at ``database_url``, then run the
    language stage over it, both on ``executor``; seconds of each."""
    store = open_store(database_url)
    try:
        started = time.perf_counter()
        ingested = executor.ingest(store, [warc])
        ingest = time.perf_counter() - started
        started = time.perf_counter()
        stats = ProcessJob(store, analyzer=analyzer, executor=executor).run()
        process = time.perf_counter() - started
        articles = store.count_articles(include_duplicates=True)
        assert ingested.articles_new and store.count_articles_to_process() == 0
        ordered = sum(stats.seconds.get(k, 0.0) for k in ("near_duplicates", "stories", "store"))
        return Timing(articles, ingest, process, ordered)
    finally:
        store.close()


def print_table(title: str, table: Table) -> None:
    headers, rows = table
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    print(f"\n{title}\n")
    for i, row in enumerate([headers, *rows]):
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


# --- sections ----------------------------------------------------------------------------


def processing_throughput(args: argparse.Namespace, work: Path) -> Table:
    import ray

    from tidings.pipeline.ray_executor import RayExecutor

    warc = build_corpus(args.articles, work / "corpus")
    # other pages: the embedder caches the vectors of the texts it has seen
    warm_up = build_corpus(40, work / "warm-up", first_seed=1000)
    analyzer = Analyzer()
    configurations: list[tuple[str, Callable[[str], Executor]]] = [
        ("local executor (in-process)", lambda url: LocalExecutor()),
        ("Ray, 1 worker", lambda url: RayExecutor(url, workers=1)),
        ("Ray, 2 workers", lambda url: RayExecutor(url, workers=2)),
    ]
    ray.init(address="local", num_cpus=2, logging_level=logging.WARNING)  # shared by both
    rows = []
    try:
        for n, (name, make) in enumerate(configurations):
            for run in ("warm-up", "timed"):
                url = str(work / f"{n}-{run}.db")
                with make(url) as executor:
                    timing = ingest_and_process(
                        url, warm_up if run == "warm-up" else warc, executor, analyzer
                    )
            rows.append(
                [
                    name,
                    str(timing.articles),
                    f"{timing.ingest:.1f}",
                    f"{timing.process:.1f}",
                    f"{timing.articles / timing.ingest:.1f}",
                    f"{timing.articles / timing.process:.1f}",
                    f"{timing.rate:.1f}",
                ]
            )
            print(f"  {name}: {timing}", file=sys.stderr, flush=True)
    finally:
        ray.shutdown()
    headers = [
        "executor",
        "articles",
        "ingest s",
        "process s",
        "ingest art/s",
        "process art/s",
        "ingest+process art/s",
    ]
    return headers, rows


def _postgresql(args: argparse.Namespace) -> str:
    """The admin URL of a PostgreSQL server: ``--postgresql``, else one started here with
    fsync on and synchronous_commit off (durable as SQLite's WAL with synchronous=NORMAL
    is: a fair comparison, unlike the tests' fsync=off server)."""
    url = str(args.postgresql or "")
    if not url:
        script = Path(__file__).resolve().parents[1] / "scripts" / "postgres"
        env = {
            **os.environ,
            "TIDINGS_PG_DURABLE": "1",
            "TIDINGS_PG_DIR": "/tmp/tidings-postgres-bench",
            "TIDINGS_PG_PORT": "54330",
        }
        started = subprocess.run(
            ["bash", str(script), "start"], env=env, capture_output=True, text=True, check=True
        )
        url = started.stdout.strip()
    args.postgresql = url
    return url


def _fresh_database(admin: str, name: str) -> str:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return admin.rpartition("/")[0] + "/" + name


def _database_bytes(url: str) -> int:
    """Bytes a database takes on disk (PostgreSQL: the server's count; SQLite: the file
    and its write-ahead log)."""
    if url.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
            return int(row[0]) if row else 0
    path = Path(url)
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


def ingest_stores(args: argparse.Namespace, work: Path) -> Table:
    admin = _postgresql(args)
    warc = build_corpus(args.articles, work / "corpus")
    warm_up = build_corpus(40, work / "warm-up", first_seed=1000)
    analyzer = Analyzer()
    rows = []
    empty = _database_bytes(_fresh_database(admin, "scale_empty"))
    for engine in ("SQLite", "PostgreSQL"):
        for run in ("warm-up", "timed"):
            if engine == "SQLite":
                url = str(work / f"{run}.db")
            else:
                url = _fresh_database(admin, f"scale_{run.replace('-', '_')}")
            timing = ingest_and_process(
                url, warm_up if run == "warm-up" else warc, LocalExecutor(), analyzer
            )
        size = _database_bytes(url) - (empty if engine == "PostgreSQL" else 0)
        rows.append(
            [
                engine,
                str(timing.articles),
                f"{timing.articles / timing.ingest:.1f}",
                f"{timing.articles / timing.process:.1f}",
                f"{timing.rate:.1f}",
                f"{timing.articles / timing.ordered:.0f}",
                f"{size / timing.articles / 1024:.1f}",
            ]
        )
        print(f"  {engine}: {timing}", file=sys.stderr, flush=True)
    headers = [
        "engine",
        "articles",
        "ingest art/s",
        "process art/s",
        "ingest+process art/s",
        "ordered half art/s",
        "KiB per article",
    ]
    return headers, rows


def feed_stores(args: argparse.Namespace, work: Path) -> Table:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import feed_latency

    admin = _postgresql(args)
    rows = []
    for engine in ("SQLite", "PostgreSQL"):
        folder = work / engine
        url = None if engine == "SQLite" else _fresh_database(admin, "scale_feed")
        seeded = feed_latency.seed(
            folder, args.feed_stories, args.feed_readers, 10, 0, database_url=url
        )
        url = url or str(seeded.path)
        applied, learn_seconds = feed_latency.learn(url)
        load, stored, _ = feed_latency.serve_and_load(
            url,
            folder,
            workers=1,
            readers=args.feed_readers,
            rate=args.feed_rate,
            event_rate=args.feed_rate / 10,
            seconds=args.feed_seconds,
        )
        served = len(load.latencies)
        rows.append(
            [
                engine,
                f"{seeded.stories / seeded.seconds:,.0f}",
                f"{applied / learn_seconds:,.0f}",
                f"{served / args.feed_seconds:.1f}",
                " / ".join(
                    f"{feed_latency.percentile_ms(load.latencies, q):.0f}" for q in (50, 90, 99)
                ),
                f"{feed_latency.percentile_ms(load.event_latencies, 99):.0f}",
                str(sum(load.errors.values())) if load.errors else "0",
                f"{stored:,}",
            ]
        )
        print(f"  {engine}: {rows[-1]}", file=sys.stderr, flush=True)
    headers = [
        "engine",
        "stories seeded/s",
        "learner events/s",
        "feed req/s",
        "feed p50 / p90 / p99 ms",
        "event batch p99 ms",
        "errors",
        "events stored",
    ]
    return headers, rows


def event_writes(args: argparse.Namespace, work: Path) -> Table:
    """Batches of 30 events (what one feed page writes: its impressions) appended from
    four threads at once for ``--write-seconds``: every such write is serial on both
    engines, so this is the ceiling of pages served a second by the whole deployment
    before the event log must move out of the database."""
    import threading

    from tidings.store import NewEvent

    admin = _postgresql(args)
    rows = []
    for engine in ("SQLite", "PostgreSQL"):
        url = (
            str(work / "events.db")
            if engine == "SQLite"
            else _fresh_database(admin, "scale_events")
        )
        open_store(url).close()  # migrated before the clock starts
        counts: list[int] = []
        deadline = time.perf_counter() + args.write_seconds

        def writer(
            n: int, url: str = url, deadline: float = deadline, counts: list[int] = counts
        ) -> None:
            store = open_store(url)
            done = 0
            try:
                while time.perf_counter() < deadline:
                    batch = [
                        NewEvent("impression", reader=f"r{n}", data={"position": i})
                        for i in range(30)
                    ]
                    done += store.record_events(batch)
            finally:
                store.close()
                counts.append(done)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        events = sum(counts)
        rows.append(
            [
                engine,
                f"{events / 30 / args.write_seconds:,.0f}",
                f"{events / args.write_seconds:,.0f}",
            ]
        )
    return ["engine", "batches of 30/s (4 writers)", "events/s"], rows


def _processes_named(prefix: str) -> list[int]:
    """Pids of live processes whose command line starts with ``prefix``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if command.startswith(prefix) and state != "Z":
            found.append(int(entry.name))
    return found


def _stored(url: str) -> tuple[int, set[str]]:
    """(article rows, their URLs) of a store; (0, {}) while it is unreachable."""
    from tidings.errors import StoreError

    try:
        store = open_store(url)
    except StoreError:
        return 0, set()
    try:
        rows = store.count_articles(include_duplicates=True)
        urls = {a.url for a in store.list_articles(include_duplicates=True, limit=100_000).items}
        return rows, urls
    except StoreError:
        return 0, set()
    finally:
        store.close()


def faults(args: argparse.Namespace, work: Path) -> Table:
    """Articles lost or stored twice when (1) a Ray worker is SIGKILLed mid-ingest and
    (2) the PostgreSQL server restarts mid-ingest (``tidings ingest`` in a process)."""
    import threading

    import ray

    from tidings.pipeline.ray_executor import RayExecutor

    warc = build_corpus(args.articles, work / "corpus")
    # what an undisturbed ingest stores: the reference for lost and doubled articles
    baseline = str(work / "baseline.db")
    LocalExecutor().ingest(open_store(baseline), [warc])
    expected_rows, expected = _stored(baseline)
    rows = []

    def row(fault: str, times: int, url: str) -> list[str]:
        stored, urls = _stored(url)
        return [
            fault,
            str(times),
            str(expected_rows),
            str(stored),
            str(len(expected - urls)),
            str(stored - len(urls)),
        ]

    # (1) a Ray worker killed while the ingest runs: its share is re-run
    url = str(work / "ray-kill.db")
    killed: list[int] = []

    def kill_one_worker() -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not killed:
            if _stored(url)[0] >= expected_rows // 5:
                pids = _processes_named("ray::ingest-")
                if pids:
                    os.kill(pids[0], 9)
                    killed.append(pids[0])
            time.sleep(0.1)

    ray.init(address="local", num_cpus=2, logging_level=logging.WARNING)
    try:
        open_store(url).close()
        killer = threading.Thread(target=kill_one_worker)
        killer.start()
        with RayExecutor(url, workers=2) as executor:
            executor.ingest(open_store(url), [warc])
        killer.join()
    finally:
        ray.shutdown()
    rows.append(row("Ray worker SIGKILLed mid-ingest (2 workers)", len(killed), url))

    # (2) the database server restarted while `tidings ingest` runs
    script = Path(__file__).resolve().parents[1] / "scripts" / "postgres"
    folder = tempfile.mkdtemp(prefix="tidings-pg-faults-")
    env = {
        **os.environ,
        "TIDINGS_PG_DURABLE": "1",
        "TIDINGS_PG_DIR": folder,
        "TIDINGS_PG_PORT": "54331",
    }
    admin = subprocess.run(
        ["bash", str(script), "start"], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    restarts = 0
    try:
        url = _fresh_database(admin, "faults")
        command = [sys.executable, "-m", "tidings", "--data-dir", str(work / "data")]
        job = subprocess.Popen(
            [*command, "ingest", str(warc), "--no-process"],
            env={**os.environ, "TIDINGS_DATABASE_URL": url, "TIDINGS_LOG_LEVEL": "WARNING"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        while job.poll() is None and _stored(url)[0] < expected_rows // 3:
            time.sleep(0.1)
        if job.poll() is None:
            subprocess.run(["bash", str(script), "restart"], env=env, check=True)
            restarts = 1
        _, err = job.communicate(timeout=600)
        retried = err.count("store unavailable while saving")
        fault = f"PostgreSQL restarted mid-ingest (exit {job.returncode}, {retried} pages retried)"
        rows.append(row(fault, restarts, url))
    finally:
        subprocess.run(["bash", str(script), "stop"], env=env, check=False)
        shutil.rmtree(folder, ignore_errors=True)
    headers = ["fault", "times", "articles expected", "articles stored", "lost", "stored twice"]
    return headers, rows


SECTIONS: dict[str, tuple[str, Callable[[argparse.Namespace, Path], Table]]] = {
    "processing": ("Processing throughput (ingest + language stage)", processing_throughput),
    "ingest-stores": ("Ingest path: SQLite vs PostgreSQL (local executor)", ingest_stores),
    "feed-stores": ("Feed path: SQLite vs PostgreSQL (one server process)", feed_stores),
    "event-writes": ("Serial writes: event batches appended a second", event_writes),
    "faults": ("Faults mid-ingest: nothing lost, nothing twice", faults),
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sections",
        default=",".join(SECTIONS),
        help=f"comma-separated, of: {', '.join(SECTIONS)} (default: all)",
    )
    parser.add_argument("--articles", type=int, default=240, help="pages in the corpus")
    parser.add_argument("--postgresql", help="PostgreSQL server URL (account may create DBs)")
    parser.add_argument("--feed-stories", type=int, default=10_000)
    parser.add_argument("--feed-readers", type=int, default=1_000)
    parser.add_argument("--feed-rate", type=float, default=10.0, help="feed requests/second")
    parser.add_argument("--feed-seconds", type=float, default=30.0)
    parser.add_argument("--write-seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    wanted = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown sections: {', '.join(unknown)}")
    print(f"bench/scale.py on {os.cpu_count()} CPUs, {args.articles} articles")
    for name in wanted:
        title, run = SECTIONS[name]
        with tempfile.TemporaryDirectory(prefix=f"scale-{name}-") as work:
            print_table(title, run(args, Path(work)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
