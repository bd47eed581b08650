"""URL canonicalisation, shared by every stage so one URL has one spelling.

courlan does the heavy lifting (case, default ports, sorted query, tracking
parameters such as ``utm_*`` removed); we add what a crawler also needs: only
http(s), no fragment, dot-segments resolved.
"""

from __future__ import annotations

import posixpath
from urllib.parse import urljoin, urlsplit, urlunsplit

from courlan import normalize_url

from tidings.errors import InvalidURLError

MAX_URL_LENGTH = 2048


def canonical_url(url: str, base: str | None = None) -> str:
    """The canonical form of ``url`` (resolved against ``base``); raises InvalidURLError."""
    raw = url.strip()
    if base:
        try:
            raw = urljoin(base, raw)
        except ValueError as exc:
            raise InvalidURLError(raw, f"unparsable URL: {exc}") from exc
    if len(raw) > MAX_URL_LENGTH:
        raise InvalidURLError(raw[:100] + "…", "URL too long")
    try:
        parts = urlsplit(raw)
    except ValueError as exc:
        raise InvalidURLError(raw, f"unparsable URL: {exc}") from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidURLError(raw, "only http and https URLs can be crawled")
    if not parts.hostname:
        raise InvalidURLError(raw, "URL has no host")
    path = parts.path or "/"
    if "/." in path:
        resolved = posixpath.normpath(path)
        if path.endswith("/") and not resolved.endswith("/"):
            resolved += "/"
        path = resolved if resolved.startswith("/") else "/" + resolved
        path = path.replace("//", "/")
    try:
        normalised = normalize_url(urlunsplit((parts.scheme, parts.netloc, path, parts.query, "")))
    except (ValueError, AttributeError) as exc:
        raise InvalidURLError(raw, f"cannot normalise URL: {exc}") from exc
    return str(normalised).split("#", 1)[0]


def host_of(url: str) -> str:
    """The politeness key of a URL: lower-cased ``host[:port]``; ``""`` for a URL that
    cannot be parsed (outlet names from pages and feeds reach here as well as URLs)."""
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""
