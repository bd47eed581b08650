"""Timestamps, one way for every stage: ISO 8601 in, aware UTC out.

Feeds, sitemaps, pages and the store all speak ISO 8601 but in many spellings
(``Z``, offsets, date-only, year-month). Everything is normalised here so that
stored times compare and sort as plain strings.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache


def parse_timestamp(value: str | None) -> datetime | None:
    """An ISO 8601 / W3C date or datetime as an aware UTC datetime; None if unparsable.

    Date-only values (also ``YYYY`` and ``YYYY-MM``) and datetimes without an offset
    are taken as UTC. Cached: the same stories' times are read for every feed page.
    """
    if not value or not value.strip():
        return None
    return _parse_timestamp(value)


@lru_cache(maxsize=1 << 16)
def _parse_timestamp(value: str) -> datetime | None:
    value = value.strip()
    if re.fullmatch(r"\d{4}", value):
        value += "-01-01"
    elif re.fullmatch(r"\d{4}-\d{2}", value):
        value += "-01"
    try:
        parsed = datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def utc_iso(value: str | None) -> str | None:
    """``value`` as ``YYYY-MM-DDTHH:MM:SS+00:00``; None if unparsable."""
    parsed = parse_timestamp(value)
    return parsed.isoformat(timespec="seconds") if parsed else None


def utcnow_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
