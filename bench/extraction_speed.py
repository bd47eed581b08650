"""Extraction speed and quality on the ScrapingHub article-extraction benchmark.

Runs ``tidings.extract.extract_article`` and plain ``trafilatura.extract`` (default
settings) over the 181 pages of ``shared/data/extraction/scrapinghub`` and prints
pages/second and the mean 4-gram shingle precision/recall/F1 against the gold bodies.

    .venv/bin/python bench/extraction_speed.py [--limit N]

Exits cleanly with a message when the shared data is absent.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "extraction" / "scrapinghub"

_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of word n-grams of ``text`` (lower-cased ``\\w+`` tokens)."""
    tokens = _TOKEN.findall(text.lower())
    if len(tokens) < n:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def shingle_scores(gold: str, predicted: str, n: int = 4) -> tuple[float, float, float]:
    """(precision, recall, F1) of ``predicted`` against ``gold`` over n-gram shingles."""
    gold_sh, pred_sh = shingles(gold, n), shingles(predicted, n)
    if not gold_sh and not pred_sh:
        return 1.0, 1.0, 1.0
    tp = sum((gold_sh & pred_sh).values())
    precision = tp / sum(pred_sh.values()) if pred_sh else 0.0
    recall = tp / sum(gold_sh.values()) if gold_sh else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def shingle_f1(gold: str, predicted: str, n: int = 4) -> float:
    return shingle_scores(gold, predicted, n)[2]


@dataclass(frozen=True)
class Page:
    key: str
    url: str
    html: bytes
    gold: str


def load_pages(data: Path = DATA, limit: int | None = None) -> list[Page]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages: list[Page] = []
    for key in sorted(truth):
        path = data / "html" / f"{key}.html.gz"
        if not path.exists():
            continue
        entry = truth[key]
        pages.append(
            Page(
                key,
                entry.get("url") or "",
                gzip.decompress(path.read_bytes()),
                entry["articleBody"] or "",
            )
        )
        if limit is not None and len(pages) >= limit:
            break
    return pages


@dataclass(frozen=True)
class Result:
    name: str
    pages: int
    seconds: float
    precision: float
    recall: float
    f1: float


def _run(name: str, extract: Callable[[Page], str], pages: list[Page]) -> Result:
    outputs: list[str] = []
    start = time.perf_counter()
    for page in pages:
        outputs.append(extract(page))
    seconds = time.perf_counter() - start
    scores = [shingle_scores(page.gold, out) for page, out in zip(pages, outputs, strict=True)]
    count = len(scores) or 1
    return Result(
        name,
        len(pages),
        seconds,
        sum(s[0] for s in scores) / count,
        sum(s[1] for s in scores) / count,
        sum(s[2] for s in scores) / count,
    )


def _tidings(page: Page) -> str:
    from tidings.extract import extract_article
    from tidings.records import ExtractedArticle

    result = extract_article(page.html, url=page.url)
    if isinstance(result, ExtractedArticle):
        return result.text
    return result.partial.text if result.partial is not None else ""


def _trafilatura(page: Page) -> str:
    import trafilatura

    return trafilatura.extract(page.html, url=page.url) or ""


def _rows(results: list[Result]) -> Iterator[str]:
    yield f"{'extractor':<28} {'pages':>5} {'pages/s':>8} {'precision':>9} {'recall':>7} {'F1':>6}"
    for r in results:
        rate = r.pages / r.seconds if r.seconds else float("inf")
        yield (
            f"{r.name:<28} {r.pages:>5} {rate:>8.1f} "
            f"{r.precision:>9.3f} {r.recall:>7.3f} {r.f1:>6.3f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    args = parser.parse_args(argv)
    if not (DATA / "ground-truth.json").exists():
        print(f"ScrapingHub benchmark data not found at {DATA}; nothing to measure.")
        return 0
    sys.path.insert(0, str(ROOT / "src"))
    logging.disable(logging.WARNING)  # trafilatura warns about every discarded page
    pages = load_pages(limit=args.limit)
    # warm both up (imports, model loading) outside the timed runs
    _tidings(pages[0])
    _trafilatura(pages[0])
    results = [
        _run("tidings.extract_article", _tidings, pages),
        _run("trafilatura.extract default", _trafilatura, pages),
    ]
    for row in _rows(results):
        print(row)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
