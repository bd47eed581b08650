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
"""

from __future__ import annotations

import argparse
import logging
import os
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
        ProcessJob(store, analyzer=analyzer, executor=executor).run()
        process = time.perf_counter() - started
        articles = store.count_articles(include_duplicates=True)
        assert ingested.articles_new and store.count_articles_to_process() == 0
        return Timing(articles, ingest, process)
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


SECTIONS: dict[str, tuple[str, Callable[[argparse.Namespace, Path], Table]]] = {
    "processing": ("Processing throughput (ingest + language stage)", processing_throughput),
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sections",
        default=",".join(SECTIONS),
        help=f"comma-separated, of: {', '.join(SECTIONS)} (default: all)",
    )
    parser.add_argument("--articles", type=int, default=240, help="pages in the corpus")
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
