"""The ingest job: WARC archives → extraction → the store (``tidings ingest``).

Each HTML response of an archive (the crawler's own WARC files, Common Crawl's
CC-NEWS, any crawler's) goes through the same step as a crawled page
(``pages.store_page``); feeds, images and other records are counted and passed over.
Re-ingesting an archive stores nothing twice (articles are unique by URL, and a text
seen before is a duplicate), and a damaged archive keeps what was read before the
damage. The language and headline stages run afterwards, as after a crawl.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tidings.crawl.warc import ReadStats, read_responses
from tidings.errors import StoreError
from tidings.pipeline.pages import PageOutcome, store_page
from tidings.store import Store

log = logging.getLogger(__name__)

#: Media types ingested as pages (an archive's feeds and images are not articles).
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", ""})


@dataclass
class IngestStats:
    """What one ingest did; every response read ends in one counter."""

    archives: int = 0
    responses: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    duplicates: int = 0
    not_articles: Counter[str] = field(default_factory=Counter)
    #: Responses that are not pages (feeds, images, scripts...), by media type.
    not_pages: Counter[str] = field(default_factory=Counter)
    #: Records that are not 2xx responses (requests, metadata, revisits, errors).
    records_skipped: int = 0
    #: Archives that ended in a damaged or truncated record.
    damaged: list[str] = field(default_factory=list)
    #: Pages whose extraction failed with an error (logged), by error type.
    errors: Counter[str] = field(default_factory=Counter)
    elapsed: float = 0.0

    def add(self, other: IngestStats) -> None:
        """Count what another share of the same ingest did; ``elapsed`` stays this one's."""
        for name in ("archives", "responses", "articles_new", "articles_updated", "duplicates"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.not_articles.update(other.not_articles)
        self.not_pages.update(other.not_pages)
        self.records_skipped += other.records_skipped
        self.damaged.extend(other.damaged)
        self.errors.update(other.errors)

    def as_dict(self) -> dict[str, object]:
        return {
            "archives": self.archives,
            "responses": self.responses,
            "articles_new": self.articles_new,
            "articles_updated": self.articles_updated,
            "duplicates": self.duplicates,
            "not_articles": dict(self.not_articles),
            "not_pages": dict(self.not_pages),
            "records_skipped": self.records_skipped,
            "damaged": list(self.damaged),
            "errors": dict(self.errors),
            "elapsed": round(self.elapsed, 3),
        }


ProgressCallback = Callable[["IngestStats"], None]


class IngestJob:
    """``await IngestJob(store).run(paths)``.

    ``share=(k, n)``: ingest only the responses ``k``, ``k + n``, ``k + 2n``... of each
    archive, so ``n`` jobs in as many processes split one archive between them (the
    reading is cheap, the extraction is not). The archive's own figures (``archives``,
    ``records_skipped``, ``damaged``) are counted by share 0 alone, so the shares' stats
    add up to one ingest's.
    """

    def __init__(
        self,
        store: Store,
        *,
        on_progress: ProgressCallback | None = None,
        share: tuple[int, int] = (0, 1),
    ) -> None:
        part, parts = share
        if not 0 <= part < parts:
            raise ValueError(f"bad share {share!r}")
        self.store = store
        self.stats = IngestStats()
        self.share = share
        self._on_progress = on_progress

    async def run(self, paths: Sequence[Path]) -> IngestStats:
        started = time.monotonic()
        for path in paths:
            await self._archive(path)
            self.stats.archives += self._whole
        self.stats.elapsed = time.monotonic() - started
        log.info("ingest finished: %s", self.stats.as_dict())
        return self.stats

    async def _archive(self, path: Path) -> None:
        read = ReadStats()
        part, parts = self.share
        with path.open("rb") as stream:
            for index, archived in enumerate(read_responses(stream, read)):
                if index % parts != part:
                    continue
                response = archived.response
                self.stats.responses += 1
                if response.content_type not in PAGE_TYPES:
                    self.stats.not_pages[response.content_type] += 1
                    continue
                try:
                    stored = await store_page(
                        self.store, response, url=response.url, source_id=None, hints={}
                    )
                except StoreError:
                    raise  # e.g. a full disk: stop with the error, nothing half-written
                except Exception as exc:  # one bad page must not stop an archive
                    log.exception("could not ingest %s", response.url)
                    self.stats.errors[type(exc).__name__] += 1
                    continue
                self._count(stored.outcome, stored.reason)
                if self._on_progress is not None:
                    self._on_progress(self.stats)
        self.stats.records_skipped += read.skipped * self._whole
        if read.damaged and self._whole:
            self.stats.damaged.append(str(path))

    @property
    def _whole(self) -> int:
        """1 where this job counts the archives' own figures (share 0), else 0."""
        return int(self.share[0] == 0)

    def _count(self, outcome: PageOutcome, reason: str | None) -> None:
        if outcome is PageOutcome.NEW:
            self.stats.articles_new += 1
        elif outcome is PageOutcome.UPDATED:
            self.stats.articles_updated += 1
        elif outcome is PageOutcome.DUPLICATE:
            self.stats.duplicates += 1
        else:
            self.stats.not_articles[reason or "unknown"] += 1
