"""Crawling from the web reader: "Crawl now" for whoever manages the sources.

A crawl run here is the same as ``tidings crawl``: fetch every source, then the
language stage and the headline stage over what is new. It runs in a background
thread of the serving process, one at a time per process; the settings page shows
it running and how the last run went. Scheduled crawls still belong in cron
(``tidings crawl``), which does not need the server.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tidings.config import CrawlSettings, Settings
from tidings.serve.deps import (
    CrawlDep,
    StoreDep,
    app_singleton,
    csrf_ok,
    may_manage_sources,
    visitor,
)
from tidings.serve.web import render_error
from tidings.store.base import Store

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@dataclass(frozen=True)
class CrawlRun:
    """One crawl started from the web: when, and how it went once done."""

    started_at: str
    finished_at: str | None = None
    #: e.g. "12 pages fetched, 5 new articles, 0 errors; 5 processed; headlines for 5"
    summary: str | None = None
    error: str | None = None


class CrawlRunner:
    """Runs one crawl (and its processing) at a time in a background thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        #: The running or the last run.
        self.last: CrawlRun | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, store: Store, crawl: CrawlSettings) -> bool:
        """Start a run unless one is running (then False)."""
        with self._lock:
            if self.running:
                return False
            self.last = CrawlRun(started_at=_now())
            self._thread = threading.Thread(
                target=self._run, args=(store, crawl), name="web-crawl", daemon=True
            )
            self._thread.start()
            return True

    def wait(self, timeout: float) -> bool:
        """Wait for the running crawl to end (for tests and shutdown); True if ended."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return not self.running

    def _run(self, store: Store, crawl: CrawlSettings) -> None:
        from tidings.headlines.generate import generator_from_setting
        from tidings.headlines.writer import HeadlineWriter
        from tidings.pipeline import CrawlJob
        from tidings.pipeline.headlines import HeadlineJob
        from tidings.pipeline.process import ProcessJob, index_path

        assert self.last is not None
        began = time.monotonic()
        try:
            crawled = asyncio.run(CrawlJob(store, crawl).run())
            index = index_path(Settings.from_env().data_dir)
            processed = ProcessJob(store, index_path=index).run()
            writer = HeadlineWriter(generator=generator_from_setting())
            headlines = HeadlineJob(store, writer=writer).run()
            summary = (
                f"{crawled.fetched} pages fetched, {crawled.articles_new} new articles, "
                f"{sum(crawled.errors.values())} errors; {processed.processed} processed; "
                f"headlines for {headlines.articles}"
            )
            self.last = CrawlRun(self.last.started_at, _now(), summary)
            log.info("web crawl done in %.0f s: %s", time.monotonic() - began, summary)
        except Exception as exc:  # the page says it failed; the log has the trace
            log.exception("web crawl failed")
            self.last = CrawlRun(self.last.started_at, _now(), error=str(exc) or type(exc).__name__)


def crawl_state(request: Request) -> tuple[bool, CrawlRun] | None:
    """(running, the running or last run) for the settings page, if a crawl was started
    from the web in this process."""
    runner: CrawlRunner | None = getattr(request.app.state, "crawl_runner", None)
    if runner is None or runner.last is None:
        return None
    return runner.running, runner.last


def crawl_runner(request: Request) -> CrawlRunner:
    return app_singleton(request.app.state, "crawl_runner", CrawlRunner)


@router.post("/settings/crawl")
def crawl_now(
    request: Request,
    store: StoreDep,
    crawl: CrawlDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    if not csrf_ok(request, csrf):
        return render_error(request, 400, "That form has expired or came from another site.")
    if not may_manage_sources(request, visitor(request)):
        return render_error(request, 400, "Only an admin starts crawls.")
    started = crawl_runner(request).start(store, crawl)
    message = "Crawl started" if started else "A crawl is running already"
    return RedirectResponse(f"/settings?done={message.replace(' ', '%20')}", status_code=303)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
