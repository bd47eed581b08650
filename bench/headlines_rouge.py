"""ROUGE of extractive headlines against human ones, with the lead baselines beside them.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/headlines_rouge.py [--limit N] [--methods a,b]
    HF_HUB_OFFLINE=1 .venv/bin/python bench/headlines_rouge.py --tune   # the grids

Two sets, both from ``../shared/data/headlines``:

* ``lcsts_part3/PART_III.txt``: LCSTS (Hu et al. 2015) test part, the pairs with a
  human score >= 3 (725). ROUGE on characters, punctuation included, as the LCSTS
  papers report it; the lead baseline is the first 20 characters (published:
  24.0/13.3/21.0, reproduced here to confirm the scale).
* ``ag_news_test/test.csv``: AG News test rows, the description as the article and
  the title as the reference headline. The CSV's escapes (``#39;``, ``\\$``, HTML
  entities and tags) are decoded in both, and a trailing source tag in the title
  ("(AP)", "(Reuters)") is removed: it names the wire, not the story. ROUGE with
  ``rouge-score`` (lower-cased words, Porter stemmer). Baselines: the first N words of
  the description, N the mean title length of the tune half rounded, and the first
  sentence whole.

Every pair is put in the *tune* or the *report* half by a hash of its text; the
parameters of ``tidings.headlines.extractive`` were chosen on the tune half only.
Figures are F1 x 100 on each half and on all pairs. ``run()`` returns them flat for
``bench/headlines.py``. Exits cleanly (empty result) when the shared data or
``rouge-score`` is absent.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import logging
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "headlines"
LCSTS = SHARED / "lcsts_part3" / "PART_III.txt"
AG_CSV = SHARED / "ag_news_test" / "test.csv"
#: Published lead-20-characters baseline on LCSTS part III (score >= 3).
LCSTS_PUBLISHED_LEAD = (24.0, 13.3, 21.0)
METRICS = ("rouge1", "rouge2", "rougeL")

log = logging.getLogger("bench.headlines_rouge")


@dataclass(frozen=True)
class Pair:
    text: str
    reference: str
    tune: bool


def _is_tune(text: str) -> bool:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()[0] % 2 == 0


def load_lcsts(path: Path = LCSTS, min_score: int = 3) -> list[Pair]:
    raw = path.read_text(encoding="utf-8")
    docs = re.findall(
        r"<human_label>(\d)</human_label>\s*<summary>\s*(.*?)\s*</summary>\s*"
        r"<short_text>\s*(.*?)\s*</short_text>",
        raw,
        re.S,
    )
    return [
        Pair(text, summary, _is_tune(text))
        for label, summary, text in docs
        if int(label) >= min_score
    ]


_AG_ESCAPES = (
    ("\\$", "$"),
    ("\\", " "),
    ("#36;", "$"),
    ("#39;", "'"),
    (" amp;", " &"),
    ("quot;", '"'),
)
_TAG = re.compile(r"<[^>]{0,300}>")
_SOURCE_TAG = re.compile(
    r"\s*\((?:AP|AFP|Reuters|[A-Za-z]+\.(?:com|net|org)|[A-Z][\w.]{1,20})\)\s*$"
)


def clean_ag(text: str) -> str:
    """AG News text as it was published: CSV escapes, entities and tags decoded."""
    for old, new in _AG_ESCAPES:
        text = text.replace(old, new)
    text = _TAG.sub(" ", html.unescape(text))
    return " ".join(text.split())


def load_ag(path: Path = AG_CSV) -> list[Pair]:
    pairs: list[Pair] = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            title = _SOURCE_TAG.sub("", clean_ag(row[1]))
            text = clean_ag(row[2])
            if title and text:
                pairs.append(Pair(text, title, _is_tune(text)))
    return pairs


class _Characters:
    """rouge-score tokenizer for Chinese: every non-space character is a token."""

    def tokenize(self, text: str) -> list[str]:
        return [c for c in text.lower() if not c.isspace()]


def _scorer(chinese: bool) -> Any:
    from rouge_score import rouge_scorer

    if chinese:
        return rouge_scorer.RougeScorer(list(METRICS), tokenizer=_Characters())
    return rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)


Method = Callable[[str], str]


def _methods(language: str, lead_words: int) -> dict[str, Method]:
    from tidings.headlines import extractive
    from tidings.nlp.summary import split_sentences

    def first_sentence(text: str) -> str:
        sentences = split_sentences(text, language)
        return sentences[0] if sentences else ""

    def lead_chars(n: int) -> Method:
        return lambda text: text[:n]

    def lead_words_(n: int) -> Method:
        return lambda text: " ".join(text.split()[:n])

    methods: dict[str, Method] = {}
    if language == "zh":
        # The default's output is shorter (about 17 characters): length is not its gain.
        methods["lead-20 chars"] = lead_chars(20)
    else:
        methods[f"lead-{lead_words} words"] = lead_words_(lead_words)
        # The word budget of the extractive methods: length alone is not the gain.
        methods[f"lead-{extractive.EN_MAX_WORDS} words"] = lead_words_(extractive.EN_MAX_WORDS)
        methods["lead sentence"] = first_sentence
    for name, method in extractive.METHODS.items():
        methods[f"extractive:{name}"] = _wrap(method, language)
    # What readers are shown: English cut only where a phrase ends.
    methods["default"] = _wrap(extractive.default_headline, language)
    if language != "zh":
        methods["default, cut at budget"] = lambda text: (
            extractive.default_headline(text, language=language, complete=False) or ""
        )
    return methods


def _wrap(method: Callable[..., str | None], language: str) -> Method:
    return lambda text: method(text, language=language) or ""


def score(pairs: Sequence[Pair], method: Method, chinese: bool) -> dict[str, dict[str, float]]:
    """Mean ROUGE F1 x 100 per half ("tune", "report") and over "all" pairs.

    ``all`` also carries ``length``: the mean output length (characters for Chinese,
    words otherwise).
    """
    scorer = _scorer(chinese)
    sums = {part: dict.fromkeys(METRICS, 0.0) for part in ("tune", "report", "all")}
    counts = dict.fromkeys(sums, 0)
    length = 0
    for pair in pairs:
        output = method(pair.text)
        length += len("".join(output.split())) if chinese else len(output.split())
        result = scorer.score(pair.reference, output)
        for part in ("tune" if pair.tune else "report", "all"):
            counts[part] += 1
            for metric in METRICS:
                sums[part][metric] += result[metric].fmeasure
    out = {
        part: {m: 100 * v / max(counts[part], 1) for m, v in values.items()}
        for part, values in sums.items()
    }
    out["all"]["length"] = length / max(len(pairs), 1)
    return out


def _datasets(limit: int | None) -> dict[str, tuple[str, list[Pair]]]:
    sets: dict[str, tuple[str, list[Pair]]] = {}
    if LCSTS.exists():
        sets["lcsts"] = ("zh", load_lcsts()[:limit])
    if AG_CSV.exists():
        sets["ag_news"] = ("en", load_ag()[:limit])
    return sets


def run(
    limit: int | None = None, methods: Sequence[str] | None = None, echo: bool = True
) -> dict[str, float]:
    """``{"<dataset>/<method>/<half>/<metric>": F1 x 100}``; empty when data is absent.

    ``<method>`` is a baseline ("lead-20 chars", "lead-7 words", ...),
    ``extractive:<name>`` or ``default``; ``<half>`` is tune, report or all; the
    ``all`` half also has ``length`` (mean output length).
    """
    try:
        import rouge_score  # noqa: F401
    except ImportError:
        message = "rouge: skipped, rouge-score is not installed (pip install rouge-score)"
        log.warning(message)
        if echo:
            print(message)
        return {}
    out: dict[str, float] = {}
    datasets = _datasets(limit)
    if not datasets:
        log.warning("rouge: skipped, %s absent", SHARED)
        if echo:
            print(f"rouge: skipped, {SHARED} absent")
    elif echo:
        print("ROUGE F1 x 100, R-1/R-2/R-L, per half (tune, report) and all")
        print(f"LCSTS published lead-20 chars: {'/'.join(map(str, LCSTS_PUBLISHED_LEAD))}")
    for dataset, (language, pairs) in datasets.items():
        tune_titles = [len(p.reference.split()) for p in pairs if p.tune] or [7]
        lead_words = round(sum(tune_titles) / len(tune_titles))
        for name, method in _methods(language, lead_words).items():
            if methods and not any(m in name for m in methods):
                continue
            started = time.perf_counter()
            result = score(pairs, method, chinese=language == "zh")
            ms = 1000 * (time.perf_counter() - started) / max(len(pairs), 1)
            for part, values in result.items():
                for metric, value in values.items():
                    out[f"{dataset}/{name}/{part}/{metric}"] = value
            if echo:
                _print_row(dataset, name, result, ms, pairs)
    return out


def _print_row(
    dataset: str, name: str, result: dict[str, dict[str, float]], ms: float, pairs: Sequence[Pair]
) -> None:
    cells = "  ".join(f"{part} {_cells(v)}" for part, v in result.items())
    unit = "chars" if dataset == "lcsts" else "words"
    print(
        f"{dataset:8} {name:22} {cells}  (mean {result['all']['length']:.1f} {unit}, "
        f"{len(pairs)} pairs, {ms:.1f} ms/pair)"
    )


def tune(limit: int | None = None) -> None:
    """Print the parameter grids on the tune halves only (how the defaults were chosen)."""
    import dataclasses
    import itertools

    from tidings.headlines import compress_en, compress_zh
    from tidings.nlp.summary import split_sentences

    datasets = _datasets(limit)
    if "lcsts" in datasets:
        pairs = [p for p in datasets["lcsts"][1] if p.tune]
        rows = []
        for target, length_w, position_w, min_chars, max_chars in itertools.product(
            (16, 18, 20), (0.0, 0.02, 0.05), (0.5, 1.0, 2.0), (6, 10), (24, 26, 28)
        ):
            params = dataclasses.replace(
                compress_zh.PARAMS,
                target=target,
                length_weight=length_w,
                position_weight=position_w,
                min_chars=min_chars,
                max_chars=max_chars,
            )

            def zh(text: str, params: compress_zh.Params = params) -> str:
                ranked = compress_zh.candidates(text, params)
                return ranked[0][1] if ranked else text[:20]

            result = score(pairs, zh, chinese=True)["tune"]
            rows.append((sum(result[m] for m in METRICS), result, params))
        rows.sort(key=lambda row: -row[0])
        for _, result, params in rows[:8]:
            print(f"lcsts tune {_cells(result)}  {params}")
    if "ag_news" in datasets:
        pairs = [p for p in datasets["ag_news"][1] if p.tune]
        for max_words, min_words in itertools.product((8, 10, 12, 14), (4, 6, 8)):

            def en(text: str, max_words: int = max_words, min_words: int = min_words) -> str:
                sentences = split_sentences(compress_en.strip_dateline(text), "en")
                if not sentences:
                    return ""
                return compress_en.compress_sentence(
                    sentences[0], max_words=max_words, min_words=min_words
                )

            result = score(pairs, en, chinese=False)["tune"]
            print(f"ag_news tune {_cells(result)}  max_words={max_words} min_words={min_words}")


def _cells(v: dict[str, float]) -> str:
    return f"{v['rouge1']:5.2f}/{v['rouge2']:5.2f}/{v['rougeL']:5.2f}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="first N pairs of each set")
    parser.add_argument("--methods", default="", help="comma-separated name filters")
    parser.add_argument(
        "--tune", action="store_true", help="print the parameter grids on the tune halves"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.tune:
        tune(args.limit)
        return
    methods = [m for m in args.methods.split(",") if m]
    run(args.limit, methods or None, echo=True)


if __name__ == "__main__":
    main()
