"""Choose the text-merge parameters of ``tidings.extract.text`` on the training split.

    .venv/bin/python scripts/train_extraction.py [--write]

Runs both trafilatura candidates (precision; recall/fast) once on every ScrapingHub,
trafilatura-eval and fundus page, then, on the *training* half only (``split_of`` in
``bench/extraction.py``):

1. grid-searches ``min_extra_chars`` x ``max_boilerplate_chars`` for the best mean of
   the ScrapingHub and trafilatura-eval text F1 (4-gram shingle F1; segment F1);
2. with those, grid-searches ``LEAD_MIN_CHARS`` (the shortest lead paragraph put before
   the text, ``text.article_lead``; 0: none) for the best mean text F1 of all three
   datasets;
3. with those, grid-searches ``GAP_MIN_CHARS`` (the shortest paragraph of the text's own
   body container that both candidates missed put back, ``text.fill_gaps``; 0: none);
4. with those, grid-searches the escalation to trafilatura's balanced run
   (``ESCALATE_BELOW_CHARS`` x ``ESCALATE_PAGE_SHARE``) for the best mean text F1 of
   all three datasets, ties going to the setting that escalates fewest pages (cost);
5. with those, grid-searches the recall candidate's gate (``RECALL_SHORT_BELOW`` x
   ``RECALL_MISSING_SHARE``, ``text.recall_gate``) for the best mean text F1 of all
   three datasets, ties going to the setting that runs the recall candidate on fewest
   pages (it is a third of the extraction time where it runs).

Prints every setting's train and held-back scores (the held-back ones are for the
record, never for choosing) and, with ``--write``, writes the winners to
``src/tidings/extract/models/text_merge.py``. Deterministic: no randomness, the split
is a hash of the page key.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import pickle
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
GRID_LEAD = (0, 40, 80, 150)
GRID_GAP = (0, 150, 250, 400, 600)
GRID_RECALL_BELOW = (0, 1500, 2200, 3000, 5000)
GRID_RECALL_SHARE = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0)

#: (precision text, recall text, link texts, balanced text, page text length, prose
#: blocks, lead candidates); balanced text and page length only for pages whose merged
#: text may be shorter than the largest escalation tried.
Candidates = tuple[str, str, frozenset[str], str, int, tuple[Any, ...], tuple[str, ...]]


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
    from tidings.extract.text import _run, lead_candidates, prose_blocks

    def text(document: Any) -> str:
        return (document.text or "") if document else ""

    out: list[Candidates] = []
    for page in pages:
        tree = _parse(decode_html(page.html).text)
        if tree is None:
            out.append(("", "", frozenset(), "", 0, (), ()))
            continue
        links = anchor_texts(tree)
        url = page.url or None
        precise = text(_run(tree, url, with_metadata=False, favor_precision=True))
        recall = text(_run(tree, url, with_metadata=False, favor_recall=True, fast=True))
        balanced, page_chars = "", 0
        if len(precise) < 2 * max(GRID_ESCALATE_BELOW):  # merged texts are about as long
            balanced = text(_run(tree, url, with_metadata=False))
            page_chars = len(html2txt(tree))
        blocks = tuple(prose_blocks(tree, text_merge.MIN_EXTRA_CHARS))
        leads = tuple(lead_candidates(tree))
        out.append((precise, recall, links, balanced, page_chars, blocks, leads))
    return out


def _merge(
    candidates: Candidates,
    params: Any,
    below: int = 0,
    share: float = 0.0,
    lead_min: int = 0,
    gap_min: int = 0,
    recall_gate: tuple[int, float] = (0, 0.0),
) -> str:
    """``text.extract_text``'s merge, with the given lead, escalation, gap and recall
    gate settings (``(0, 0.0)``: the recall candidate runs whenever prose is missing).
    """
    from tidings.extract.text import article_lead, fill_gaps, merge_candidates

    precise, recall, links, balanced, page_chars, blocks, leads = candidates
    prose = tuple(block.text for block in blocks)
    if not _recalls(precise, prose, recall_gate):
        recall = ""
    merged = str(merge_candidates(precise, recall, params, links))
    lead = article_lead(leads, merged, lead_min)
    if lead:
        merged = f"{lead}\n{merged}"
    if _escalates(merged, page_chars, prose, below, share) and balanced:
        merged = merge_candidates(merged, balanced, params, links)
    return str(fill_gaps(merged, blocks, gap_min))


def _recalls(precise: str, prose: tuple[str, ...], gate: tuple[int, float]) -> bool:
    """``text.recall_gate`` with the setting ``gate`` (short_below, missing_share)."""
    from tidings.extract.text import recall_gate

    return bool(recall_gate(precise, prose, *gate))


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
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="pickle of the candidates: read when present, else computed and written "
        "(keep it outside the repository, e.g. under /tmp; stale once text.py changes)",
    )
    args = parser.parse_args(argv)
    bench = _bench()
    if not bench.DATA.is_dir():
        print(f"no gold data at {bench.DATA}; nothing to train on")
        return 0
    sys.path.insert(0, str(ROOT / "src"))
    logging.disable(logging.WARNING)
    from tidings.extract.text import MergeParams

    data: dict[str, tuple[list[Any], list[Candidates]]] = {}
    cached: dict[str, list[Candidates]] = {}
    if args.cache and args.cache.exists():
        cached = pickle.loads(args.cache.read_bytes())
    for name, loader in (
        ("scrapinghub", bench.load_scrapinghub),
        ("trafilatura-eval", bench.load_trafilatura_eval),
        ("fundus", bench.load_fundus),
    ):
        pages = loader(bench.DATA)
        data[name] = (pages, cached[name] if name in cached else _candidates(pages))
        print(f"{name}: {len(pages)} pages, candidates computed", file=sys.stderr)

    def text_f1(
        name: str,
        split: str,
        params: MergeParams,
        below: int = 0,
        share: float = 0.0,
        lead_min: int = 0,
        gap_min: int = 0,
        gate: tuple[int, float] = (0, 0.0),
    ) -> float:
        pages, cands = data[name]
        chosen = [
            (page, _merge(candidates, params, below, share, lead_min, gap_min, gate))
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

    if args.cache and not cached:
        args.cache.write_bytes(pickle.dumps({name: cands for name, (_, cands) in data.items()}))
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

    lead_scores: list[tuple[float, int]] = []
    print("lead_min | train SH  train TE  train FU  mean | test SH  TE  FU")
    for lead_min in GRID_LEAD:
        train = [text_f1(n, "train", chosen, lead_min=lead_min) for n in data]
        test = [text_f1(n, "test", chosen, lead_min=lead_min) for n in data]
        mean = sum(train) / len(train)
        print(
            f"{lead_min:>8} | {train[0]:.4f}  {train[1]:.4f}  {train[2]:.4f}  {mean:.4f} | "
            f"{test[0]:.4f}  {test[1]:.4f}  {test[2]:.4f}"
        )
        lead_scores.append((round(mean, 4), lead_min))
    lead_min = max(lead_scores, key=lambda item: (item[0], -item[1]))[1]
    print(f"lead chosen on train: {lead_min}")

    gap_scores: list[tuple[float, int]] = []
    print("gap_min | train SH  train TE  train FU  mean | test SH  TE  FU")
    for gap_min in GRID_GAP:
        train = [text_f1(n, "train", chosen, lead_min=lead_min, gap_min=gap_min) for n in data]
        test = [text_f1(n, "test", chosen, lead_min=lead_min, gap_min=gap_min) for n in data]
        mean = sum(train) / len(train)
        print(
            f"{gap_min:>7} | {train[0]:.4f}  {train[1]:.4f}  {train[2]:.4f}  {mean:.4f} | "
            f"{test[0]:.4f}  {test[1]:.4f}  {test[2]:.4f}"
        )
        gap_scores.append((round(mean, 4), gap_min))
    gap_min = max(gap_scores, key=lambda item: (item[0], item[1]))[1]
    print(f"gap filling chosen on train: {gap_min}")

    def escalated(below: int, share: float) -> int:
        count = 0
        for name, (pages, cands) in data.items():
            for page, candidates in zip(pages, cands, strict=True):
                if bench.split_of(name, page.key) != "train":
                    continue
                merged = _merge(candidates, chosen, lead_min=lead_min)
                prose = tuple(block.text for block in candidates[5])
                count += _escalates(merged, candidates[4], prose, below, share)
        return count

    ranked: list[tuple[float, int, int, float]] = []
    print("escalate_below share | train SH  train TE  train FU  mean  escalated | test SH  TE  FU")
    for below in GRID_ESCALATE_BELOW:
        for share in GRID_ESCALATE_SHARE:
            train = [text_f1(n, "train", chosen, below, share, lead_min, gap_min) for n in data]
            test = [text_f1(n, "test", chosen, below, share, lead_min, gap_min) for n in data]
            mean, count = sum(train) / len(train), escalated(below, share)
            print(
                f"{below:>14} {share:>5} | {train[0]:.4f}  {train[1]:.4f}  {train[2]:.4f}  "
                f"{mean:.4f}  {count:>9} | {test[0]:.4f}  {test[1]:.4f}  {test[2]:.4f}"
            )
            ranked.append((round(mean, 4), -count, below, share))
    _, _, below, share = max(ranked, key=lambda item: (item[0], item[1], -item[2]))
    print(f"escalation chosen on train: below {below}, share {share}")

    def recall_runs(gate: tuple[int, float]) -> int:
        return sum(
            _recalls(candidates[0], tuple(block.text for block in candidates[5]), gate)
            for name, (pages, cands) in data.items()
            for page, candidates in zip(pages, cands, strict=True)
            if bench.split_of(name, page.key) == "train"
        )

    gates: list[tuple[float, int, tuple[int, float]]] = []
    print("recall_below share | train SH  train TE  train FU  mean  recall runs | test SH  TE  FU")
    for recall_below in GRID_RECALL_BELOW:
        for recall_share in GRID_RECALL_SHARE:
            gate = (recall_below, recall_share)
            settings = (chosen, below, share, lead_min, gap_min, gate)
            train = [text_f1(n, "train", *settings) for n in data]
            test = [text_f1(n, "test", *settings) for n in data]
            mean, runs = sum(train) / len(train), recall_runs(gate)
            print(
                f"{recall_below:>12} {recall_share:>5} | {train[0]:.4f}  {train[1]:.4f}  "
                f"{train[2]:.4f}  {mean:.4f}  {runs:>11} | {test[0]:.4f}  {test[1]:.4f}  "
                f"{test[2]:.4f}"
            )
            gates.append((round(mean, 4), -runs, gate))
    recall_below, recall_share = max(gates, key=lambda item: (item[0], item[1]))[2]
    print(f"recall gate chosen on train: below {recall_below}, share {recall_share}")
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
            f"ESCALATE_PAGE_SHARE = {share}\n"
            "#: Shortest lead paragraph put before the text (``text.article_lead``; 0: none).\n"
            "#: Best mean text F1 of the training split of the three datasets.\n"
            f"LEAD_MIN_CHARS = {lead_min}\n"
            "#: Shortest missed paragraph of the text's own body container put back\n"
            "#: (``text.fill_gaps``; 0: none). Best mean text F1 of the training split of the\n"
            "#: three datasets.\n"
            f"GAP_MIN_CHARS = {gap_min}\n"
            "#: The recall candidate runs on a precision text that lacks paragraphs of the page's\n"
            "#: prose only if it is shorter than this or lacks more than this share of its length\n"
            "#: (``text.recall_gate``). Best mean text F1 of the training split of the three\n"
            "#: datasets; ties to the setting that runs the recall candidate on fewest pages.\n"
            f"RECALL_SHORT_BELOW = {recall_below}\n"
            f"RECALL_MISSING_SHARE = {recall_share}\n",
            encoding="utf-8",
        )
        print(f"written to {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
