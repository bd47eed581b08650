"""Choose the text-merge parameters of ``tidings.extract.text`` on the training split.

    .venv/bin/python scripts/train_extraction.py [--write]

Runs both trafilatura candidates (precision; recall/fast) once on every ScrapingHub,
trafilatura-eval and fundus page, then, on the *training* half only (``split_of`` in
``bench/extraction.py``):

1. grid-searches ``min_extra_chars`` x ``max_boilerplate_chars`` for the best mean of
   the ScrapingHub and trafilatura-eval text F1 (4-gram shingle F1; segment F1);
2. with those, grid-searches the escalation to trafilatura's balanced run
   (``ESCALATE_BELOW_CHARS`` x ``ESCALATE_PAGE_SHARE``) for the best mean text F1 of
   all three datasets, ties going to the setting that escalates fewest pages (cost).

Prints every setting's train and held-back scores (the held-back ones are for the
record, never for choosing) and, with ``--write``, writes the winners to
``src/tidings/extract/models/text_merge.py``. Deterministic: no randomness, the split
is a hash of the page key.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "src" / "tidings" / "extract" / "models" / "text_merge.py"
GRID_EXTRA = (0, 60, 80, 100, 150, 250, 100_000)
GRID_BOILERPLATE = (0, 80, 150, 400)
GRID_ESCALATE_BELOW = (0, 800, 1000, 1200, 1500, 2000, 3000)
GRID_ESCALATE_SHARE = (0.1, 0.15, 0.2, 0.3)

#: (precision text, recall text, link texts, balanced text, page text length, prose
#: paragraphs); the last three only for pages whose merged text may be shorter than the
#: largest escalation tried.
Candidates = tuple[str, str, frozenset[str], str, int, tuple[str, ...]]


def _bench() -> ModuleType:
    path = ROOT / "bench" / "extraction.py"
    spec = importlib.util.spec_from_file_location("tidings_bench_extraction", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _candidates(pages: list[Any]) -> list[Candidates]:
    """The candidates of each page (see ``Candidates``)."""
    from trafilatura.baseline import html2txt

    from tidings.extract import decode_html
    from tidings.extract.article import _parse
    from tidings.extract.models import text_merge
    from tidings.extract.pagetype import anchor_texts
    from tidings.extract.text import _run, prose_paragraphs

    def text(document: Any) -> str:
        return (document.text or "") if document else ""

    out: list[Candidates] = []
    for page in pages:
        tree = _parse(decode_html(page.html).text)
        if tree is None:
            out.append(("", "", frozenset(), "", 0, ()))
            continue
        links = anchor_texts(tree)
        url = page.url or None
        precise = text(_run(tree, url, with_metadata=False, favor_precision=True))
        recall = text(_run(tree, url, with_metadata=False, favor_recall=True, fast=True))
        balanced, page_chars = "", 0
        prose: tuple[str, ...] = ()
        if len(precise) < 2 * max(GRID_ESCALATE_BELOW):  # merged texts are about as long
            balanced = text(_run(tree, url, with_metadata=False))
            page_chars = len(html2txt(tree))
            prose = tuple(prose_paragraphs(tree, text_merge.MIN_EXTRA_CHARS))
        out.append((precise, recall, links, balanced, page_chars, prose))
    return out


def _merge(candidates: Candidates, params: Any, below: int = 0, share: float = 0.0) -> str:
    """``text.extract_text``'s merge, with the given escalation setting."""
    from tidings.extract.text import merge_candidates

    precise, recall, links, balanced, page_chars, prose = candidates
    merged = str(merge_candidates(precise, recall, params, links))
    if _escalates(merged, page_chars, prose, below, share) and balanced:
        merged = merge_candidates(merged, balanced, params, links)
    return merged


def _escalates(
    merged: str, page_chars: int, prose: tuple[str, ...], below: int, share: float
) -> bool:
    """``text._escalate``'s test: short, lacking a paragraph of prose, little of the page."""
    flat = " ".join(merged.split())
    return (
        len(merged) < below
        and any(paragraph not in flat for paragraph in prose)
        and len(merged) < share * page_chars
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="write the chosen parameters")
    args = parser.parse_args(argv)
    bench = _bench()
    if not bench.DATA.is_dir():
        print(f"no gold data at {bench.DATA}; nothing to train on")
        return 0
    sys.path.insert(0, str(ROOT / "src"))
    logging.disable(logging.WARNING)
    from tidings.extract.text import MergeParams, merge_candidates

    data: dict[str, tuple[list[Any], list[Candidates]]] = {}
    for name, loader in (
        ("scrapinghub", bench.load_scrapinghub),
        ("trafilatura-eval", bench.load_trafilatura_eval),
        ("fundus", bench.load_fundus),
    ):
        pages = loader(bench.DATA)
        data[name] = (pages, _candidates(pages))
        print(f"{name}: {len(pages)} pages, candidates computed", file=sys.stderr)

    def text_f1(
        name: str, split: str, params: MergeParams, below: int = 0, share: float = 0.0
    ) -> float:
        pages, cands = data[name]
        chosen = [
            (page, _merge(candidates, params, below, share))
            for page, candidates in zip(pages, cands, strict=True)
            if bench.split_of(name, page.key) == split
        ]
        if name != "trafilatura-eval":
            return float(sum(bench.shingle_f1(pg.gold["body"], t) for pg, t in chosen)) / len(
                chosen
            )
        tp = fp = fn = 0
        for page, text in chosen:
            a, b, c, _ = bench.segment_counts(page.gold, text)
            tp, fp, fn = tp + a, fp + b, fn + c
        return 2 * tp / (2 * tp + fp + fn)

    merge_sets = ("scrapinghub", "trafilatura-eval")
    best: tuple[float, MergeParams] | None = None
    print("min_extra max_boiler | train SH  train TE  mean | test SH  test TE")
    for extra in GRID_EXTRA:
        for boiler in GRID_BOILERPLATE:
            params = MergeParams(extra, boiler)
            train = [text_f1(n, "train", params) for n in merge_sets]
            test = [text_f1(n, "test", params) for n in merge_sets]
            mean = sum(train) / len(train)
            print(
                f"{extra:>9} {boiler:>10} | {train[0]:.4f}  {train[1]:.4f}  {mean:.4f} | "
                f"{test[0]:.4f}  {test[1]:.4f}"
            )
            if best is None or mean > best[0]:
                best = (mean, params)
    assert best is not None
    print(f"chosen on train: {best[1]} (mean train F1 {best[0]:.4f})")
    chosen = best[1]

    def escalated(below: int, share: float) -> int:
        return sum(
            1
            for name in data
            for page, (p, r, links, _, chars, prose) in zip(*data[name], strict=True)
            if bench.split_of(name, page.key) == "train"
            and _escalates(merge_candidates(p, r, chosen, links), chars, prose, below, share)
        )

    ranked: list[tuple[float, int, int, float]] = []
    print("escalate_below share | train SH  train TE  train FU  mean  escalated | test SH  TE  FU")
    for below in GRID_ESCALATE_BELOW:
        for share in GRID_ESCALATE_SHARE:
            train = [text_f1(n, "train", chosen, below, share) for n in data]
            test = [text_f1(n, "test", chosen, below, share) for n in data]
            mean, count = sum(train) / len(train), escalated(below, share)
            print(
                f"{below:>14} {share:>5} | {train[0]:.4f}  {train[1]:.4f}  {train[2]:.4f}  "
                f"{mean:.4f}  {count:>9} | {test[0]:.4f}  {test[1]:.4f}  {test[2]:.4f}"
            )
            ranked.append((round(mean, 4), -count, below, share))
    _, _, below, share = max(ranked, key=lambda item: (item[0], item[1], -item[2]))
    print(f"escalation chosen on train: below {below}, share {share}")
    if args.write:
        TARGET.write_text(
            '"""Text-merge parameters. Generated by scripts/train_extraction.py; do not edit."""\n'
            "\n"
            "#: Grid-searched on the training split (split_of in bench/extraction.py) of the\n"
            "#: ScrapingHub and trafilatura-eval pages: mean of the two datasets' text F1.\n"
            f"MIN_EXTRA_CHARS = {best[1].min_extra_chars}\n"
            f"MAX_BOILERPLATE_CHARS = {best[1].max_boilerplate_chars}\n"
            "#: Escalation to trafilatura's balanced run (``text._escalate``): merged texts\n"
            "#: shorter than this, holding less than this share of the page's text. Best mean\n"
            "#: text F1 of the training split of ScrapingHub, trafilatura-eval and fundus;\n"
            "#: ties to the setting that escalates fewest pages.\n"
            f"ESCALATE_BELOW_CHARS = {below}\n"
            f"ESCALATE_PAGE_SHARE = {share}\n",
            encoding="utf-8",
        )
        print(f"written to {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
