"""Regression tests on real pages with gold labels from ../shared (skipped where absent).

Each test scores a fixed, spread-out sample of a dataset with the benchmark's own
metric (bench/extraction.py) and asserts a floor a little under today's figure, so a
change that makes a field worse fails here before it shows in the benchmark.
"""

from __future__ import annotations

import gzip
import json
from types import ModuleType

import pytest

from tests.extract.conftest import DATA, needs
from tidings.extract import decode_html, extract_article
from tidings.extract.article import _parse
from tidings.extract.fields.dates import find_day
from tidings.records import ExtractedArticle, NotAnArticle

SCRAPINGHUB = DATA / "scrapinghub"
FUNDUS = DATA / "fundus-parser" / "pages"
TRAFILATURA_EVAL = DATA / "trafilatura-eval" / "pages.tar.gz"
HTMLDATE_EVAL = DATA / "htmldate-eval" / "pages.tar.gz"


def _article(result: ExtractedArticle | NotAnArticle) -> ExtractedArticle | None:
    return result if isinstance(result, ExtractedArticle) else result.partial


def _text(result: ExtractedArticle | NotAnArticle) -> str:
    article = _article(result)
    return article.text if article is not None else ""


@needs(SCRAPINGHUB / "ground-truth.json")
def test_scrapinghub_shingle_f1(bench: ModuleType) -> None:
    sample = bench.load_scrapinghub(DATA)[::9]  # 21 pages spread over the sorted set
    f1s = [
        bench.shingle_f1(p.gold["body"], _text(extract_article(p.html, url=p.url))) for p in sample
    ]
    assert sum(f1s) / len(f1s) >= 0.93


@needs(TRAFILATURA_EVAL)
def test_trafilatura_eval_segments_and_title(bench: ModuleType) -> None:
    sample = bench.load_trafilatura_eval(DATA)[::25]  # 40 pages
    tp = fp = fn = 0
    titles = with_title = 0
    for page in sample:
        result = extract_article(page.html, url=page.url)
        a, b, c, _ = bench.segment_counts(page.gold, _text(result))
        tp, fp, fn = tp + a, fp + b, fn + c
        if page.gold.get("title"):
            with_title += 1
            article = _article(result)
            title = article.title if article else None
            titles += bench.norm_title(title) == bench.norm_title(page.gold["title"])
    assert 2 * tp / (2 * tp + fp + fn) >= 0.88
    assert titles >= 0.6 * with_title


@needs(FUNDUS)
def test_fundus_title_authors_date(bench: ModuleType) -> None:
    sample = bench.load_fundus(DATA)[::4]  # 65 pages, 30-odd countries
    titles = authors = days = 0.0
    for page in sample:
        article = _article(extract_article(page.html, url=page.url))
        assert article is not None, page.key
        titles += bench.norm_title(article.title) == bench.norm_title(page.gold["title"])
        authors += bench.author_f1(page.gold["authors"], list(article.authors))
        days += article.date == page.gold["date"]
        for name in article.authors:  # never a bare "By" or a staff label
            assert name.lower() not in ("by", "staff", "admin"), (page.key, name)
    assert titles / len(sample) >= 0.72
    assert authors / len(sample) >= 0.75
    assert days / len(sample) >= 0.9


@needs(HTMLDATE_EVAL)
def test_htmldate_eval_days(bench: ModuleType) -> None:
    sample = bench.load_htmldate_eval(DATA)[::20]  # 50 pages
    right = 0
    for page in sample:
        tree = _parse(decode_html(page.html).text)
        right += tree is not None and find_day(tree, page.url) == page.gold["date"]
    assert right >= 0.8 * len(sample)


@needs(FUNDUS)
@pytest.mark.parametrize(
    ("country", "language", "codec", "header"),
    [
        ("cn", "zh", "gb18030", "gb2312"),
        ("cn", "zh", "gb18030", "iso-8859-1"),
        ("jp", "ja", "cp932", "shift_jis"),
        ("jp", "ja", "euc_jp", "utf-8"),
    ],
)
def test_cjk_pages_extract_whole_in_legacy_encodings(
    country: str, language: str, codec: str, header: str
) -> None:
    """A CJK page re-encoded in its legacy codec, with a wrong or absent declaration."""
    path = sorted((FUNDUS / country).glob("*.html.gz"))[0]
    meta = json.loads((FUNDUS / country / "meta.info").read_text(encoding="utf-8"))
    url = meta[path.name]["url"]
    original = gzip.decompress(path.read_bytes())
    reference = extract_article(original, url=url)
    assert isinstance(reference, ExtractedArticle), reference
    assert reference.language == language
    assert len(reference.text) >= 300 and reference.title and reference.date
    html = decode_html(original).text
    legacy = html.encode(codec, errors="replace")
    # the HTTP header lies (or names the family only); the <meta> still says utf-8
    result = extract_article(legacy, url=url, charset=header)
    assert isinstance(result, ExtractedArticle), result
    assert result.title == reference.title
    assert result.language == language
    shared = len(set(result.text) & set(reference.text)) / len(set(reference.text))
    assert shared > 0.95
    assert abs(len(result.text) - len(reference.text)) < 0.05 * len(reference.text)
