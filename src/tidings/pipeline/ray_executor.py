"""The Ray executor (``TIDINGS_EXECUTOR=ray``): the pipeline's jobs split over the
workers of a Ray cluster, each part a Ray task (:mod:`tidings.pipeline.ray_tasks`).

A task whose worker dies is re-run by Ray (``max_retries``); one that raises is re-run
only where that cannot store anything twice: crawl and ingest parts on a ``StoreError``
(their writes are idempotent, and two workers writing one database may meet a
transient failure), never the pure analysis (it would fail again the same way).

Crawling needs more than a retry. A worker killed mid-crawl leaves the URLs it had
claimed "in progress", and only ``store.start_run()`` puts those back in the queue:
the driver calls it before the workers start and, after they have all finished, again
if a dead worker left URLs behind (it also re-polls the sources, which conditional GET
keeps cheap); then it runs another round. Another round also follows when URLs became
due after the workers finished (a feed of one part may list pages of another part's
hosts, found after that part's worker had stopped).

Every node needs Tidings installed (``pip install 'tidings[ray]'``) and must reach the
database: PostgreSQL for a real cluster; a SQLite file serves workers on one machine.
Workers run in the cluster's environment, not the driver's: what they need of the
driver's configuration travels with each task (the crawl settings, the embedding
model's name).
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from tidings.config import CrawlSettings
from tidings.errors import ConfigError, StoreError, TidingsError
from tidings.nlp.analyze import Analyzer, ArticleText, Enrichment, Fingerprint
from tidings.pipeline import ray_tasks
from tidings.pipeline.crawl import CrawlStats
from tidings.pipeline.crawl import ProgressCallback as CrawlProgress
from tidings.pipeline.executor import Executor, IngestProgress
from tidings.pipeline.ingest import IngestStats
from tidings.pipeline.ray_tasks import CrawlPart
from tidings.records import URLState
from tidings.store import Store

log = logging.getLogger(__name__)

#: Times Ray re-runs a part whose worker died (or, for crawl and ingest, that met a
#: ``StoreError``) before the job fails.
MAX_RETRIES = 3
#: Crawl rounds at most in one run (each round finishes what the previous left).
MAX_ROUNDS = 10
#: Seconds between two progress reports while parts run.
PROGRESS_EVERY = 0.5

T = TypeVar("T")


def import_ray() -> ModuleType:
    """The ``ray`` module, or a ConfigError saying how to install it."""
    try:
        import ray
    except ImportError as exc:
        raise ConfigError(
            "TIDINGS_EXECUTOR=ray needs Ray on this machine and on every node of the "
            "cluster: pip install 'tidings[ray]'"
        ) from exc
    return ray


def shared_database_url(url: str) -> str:
    """``url`` as a worker sees it: a Ray worker runs in a folder of its own, so a
    relative SQLite path is made absolute (other URLs are the same everywhere)."""
    if "://" in url and not url.startswith("sqlite:///"):
        return url
    return str(Path(url.removeprefix("sqlite:///")).resolve())


class RayExecutor(Executor):
    """Jobs split over a Ray cluster's workers, for the store at ``database_url``.

    ``address``: the cluster (``host:port`` of its head, or ``auto``); empty starts a
    private Ray on this machine for as long as the executor lives. ``workers``: parts a
    job is split into; 0: one per CPU of the cluster. A connection made elsewhere
    (``ray.init`` already called) is used as it is, and left open.
    """

    name = "ray"

    def __init__(self, database_url: str, *, address: str = "", workers: int = 0) -> None:
        ray = import_ray()
        self._ray = ray
        self._connected_here = not ray.is_initialized()
        if self._connected_here:
            # "local": a new private instance, never a cluster another run left behind
            ray.init(address=address or "local", logging_level=logging.WARNING)
        self.cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
        self.workers = workers if workers > 0 else self.cpus
        self.database_url = shared_database_url(database_url)
        machines = {n.get("NodeManagerAddress") for n in ray.nodes() if n.get("Alive")}
        if len(machines) > 1 and "://" not in self.database_url:
            self.close()
            raise ConfigError(
                f"a Ray cluster of {len(machines)} machines cannot share the SQLite file "
                f"{self.database_url}: use PostgreSQL (TIDINGS_DATABASE_URL=postgresql://…; "
                "tidings store copy moves the data over)"
            )
        #: What each worker did in the last crawl, round after round.
        self.crawl_parts: list[CrawlPart] = []
        writes = {"max_retries": MAX_RETRIES, "retry_exceptions": [StoreError]}
        self._crawl_part = ray.remote(**writes)(ray_tasks.crawl_part)
        self._ingest_share = ray.remote(**writes)(ray_tasks.ingest_share)
        self._fingerprint_chunk = ray.remote(max_retries=MAX_RETRIES)(ray_tasks.fingerprint_chunk)
        self._enrich_chunk = ray.remote(max_retries=MAX_RETRIES)(ray_tasks.enrich_chunk)
        # the retrained model is stored by compare-and-set: a re-run stores it once
        self._retrain = ray.remote(**writes)(ray_tasks.retrain)
        log.info("Ray executor: %d workers over %d CPUs", self.workers, self.cpus)

    def close(self) -> None:
        if self._connected_here and self._ray.is_initialized():
            self._ray.shutdown()

    # --- training ----------------------------------------------------------------

    def retrain(self, store: Store, *, passes: int) -> int:
        """The whole replay as one task on a worker (the model is one sequential pass
        over the log; what it frees is the machine that asked for it)."""
        replayed: int = self._ray.get(self._retrain.remote(self.database_url, passes))
        return replayed

    # --- crawl -----------------------------------------------------------------

    def crawl(
        self, store: Store, settings: CrawlSettings, *, on_progress: CrawlProgress | None = None
    ) -> CrawlStats:
        """Crawl with one worker per frontier partition. Each worker stays until the
        whole frontier is done, so the parts run at once: at most one per CPU."""
        started = time.monotonic()
        parts = max(1, min(self.workers, self.cpus))
        total = CrawlStats()
        self.crawl_parts = []
        queued = store.start_run()
        log.info("crawl started: %d URLs queued, %d parts", queued, parts)

        def report(done: list[CrawlPart]) -> None:
            if on_progress is not None:
                so_far = CrawlStats()
                for stats in (total, *(part.stats for part in done)):
                    so_far.add(stats)
                on_progress(so_far, store.frontier_counts())

        for round_ in range(1, MAX_ROUNDS + 1):
            refs = [
                self._crawl_part.options(name=f"crawl-{k}-of-{parts}").remote(
                    self.database_url, _part_settings(settings, k, parts), (k, parts)
                )
                for k in range(parts)
            ]
            for part in self._gather(refs, report):
                total.add(part.stats)
                self.crawl_parts.append(part)
            if not self._another_round(store, settings, round_):
                break
        total.elapsed = time.monotonic() - started
        log.info("crawl finished: %s", total.as_dict())
        return total

    def _another_round(self, store: Store, settings: CrawlSettings, round_: int) -> bool:
        """Whether the workers left work for another round (re-queued here if need be)."""
        counts = store.frontier_counts()
        left = counts.get(URLState.IN_PROGRESS.value, 0)
        due = store.next_due()
        soon = due is not None and due - time.time() <= settings.max_retry_wait
        if not left and not soon:
            return False
        if round_ == MAX_ROUNDS:
            log.warning("crawl stopped after %d rounds: the rest is left for the next run", round_)
            return False
        if left:
            log.warning("%d URLs were left in progress by a dead worker: crawled again", left)
            store.start_run()
        # The next round's workers know nothing of this round's last requests: a pause
        # keeps them polite to the hosts those were made to.
        time.sleep(settings.host_delay)
        return True

    # --- ingest ----------------------------------------------------------------

    def ingest(
        self, store: Store, paths: Sequence[Path], *, on_progress: IngestProgress | None = None
    ) -> IngestStats:
        """Each archive split in shares (enough for every worker), one task a share."""
        started = time.monotonic()
        files = [p.resolve() for p in paths]
        shares = max(1, math.ceil(self.workers / max(1, len(files))))
        refs = [
            self._ingest_share.options(name=f"ingest-{path.name}-{k}-of-{shares}").remote(
                self.database_url, [path], (k, shares)
            )
            for path in files
            for k in range(shares)
        ]
        total = IngestStats()

        def report(done: list[IngestStats]) -> None:
            if on_progress is not None:
                so_far = IngestStats()
                for stats in done:
                    so_far.add(stats)
                on_progress(so_far)

        for stats in self._gather(refs, report):
            total.add(stats)
        total.elapsed = time.monotonic() - started
        log.info("ingest finished: %s", total.as_dict())
        return total

    # --- language analysis -----------------------------------------------------

    def fingerprints(self, analyzer: Analyzer, items: Sequence[ArticleText]) -> list[Fingerprint]:
        model = analyzer.embedder.model_name
        refs = [self._fingerprint_chunk.remote(model, chunk) for chunk in self._chunks(items)]
        done: list[list[Fingerprint]] = self._gather(refs)
        return [p for chunk in done for p in chunk]

    def enrich(
        self,
        analyzer: Analyzer,
        items: Sequence[ArticleText],
        languages: Sequence[str | None],
    ) -> list[Enrichment]:
        model = analyzer.embedder.model_name
        chunks = self._chunks(list(zip(items, languages, strict=True)))
        refs = [
            self._enrich_chunk.remote(model, [i for i, _ in chunk], [lang for _, lang in chunk])
            for chunk in chunks
        ]
        done: list[list[Enrichment]] = self._gather(refs)
        return [e for chunk in done for e in chunk]

    def _chunks(self, items: Sequence[T]) -> list[list[T]]:
        """``items`` in order, in at most ``workers`` chunks of near-equal size."""
        if not items:
            return []
        size = math.ceil(len(items) / self.workers)
        return [list(items[i : i + size]) for i in range(0, len(items), size)]

    # --- helpers ---------------------------------------------------------------

    def _gather(
        self, refs: list[Any], on_progress: Callable[[list[T]], None] | None = None
    ) -> list[T]:
        """The results of ``refs``, in order, reporting progress while they run. A
        part that failed for good fails the job (a Ray failure as a TidingsError); the
        other parts are cancelled."""
        ray = self._ray
        done: dict[int, T] = {}
        pending = list(refs)
        try:
            while pending:
                ready, pending = ray.wait(pending, num_returns=len(pending), timeout=PROGRESS_EVERY)
                for ref in ready:
                    done[refs.index(ref)] = ray.get(ref)
                if on_progress is not None:
                    on_progress(list(done.values()))
        except ray.exceptions.RayError as exc:
            if isinstance(exc, TidingsError):  # the task's own error (e.g. a StoreError)
                raise
            raise TidingsError(f"a Ray task failed: {exc}") from exc
        finally:
            for ref in pending:
                ray.cancel(ref)
        return [done[i] for i in range(len(refs))]


def _part_settings(settings: CrawlSettings, part: int, parts: int) -> CrawlSettings:
    """``settings`` for the worker of one part: its share of ``max_pages``, and its own
    WARC folder (``<warc_dir>/part-<k>-of-<n>``: two workers never write one file)."""
    changes: dict[str, Any] = {}
    if settings.max_pages:
        changes["max_pages"] = math.ceil(settings.max_pages / parts)
    if settings.warc_dir:
        changes["warc_dir"] = str(Path(settings.warc_dir).resolve() / f"part-{part}-of-{parts}")
    return dataclasses.replace(settings, **changes)
