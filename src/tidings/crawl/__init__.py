"""Crawl: polite, bounded fetching (the downloader of the pipeline).

- ``Fetcher``: one HTTP GET with size, time and redirect limits and the SSRF guard.
- ``RobotsCache``: robots.txt per host (protego), RFC 9309 semantics.
- ``HostPoliteness``: one request per host at a time, with Crawl-delay.

The crawl *loop* (claiming URLs from the frontier, handing bodies to the parse
and extract stages) lives in ``tidings.pipeline.crawl``.
"""

from tidings.crawl.addresses import check_host, is_blocked
from tidings.crawl.fetcher import Fetcher, parse_retry_after
from tidings.crawl.politeness import HostPoliteness
from tidings.crawl.robots import RobotsCache, RobotsVerdict

__all__ = [
    "Fetcher",
    "HostPoliteness",
    "RobotsCache",
    "RobotsVerdict",
    "check_host",
    "is_blocked",
    "parse_retry_after",
]
