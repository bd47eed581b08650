"""Small pure helpers that turn stored values into what readers see.

Shared by the JSON API (excerpts) and the HTML views (paragraphs, times, safe
links). None of them returns markup: escaping stays with Jinja's autoescape.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

from tidings.timestamps import parse_timestamp

EXCERPT_CHARS = 300

_SPACE = re.compile(r"\s+")
#: A BCP 47-ish language tag (``en``, ``zh``, ``pt-BR``, ``zh-Hant``).
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_SAFE_SCHEMES = frozenset({"http", "https"})


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The first ``limit`` characters of ``text``, whitespace collapsed, cut at a word."""
    flat = _SPACE.sub(" ", text).strip()
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-—") + "…"


def paragraphs(text: str) -> list[str]:
    """Plain text → paragraphs, one per non-blank line (blank lines separate too)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def language_tag(value: str | None) -> str | None:
    """``value`` if it looks like a language tag, else None (never put junk in ``lang``)."""
    if value and _LANG_TAG.match(value):
        return value
    return None


_LANGUAGE_NAMES = {
    "ar": "Arabic",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "hi": "Hindi",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "ru": "Russian",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "zh": "Chinese",
}


def language_name(value: str | None) -> str:
    """An English name for a language code (``zh`` → ``Chinese``), else the code itself."""
    tag = language_tag(value)
    if tag is None:
        return "Unknown language"
    return _LANGUAGE_NAMES.get(tag.split("-")[0].lower(), tag)


def is_english(value: str | None) -> bool:
    return value is None or value.lower() == "en" or value.lower().startswith("en-")


def safe_url(value: str | None) -> str | None:
    """``value`` if it is an absolute http(s) URL, else None (no ``javascript:`` links)."""
    if not value:
        return None
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in _SAFE_SCHEMES or not parts.netloc:
        return None
    return value.strip()


def human_time(value: str | None, now: datetime | None = None) -> str:
    """``5 min ago``, ``3 h ago``, ``2 days ago``, else ``23 Nov 2026``."""
    when = parse_timestamp(value)
    if when is None:
        return value or ""
    now = now or datetime.now(UTC)
    seconds = (now - when).total_seconds()
    if seconds < 0:
        return _absolute(when)
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    if seconds < 7 * 86400:
        days = int(seconds // 86400)
        return "yesterday" if days == 1 else f"{days} days ago"
    return _absolute(when)


def absolute_time(value: str | None) -> str:
    """``23 Nov 2026, 10:00 UTC`` (or the raw value if it is not a timestamp)."""
    when = parse_timestamp(value)
    if when is None:
        return value or ""
    if len(value or "") == 10:  # a bare date
        return _absolute(when)
    return f"{_absolute(when)}, {when:%H:%M} UTC"


def _absolute(when: datetime) -> str:
    return f"{when.day} {when:%b %Y}"
