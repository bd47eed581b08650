"""robots.txt, fetched once per host and cached (protego parses it).

Follows RFC 9309: a 4xx robots.txt means "no rules" (crawl all); an unreachable
one (5xx, network error) means "crawl nothing for now", so the URL is retried
later rather than fetched against the site's wishes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from protego import Protego

from tidings.config import CrawlSettings
from tidings.crawl.fetcher import Fetcher
from tidings.errors import BlockedAddressError, FetchError, HTTPStatusError, InvalidURLError

log = logging.getLogger(__name__)

#: Google reads the first 500 KiB of a robots.txt and ignores the rest.
MAX_ROBOTS_BYTES = 500 * 1024
#: How long an unreachable robots.txt keeps its host off limits before we ask again.
UNAVAILABLE_TTL = 60.0


class RobotsVerdict(StrEnum):
    ALLOWED = "allowed"
    DISALLOWED = "disallowed"
    #: robots.txt could not be fetched (5xx, timeout): try the URL again later.
    UNAVAILABLE = "unavailable"


@dataclass
class _Entry:
    rules: Protego | None
    unavailable: bool
    expires: float


class RobotsCache:
    def __init__(self, fetcher: Fetcher, settings: CrawlSettings) -> None:
        self._fetcher = fetcher
        self._settings = settings
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        #: robots.txt files fetched over the network (not from cache).
        self.fetches = 0

    async def check(self, url: str) -> tuple[RobotsVerdict, bool]:
        """The verdict for ``url`` and whether robots.txt was fetched just now."""
        entry, fetched = await self._entry(url)
        if entry.unavailable:
            return RobotsVerdict.UNAVAILABLE, fetched
        if entry.rules is None or entry.rules.can_fetch(url, self._settings.user_agent):
            return RobotsVerdict.ALLOWED, fetched
        return RobotsVerdict.DISALLOWED, fetched

    async def crawl_delay(self, url: str) -> float | None:
        """The site's Crawl-delay for us, capped at ``max_crawl_delay``."""
        entry, _ = await self._entry(url)
        if entry.rules is None:
            return None
        delay = entry.rules.crawl_delay(self._settings.user_agent)
        if delay is None:
            return None
        return min(float(delay), self._settings.max_crawl_delay)

    async def _entry(self, url: str) -> tuple[_Entry, bool]:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            entry = self._entries.get(origin)
            if entry is not None and entry.expires > time.monotonic():
                return entry, False
            entry = await self._fetch(origin)
            self._entries[origin] = entry
            return entry, True

    async def _fetch(self, origin: str) -> _Entry:
        robots_url = origin + "/robots.txt"
        now = time.monotonic()
        self.fetches += 1
        try:
            response = await self._fetcher.fetch(
                robots_url, max_bytes=MAX_ROBOTS_BYTES, truncate=True
            )
        except HTTPStatusError as exc:
            if 400 <= exc.status < 500 and exc.status != 429:
                return _Entry(None, False, now + self._settings.robots_ttl)
            log.warning("robots.txt unavailable (HTTP %d): %s", exc.status, robots_url)
            return _Entry(None, True, now + UNAVAILABLE_TTL)
        except (BlockedAddressError, InvalidURLError):
            raise  # not "unavailable": the URL itself must not be fetched at all
        except FetchError as exc:
            log.warning("robots.txt unavailable (%s): %s", exc.code, robots_url)
            return _Entry(None, True, now + UNAVAILABLE_TTL)
        return _Entry(
            parse_robots(response.body, robots_url), False, now + self._settings.robots_ttl
        )


def parse_robots(body: bytes, robots_url: str) -> Protego | None:
    """The rules of a robots.txt body; ``None`` (no rules) for one that cannot be parsed."""
    text = body.decode("utf-8", errors="replace")
    try:
        return Protego.parse(text)
    except Exception as exc:  # protego is lenient; garbage must still not stop a crawl
        log.warning("unparsable robots.txt at %s (%s): treating as no rules", robots_url, exc)
        return None
