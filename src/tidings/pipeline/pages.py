"""A fetched page → extraction → the store: one step shared by the crawl job and by
``tidings ingest`` (pages read from a WARC archive), so an archived page becomes the
same article the crawler would have made of it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from enum import Enum

from tidings.errors import StoreUnavailable
from tidings.extract import content_hash, decode_html, extract_article
from tidings.records import DuplicateArticle, ExtractedArticle, FetchResponse, NotAnArticle
from tidings.store import FetchLog, Store

log = logging.getLogger(__name__)

#: Times a page's writes are tried when the database server cannot be reached (each
#: try first waits for the store to reconnect, up to its own limit).
STORE_ATTEMPTS = 3
#: Seconds between two tries.
STORE_RETRY_PAUSE = 1.0


class PageOutcome(Enum):
    NEW = "new"
    UPDATED = "updated"
    #: The same text as a stored article (or the earlier original of one).
    DUPLICATE = "duplicate"
    NOT_ARTICLE = "not_article"


@dataclass(frozen=True)
class PageStored:
    """What became of a page: its outcome, the reason if it is not an article, and
    whether its declared charset disagreed with its bytes."""

    outcome: PageOutcome
    reason: str | None = None
    charset_mismatch: bool = False


async def store_page(
    store: Store,
    response: FetchResponse,
    *,
    url: str,
    source_id: int | None,
    hints: dict[str, str],
) -> PageStored:
    """Decode and extract ``response`` (in a thread: extraction is CPU work) and store
    the fetch with its body and, for an article, the article. ``url``: the URL the page
    is known by (before redirects); ``hints``: what a feed said of it (title,
    published)."""
    decoded = decode_html(response.body, response.charset)
    if decoded.mismatch:
        log.warning(
            "charset mismatch at %s: declared %s, decoded as %s",
            url,
            response.charset,
            decoded.encoding,
        )
    result = await asyncio.to_thread(
        extract_article, decoded.text, url=response.final_url, hints=hints
    )
    for attempt in range(1, STORE_ATTEMPTS + 1):
        try:
            return _save(store, response, result, url, source_id, hints, decoded.mismatch)
        except StoreUnavailable as exc:
            # Each write is idempotent (an article is unique by URL), so after a lost
            # connection the page is stored again, once the store has reconnected.
            if attempt == STORE_ATTEMPTS:
                raise
            log.warning("store unavailable while saving %s (try %d): %s", url, attempt, exc)
            await asyncio.sleep(STORE_RETRY_PAUSE)
    raise AssertionError("unreachable")


def _save(
    store: Store,
    response: FetchResponse,
    result: ExtractedArticle | NotAnArticle,
    url: str,
    source_id: int | None,
    hints: dict[str, str],
    mismatch: bool,
) -> PageStored:
    if isinstance(result, NotAnArticle):
        log.debug("not an article (%s): %s", result.reason, url)
        store.log_fetch(
            fetch_log(response, url, source_id, "not_article", error=result.reason, body=True)
        )
        return PageStored(PageOutcome.NOT_ARTICLE, result.reason, mismatch)
    fetch_id = store.log_fetch(fetch_log(response, url, source_id, "article", body=True))
    saved = store.save_article(
        result,
        url=url,
        source_id=source_id,
        fetch_id=fetch_id,
        published_at=hints.get("published"),
        content_hash=content_hash(result.text),
    )
    if isinstance(saved, DuplicateArticle):
        log.debug("duplicate of article %d: %s", saved.duplicate_of, url)
        outcome = PageOutcome.DUPLICATE
    elif saved.supersedes is not None:
        # An earlier publication of a text already stored: it becomes the original
        # and the story count does not change.
        log.debug("original of article %d: %s", saved.supersedes, url)
        outcome = PageOutcome.DUPLICATE
    else:
        outcome = PageOutcome.NEW if saved.created else PageOutcome.UPDATED
    return PageStored(outcome, None, mismatch)


def fetch_log(
    response: FetchResponse,
    url: str,
    source_id: int | None,
    outcome: str,
    *,
    error: str | None = None,
    body: bool = False,
) -> FetchLog:
    """The store's record of a fetch; ``body``: keep the bytes (pages, for re-extraction)."""
    return FetchLog(
        url=url,
        source_id=source_id,
        outcome=outcome,
        status=response.status,
        final_url=response.final_url,
        content_type=response.content_type,
        error=error,
        elapsed_ms=int(response.elapsed * 1000),
        body=response.body if body else None,
    )
