"""Fuzz article extraction: any bytes a server sends in, an article or a reason out.

Input: the first byte picks the charset the response header declared (or none), the
rest is the page.

Contract (the one tests/extract/test_properties.py states with hypothesis; a breach
raises, which libFuzzer reports as a crash):

* ``extract_article`` never raises and returns an ``ExtractedArticle`` or a
  ``NotAnArticle`` whose reason is a short lower-case word (``too_short``);
* an ``ExtractedArticle`` has text (a string) and its fields are strings or ``None``;
* ``decode_html`` never raises and returns text and the codec it used.

Run: ``.venv/bin/python fuzz/extract.py [libFuzzer flags] [corpus_dir]``.
"""

from __future__ import annotations

import codecs
import sys

import atheris
from _corpus import seeded_argv

with atheris.instrument_imports(include=["tidings", "trafilatura", "htmldate", "justext"]):
    from tidings.extract import decode_html, extract_article
    from tidings.records import ExtractedArticle, NotAnArticle

PAGE_URL = "https://news.example/2026/01/02/story.html"
CHARSETS: tuple[str | None, ...] = (
    None,
    "utf-8",
    "gb2312",
    "big5",
    "shift_jis",
    "latin-1",
    "utf-16",
    "x-unknown",
)

_ARTICLE = (
    "<html lang='en'><head><title>Rivers rise after storm | Daily</title>"
    "<meta property='og:site_name' content='Daily'>"
    "<meta name='author' content='Ana Ruiz'>"
    "<meta property='article:published_time' content='2026-01-02T10:00:00Z'>"
    "<link rel='canonical' href='/2026/01/02/story'>"
    '<script type="application/ld+json">{"@type":"NewsArticle","headline":"Rivers rise",'
    '"author":{"@type":"Person","name":"Ana Ruiz"},"datePublished":"2026-01-02"}</script>'
    "</head><body><nav><a href='/'>Home</a></nav><article><h1>Rivers rise after storm</h1>"
    + "<p>The river rose two metres overnight after the storm, and the town's bridges "
    "were closed while engineers checked them for damage.</p>"
    * 6
    + "</article><footer>© Daily</footer></body></html>"
)
SEEDS: tuple[bytes, ...] = (
    b"\x00" + _ARTICLE.encode("utf-8"),
    b"\x02" + _ARTICLE.replace("Rivers rise", "河水上涨").encode("gb2312", "replace"),
    b"\x00<meta charset='shift_jis'>" + "記事の本文です。".encode("shift_jis") * 40,
    b"\x00" + codecs.BOM_UTF16_LE + _ARTICLE.encode("utf-16-le"),
    b"\x01<html><body><ul>" + b"<li><a href='/a'>link</a></li>" * 30 + b"</ul></body></html>",
    b"\x00<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body>",
    b"\x05<div>" * 200 + b"deep" + b"</div>" * 200,
    b"\x00\x1f\x8b\x08\x00garbage",
)


def TestOneInput(data: bytes) -> None:
    if not data:
        return
    charset = CHARSETS[data[0] % len(CHARSETS)]
    body = data[1:]

    result = extract_article(body, url=PAGE_URL, charset=charset)
    if isinstance(result, NotAnArticle):
        reason = result.reason
        if not reason or reason != reason.lower() or not reason.replace("_", "").isalpha():
            raise AssertionError(f"NotAnArticle reason {reason!r} is not a short word")
    elif isinstance(result, ExtractedArticle):
        if not isinstance(result.text, str):
            raise AssertionError(f"article text is {type(result.text).__name__}")
        for name in ("title", "date", "language", "image", "site_name", "description"):
            value = getattr(result, name)
            if value is not None and not isinstance(value, str):
                raise AssertionError(f"article {name} is {value!r}")
    else:
        raise AssertionError(f"extract_article returned {result!r}")

    decoded = decode_html(body, charset)
    if not isinstance(decoded.text, str) or not decoded.encoding:
        raise AssertionError(f"decode_html returned {decoded!r}")


if __name__ == "__main__":
    atheris.Setup(seeded_argv(sys.argv, SEEDS), TestOneInput)
    atheris.Fuzz()
