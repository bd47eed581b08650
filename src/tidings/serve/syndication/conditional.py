"""Conditional GET for feeds: feed readers poll often, and most polls find nothing new.

The ``ETag`` is a hash of the body, so it changes exactly when the feed does; the
``Last-Modified`` is the newest entry's time. ``If-None-Match`` wins over
``If-Modified-Since`` (RFC 9110 §13.2.2); either can answer 304 with no body.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response

from tidings.timestamps import parse_timestamp

#: How long a client may reuse a feed without asking again.
MAX_AGE = 300


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def feed_response(
    request: Request, body: bytes, media_type: str, updated: str | None, *, private: bool
) -> Response:
    """``body`` as ``media_type``, or 304 when the client's copy is this one.
    ``updated``: when the feed last changed, if known; ``private``: the feed depends
    on who asked (not to be kept by shared caches)."""
    etag = etag_of(body)
    headers = {
        "ETag": etag,
        "Cache-Control": f"{'private' if private else 'public'}, max-age={MAX_AGE}",
        "Vary": "Authorization, Cookie",
    }
    modified = parse_timestamp(updated)
    if modified is not None:
        headers["Last-Modified"] = format_datetime(modified, usegmt=True)
    if _not_modified(request, etag, modified):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _not_modified(request: Request, etag: str, modified: datetime | None) -> bool:
    match = request.headers.get("if-none-match")
    if match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in match.split(",")}
        return "*" in tags or etag in tags
    since = request.headers.get("if-modified-since")
    if since is None or modified is None:
        return False
    try:
        when = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    if when.tzinfo is None:
        return False
    return modified.replace(microsecond=0) <= when
