"""Every exception Tidings raises, in one place.

Expected rejections (a duplicate, a page that is not an article, a URL blocked by
robots.txt) are *not* exceptions: they are typed results with a reason (see
``tidings.records``). Exceptions are for failures: a fetch that could not complete,
a document that could not be parsed, a store that could not be written.
"""

from __future__ import annotations


class TidingsError(Exception):
    """Base class for all Tidings errors."""


class ConfigError(TidingsError):
    """A setting is missing or invalid."""


# --- fetching -----------------------------------------------------------------


class FetchError(TidingsError):
    """A URL could not be fetched. ``code`` is a short, stable label used in counters."""

    code = "fetch_error"

    def __init__(self, url: str, message: str) -> None:
        super().__init__(f"{message} ({url})")
        self.url = url
        self.message = message


class InvalidURLError(FetchError):
    code = "invalid_url"


class BlockedAddressError(FetchError):
    """The URL resolves to an address the crawler must not reach (SSRF guard)."""

    code = "blocked_address"


class TooLargeError(FetchError):
    code = "too_large"


class TooManyRedirectsError(FetchError):
    code = "too_many_redirects"


class RedirectLoopError(FetchError):
    code = "redirect_loop"


class UnsupportedContentTypeError(FetchError):
    code = "content_type"


class FetchTimeoutError(FetchError):
    code = "timeout"


class NetworkError(FetchError):
    code = "network"


class HTTPStatusError(FetchError):
    """The server answered with an error status. ``retry_after`` is in seconds, if given."""

    code = "http_status"

    def __init__(
        self, url: str, status: int, retry_after: float | None = None, message: str = ""
    ) -> None:
        super().__init__(url, message or f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return self.status in (408, 425, 429) or 500 <= self.status < 600


# --- parsing ------------------------------------------------------------------


class ParseError(TidingsError):
    """A document (feed, sitemap, OPML, page) could not be parsed."""

    code = "parse_error"


class FeedParseError(ParseError):
    code = "malformed_feed"


class SitemapParseError(ParseError):
    code = "malformed_sitemap"


class OPMLParseError(ParseError):
    code = "malformed_opml"


class DecodeError(ParseError):
    code = "decode_error"


# --- storage ------------------------------------------------------------------


class StoreError(TidingsError):
    """The store could not be opened, migrated or written."""


class StoreUnavailable(StoreError):
    """The database server could not be reached (a restart, a failover, the network).

    Nothing of the failed call was written, or it was written and only the answer was
    lost; the store reconnects on the next call, so an idempotent write (every write of
    the pipeline's) may simply be tried again."""


class MigrationError(StoreError):
    pass


class NotFoundError(StoreError):
    pass


class ConflictError(StoreError):
    """A unique thing exists already (an account's username)."""


# --- headlines ----------------------------------------------------------------


class GeneratorError(TidingsError):
    """A headline generator (local model or endpoint) failed to answer."""
