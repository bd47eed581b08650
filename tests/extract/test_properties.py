"""Property tests: arbitrary bytes never crash extraction, and the CLI prints one JSON line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tidings.extract import decode_html, extract_article
from tidings.records import ExtractedArticle, NotAnArticle

_TAGS = st.sampled_from(
    [
        "<html>",
        "<head>",
        "<title>",
        "</title>",
        "<body>",
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<article>",
        "<h1>",
        "</h1>",
        "<a href='/x'>",
        "</a>",
        "<script>",
        "</script>",
        "<meta charset='gb2312'>",
        "<meta charset='shift_jis'>",
        "<!--",
        "-->",
        "<![CDATA[",
        '<script type="application/ld+json">{"@type":"NewsArticle","author":',
        "</br>",
        "&amp;",
        "&#0;",
        "<table><tr><td>",
        "\x00",
        "\ufeff",
    ]
)
_WORDS = st.text(min_size=0, max_size=80)
HTMLISH = st.lists(st.one_of(_TAGS, _WORDS), max_size=60).map("".join)
BYTES = st.one_of(
    st.binary(max_size=4000),
    HTMLISH.map(lambda s: s.encode("utf-8", "surrogatepass")),
    HTMLISH.map(lambda s: s.encode("gb18030", "replace")),
    HTMLISH.map(lambda s: s.encode("utf-16", "surrogatepass")),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=BYTES, charset=st.sampled_from([None, "utf-8", "gb2312", "big5", "latin-1", "x"]))
def test_arbitrary_bytes_never_crash(body: bytes, charset: str | None) -> None:
    result = extract_article(body, url="https://example.org/p", charset=charset)
    assert isinstance(result, ExtractedArticle | NotAnArticle)
    if isinstance(result, NotAnArticle):
        assert result.reason and result.reason.replace("_", "").isalpha()
        assert result.reason == result.reason.lower()
    decoded = decode_html(body, charset)
    assert isinstance(decoded.text, str)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies=st.lists(BYTES, min_size=1, max_size=3))
def test_cli_prints_one_json_line_per_file(bodies: list[bytes], tmp_path_factory: object) -> None:
    folder = Path(tmp_path_factory.mktemp("pages"))  # type: ignore[attr-defined]
    paths = []
    for i, body in enumerate(bodies):
        path = folder / f"page{i}.html"
        path.write_bytes(body)
        paths.append(str(path))
    done = subprocess.run(
        [sys.executable, "-m", "tidings", "extract", "--json", *paths],
        capture_output=True,
        timeout=120,
        check=False,
    )
    lines = done.stdout.decode("utf-8").splitlines()
    assert len(lines) == len(paths), (done.returncode, done.stderr[-2000:])
    for line in lines:
        record = json.loads(line)
        assert isinstance(record, dict)
        if "error" in record:  # bytes that look gzipped but are not: reported, not crashed
            continue
        assert {"title", "text", "authors", "date", "language", "url", "image"} <= set(record)
