"""What a Ray worker runs for :mod:`tidings.pipeline.ray_executor`: the pipeline's own
jobs on one part of the work.

Plain functions (the executor wraps them with ``ray.remote``), so this module imports
no Ray. Each opens its own store from the database URL (a store is never shipped to a
worker) and returns plain records; the analysis functions keep one ``Analyzer`` per
worker process, its models loaded once.
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tidings.config import CrawlSettings
from tidings.nlp.analyze import Analyzer, ArticleText, Enrichment, Fingerprint
from tidings.nlp.embed import Embedder
from tidings.pipeline.crawl import CrawlJob, CrawlStats
from tidings.pipeline.ingest import IngestJob, IngestStats
from tidings.pipeline.rank import retrain_ranking
from tidings.store import open_store


@dataclass(frozen=True)
class CrawlPart:
    """What one worker of a partitioned crawl did."""

    #: ``(k, n)``: the worker crawled the hosts of part ``k`` of ``n``.
    partition: tuple[int, int]
    #: The worker's process (a part re-run after its worker died has another).
    pid: int
    #: The hosts it claimed URLs of.
    hosts: frozenset[str]
    stats: CrawlStats


def crawl_part(database_url: str, settings: CrawlSettings, partition: tuple[int, int]) -> CrawlPart:
    """A ``CrawlJob`` over the hosts of ``partition`` only, without ``start_run`` (the
    driver ran it once for every part)."""
    store = open_store(database_url)
    try:
        job = CrawlJob(store, settings, partition=partition, start_run=False)
        stats = asyncio.run(job.run())
    finally:
        store.close()
    return CrawlPart(partition, os.getpid(), frozenset(job.hosts), stats)


def ingest_share(database_url: str, paths: Sequence[Path], share: tuple[int, int]) -> IngestStats:
    """An ``IngestJob`` over ``share`` of the responses of each archive."""
    store = open_store(database_url)
    try:
        return asyncio.run(IngestJob(store, share=share).run(paths))
    finally:
        store.close()


def retrain(database_url: str, passes: int) -> int:
    """``retrain_ranking`` over the store at ``database_url``: events replayed."""
    store = open_store(database_url)
    try:
        return retrain_ranking(store, passes=passes)[1]
    finally:
        store.close()


@functools.cache
def _analyzer(model: str) -> Analyzer:
    """This worker's analyzer for ``model`` (built once: its models load on first use)."""
    return Analyzer(Embedder(model))


def fingerprint_chunk(model: str, items: Sequence[ArticleText]) -> list[Fingerprint]:
    analyzer = _analyzer(model)
    return [analyzer.fingerprint(item) for item in items]


def enrich_chunk(
    model: str, items: Sequence[ArticleText], languages: Sequence[str | None]
) -> list[Enrichment]:
    return _analyzer(model).enrich(items, languages)
