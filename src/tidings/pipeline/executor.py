"""Where the pipeline's jobs run: in this process (the default), or on a Ray cluster.

The jobs are the same either way (``CrawlJob``, ``IngestJob``, the language stage's
``Analyzer``); an executor only decides in which processes their parts run, chosen by
one setting (``TIDINGS_EXECUTOR=local|ray``):

- crawling: one ``CrawlJob`` here, or one per frontier partition on as many workers
  (a host belongs to one partition, so per-host politeness holds across workers);
- ingesting WARC archives: one ``IngestJob`` here, or shares of every archive on as
  many workers, each through the same ``pages.store_page`` step;
- language processing: the per-article, pure half (fingerprints, then embeddings and
  annotations) here, or in chunks on the workers; what depends on order (near-duplicate
  folding, story clustering, the store writes) stays with ``ProcessJob`` in this
  process, so the result is the same;
- model training (``tidings retrain``: the ranker replayed over the whole event log)
  here, or as one task on a worker, away from the serving machines.

A worker opens its own store from the database URL; nothing but URLs, settings and
records travels to it. Every store write is idempotent, so a part re-run after its
worker died stores nothing twice.
"""

from __future__ import annotations

import abc
import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

from tidings.config import EXECUTORS, CrawlSettings, Settings
from tidings.errors import ConfigError
from tidings.nlp.analyze import Analyzer, ArticleText, Enrichment, Fingerprint
from tidings.pipeline.crawl import CrawlJob, CrawlStats
from tidings.pipeline.crawl import ProgressCallback as CrawlProgress
from tidings.pipeline.ingest import IngestJob, IngestStats
from tidings.pipeline.rank import retrain_ranking
from tidings.store import Store

IngestProgress = Callable[[IngestStats], None]


class Executor(abc.ABC):
    """Runs the pipeline's parallel work; ``with open_executor(settings) as executor:``."""

    #: The setting that picks it (``TIDINGS_EXECUTOR``).
    name: str
    #: How many parts a job is split into (1: all of it here, in order).
    workers: int = 1

    def __enter__(self) -> Executor:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:  # noqa: B027 (most executors hold nothing)
        """Let go of what the executor holds (a cluster connection)."""

    @abc.abstractmethod
    def crawl(
        self, store: Store, settings: CrawlSettings, *, on_progress: CrawlProgress | None = None
    ) -> CrawlStats:
        """One crawl run over ``store``'s frontier (a killed run's URLs are taken again)."""

    @abc.abstractmethod
    def ingest(
        self, store: Store, paths: Sequence[Path], *, on_progress: IngestProgress | None = None
    ) -> IngestStats:
        """The pages of the WARC archives at ``paths``, extracted into ``store``."""

    @abc.abstractmethod
    def retrain(self, store: Store, *, passes: int) -> int:
        """Retrain the feed ranker from ``store``'s whole event log and store it (see
        ``pipeline.rank.retrain_ranking``); returns the events replayed."""

    @abc.abstractmethod
    def fingerprints(self, analyzer: Analyzer, items: Sequence[ArticleText]) -> list[Fingerprint]:
        """``analyzer.fingerprint`` of every item, in order."""

    @abc.abstractmethod
    def enrich(
        self,
        analyzer: Analyzer,
        items: Sequence[ArticleText],
        languages: Sequence[str | None],
    ) -> list[Enrichment]:
        """``analyzer.enrich(items, languages)``, in order."""


class LocalExecutor(Executor):
    """Everything in this process, one job at a time: the single-machine default."""

    name = "local"

    def crawl(
        self, store: Store, settings: CrawlSettings, *, on_progress: CrawlProgress | None = None
    ) -> CrawlStats:
        return asyncio.run(CrawlJob(store, settings, on_progress=on_progress).run())

    def ingest(
        self, store: Store, paths: Sequence[Path], *, on_progress: IngestProgress | None = None
    ) -> IngestStats:
        return asyncio.run(IngestJob(store, on_progress=on_progress).run(paths))

    def retrain(self, store: Store, *, passes: int) -> int:
        return retrain_ranking(store, passes=passes)[1]

    def fingerprints(self, analyzer: Analyzer, items: Sequence[ArticleText]) -> list[Fingerprint]:
        return [analyzer.fingerprint(item) for item in items]

    def enrich(
        self,
        analyzer: Analyzer,
        items: Sequence[ArticleText],
        languages: Sequence[str | None],
    ) -> list[Enrichment]:
        return analyzer.enrich(items, languages)


def open_executor(settings: Settings) -> Executor:
    """The executor ``settings.executor`` names, for the store at
    ``settings.resolved_database_url`` (Ray is imported only when asked for)."""
    if settings.executor == "local":
        return LocalExecutor()
    if settings.executor == "ray":
        from tidings.pipeline.ray_executor import RayExecutor

        return RayExecutor(
            settings.resolved_database_url, address=settings.ray_address, workers=settings.workers
        )
    raise ConfigError(
        f"TIDINGS_EXECUTOR={settings.executor!r}: expected one of {', '.join(EXECUTORS)}"
    )
