from __future__ import annotations

from datetime import UTC, datetime

from tidings.serve.formatting import (
    absolute_time,
    excerpt,
    human_time,
    language_tag,
    paragraphs,
    safe_url,
)


def test_excerpt() -> None:
    assert excerpt("  short\n\ntext ") == "short text"
    long = "word " * 100
    cut = excerpt(long, 50)
    assert cut.endswith("…") and len(cut) <= 51 and "wor…" not in cut


def test_paragraphs() -> None:
    assert paragraphs("a\n\n b \nc\r\n\r\n\nd") == ["a", "b", "c", "d"]
    assert paragraphs("") == []


def test_language_tag() -> None:
    assert language_tag("zh") == "zh"
    assert language_tag("pt-BR") == "pt-BR"
    assert language_tag('en" onload="x') is None
    assert language_tag(None) is None


def test_safe_url() -> None:
    assert safe_url("https://x.example/a") == "https://x.example/a"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url(" JAVASCRIPT:alert(1)") is None
    assert safe_url("//x.example") is None
    assert safe_url("http:///nohost") is None


def test_times() -> None:
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert human_time("2026-11-23T11:59:30+00:00", now) == "just now"
    assert human_time("2026-11-23T11:00:00Z", now) == "1 h ago"
    assert human_time("2026-11-23T11:55:00+00:00", now) == "5 min ago"
    assert human_time("2026-11-22T11:00:00+00:00", now) == "yesterday"
    assert human_time("2026-11-01T11:00:00+00:00", now) == "1 Nov 2026"
    assert human_time("garbage", now) == "garbage"
    assert absolute_time("2024-03-07T09:00:00+00:00") == "7 Mar 2024, 09:00 UTC"
    assert absolute_time("2024-03-07") == "7 Mar 2024"
