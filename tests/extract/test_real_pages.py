"""extract_article on real pages with gold labels from ../shared (skipped where absent)."""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from tidings.extract import extract_article
from tidings.records import ExtractedArticle, NotAnArticle

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data" / "extraction"
SCRAPINGHUB = DATA / "scrapinghub"
FUNDUS = DATA / "fundus-parser" / "pages"


def _bench() -> ModuleType:
    """The scoring code lives in bench/extraction_speed.py; load it by path."""
    path = REPO / "bench" / "extraction_speed.py"
    spec = importlib.util.spec_from_file_location("tidings_bench_extraction_speed", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def _text(result: ExtractedArticle | NotAnArticle) -> str:
    if isinstance(result, ExtractedArticle):
        return result.text
    return result.partial.text if result.partial is not None else ""


def _norm_title(title: str | None) -> str:
    table = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "\u200b": ""})
    text = unicodedata.normalize("NFKC", title or "").translate(table)
    return " ".join(text.split()).casefold()


@pytest.mark.skipif(
    not (SCRAPINGHUB / "ground-truth.json").exists(),
    reason=f"ScrapingHub gold data not found at {SCRAPINGHUB} (../shared is not checked out)",
)
def test_scrapinghub_shingle_f1() -> None:
    bench = _bench()
    pages = bench.load_pages(SCRAPINGHUB)
    # every 9th page: 21 pages spread over the sorted set, deterministic
    sample = pages[::9]
    assert len(sample) >= 20
    f1s: list[float] = []
    for page in sample:
        result = extract_article(page.html, url=page.url)
        f1s.append(bench.shingle_f1(page.gold, _text(result)))
    mean = sum(f1s) / len(f1s)
    print(f"ScrapingHub mean 4-gram F1 on {len(f1s)} pages: {mean:.3f}")
    assert mean >= 0.85


def _fundus_pages() -> list[tuple[Path, str | None, set[str]]]:
    """(page, url, gold titles of that publisher) for every fundus test page."""
    pages: list[tuple[Path, str | None, set[str]]] = []
    for gold_file in sorted(FUNDUS.glob("*/*.json")):
        folder, publisher = gold_file.parent, gold_file.stem
        meta_path = folder / "meta.info"
        meta: dict[str, dict[str, str]] = (
            json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        )
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        # versions (V1, V2...) do not map to the files by date: accept any of the publisher's
        titles = {_norm_title(v.get("title")) for v in gold.values() if v.get("title")}
        for page in sorted(folder.glob(f"{publisher}_*.html.gz")):
            pages.append((page, meta.get(page.name, {}).get("url"), titles))
    return pages


needs_fundus: Callable[[Callable[[], None]], Callable[[], None]] = pytest.mark.skipif(
    not FUNDUS.is_dir(),
    reason=f"fundus gold pages not found at {FUNDUS} (../shared is not checked out)",
)


@needs_fundus
def test_fundus_titles() -> None:
    pages = [p for p in _fundus_pages() if p[0].parent.name in ("uk", "us", "de", "fr", "jp", "au")]
    assert pages
    matched = 0
    for path, url, titles in pages:
        result = extract_article(gzip.decompress(path.read_bytes()), url=url)
        article = result if isinstance(result, ExtractedArticle) else result.partial
        if article is not None and _norm_title(article.title) in titles:
            matched += 1
    share = matched / len(pages)
    print(f"fundus titles matched: {matched}/{len(pages)} ({share:.0%})")
    assert share >= 0.7


@needs_fundus
def test_chinese_page() -> None:
    pages = sorted((FUNDUS / "cn").glob("*.html.gz"))
    if not pages:
        pytest.skip("no Chinese fundus page")
    meta = json.loads((FUNDUS / "cn" / "meta.info").read_text(encoding="utf-8"))
    result = extract_article(gzip.decompress(pages[0].read_bytes()), url=meta[pages[0].name]["url"])
    assert isinstance(result, ExtractedArticle), result
    assert result.language == "zh"
    assert len(result.text) >= 500
    assert result.title
    assert result.date is not None
