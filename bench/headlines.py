"""Headline benchmark: clickbait, extractive headlines, the faithfulness gate, the bandit.

One command runs every part of issue 5's evaluation and prints its figures:

    HF_HUB_OFFLINE=1 .venv/bin/python bench/headlines.py            # everything
    HF_HUB_OFFLINE=1 .venv/bin/python bench/headlines.py --parts bandit,stage

- ``clickbait``: Webis-17 MSE/accuracy and Stop-Clickbait accuracy on held-out splits,
  against a TF-IDF + logistic-regression baseline (``bench/headlines_clickbait.py``);
- ``rouge``: ROUGE-1/2/L of the extractive headline on LCSTS (score >= 3) and AG News
  against the lead baselines (``bench/headlines_rouge.py``);
- ``faithfulness``: rejection of corrupted headlines and keep rate of true ones, against
  embedding similarity alone (``bench/headlines_faithfulness.py``);
- ``bandit``: simulated readers choosing among the candidates of many stories, comparing
  the outlet's headline alone, a click-optimised bandit and Tidings' dwell-weighted one
  (the real :func:`tidings.headlines.bandit.choose` and event reducer);
- ``stage``: the headline stage's throughput (candidates, both gates) on real pages.

Parts that need ``../shared/data`` skip with a message when it is absent.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from tidings.headlines.bandit import (  # noqa: E402
    CLICK,
    DWELL,
    IMPRESSION,
    choose,
    deltas_from_events,
)
from tidings.records import (  # noqa: E402
    Event,
    FaithfulnessVerdict,
    HeadlineCandidate,
    HeadlineOrigin,
    StoredHeadline,
)

DATA = ROOT.parent / "shared" / "data"
PARTS = ("clickbait", "rouge", "faithfulness", "bandit", "stage")


# --- bandit simulation -------------------------------------------------------------


@dataclass(frozen=True)
class Arm:
    """A candidate's true behaviour with simulated readers."""

    click_rate: float
    #: Mean dwell seconds after a click (exponentially distributed).
    dwell_mean: float


def _story_arms(rng: np.random.Generator) -> list[Arm]:
    """Four honest candidates, one of which over-promises: readers click it more
    and leave at once (it passed the gates, as a subtle teaser can)."""
    honest = [Arm(float(rng.uniform(0.03, 0.08)), float(rng.uniform(50, 120))) for _ in range(3)]
    teaser = Arm(float(rng.uniform(0.09, 0.13)), float(rng.uniform(4, 9)))
    return [*honest, teaser]


def _stored(arms: list[Arm]) -> list[StoredHeadline]:
    verdict = FaithfulnessVerdict(True, 0.8)
    return [
        StoredHeadline(
            id=i + 1,
            article_id=1,
            story_id=1,
            candidate=HeadlineCandidate(
                f"candidate {i}",
                HeadlineOrigin.ORIGINAL if i == 0 else HeadlineOrigin.EXTRACTIVE,
                clickbait=0.1,
                faithfulness=verdict,
            ),
            language="en",
            eligible=True,
        )
        for i in range(len(arms))
    ]


def simulate(
    policy: str, *, stories: int = 200, impressions: int = 2000, seed: int = 11
) -> dict[str, float]:
    """Readers meet ``impressions`` headlines per story; returns click-through, satisfied
    reads (dwell >= 30 s) per 1,000 impressions and the share shown the teaser."""
    rng = np.random.default_rng(seed)
    clicks = satisfied = teaser = 0
    total = 0
    for _ in range(stories):
        arms = _story_arms(rng)
        stored = _stored(arms)
        by_id = {h.id: h for h in stored}
        next_event = 1
        for _ in range(impressions):
            if policy == "original":
                shown = stored[0]
            else:
                shown_choice = choose(
                    list(by_id.values()), title=None, representative=True, rng=rng
                )
                assert shown_choice.headline is not None
                shown = shown_choice.headline
            arm = arms[shown.id - 1]
            total += 1
            teaser += int(shown.id == len(arms))
            events = [Event(next_event, IMPRESSION, 1, None, {"headline_id": shown.id}, "")]
            if rng.random() < arm.click_rate:
                clicks += 1
                dwell = float(rng.exponential(arm.dwell_mean))
                satisfied += int(dwell >= 30)
                events.append(Event(next_event + 1, CLICK, 1, None, {"headline_id": shown.id}, ""))
                if policy != "clicks":  # the click-optimised bandit ignores what follows
                    events.append(
                        Event(
                            next_event + 2,
                            DWELL,
                            1,
                            None,
                            {"headline_id": shown.id, "seconds": dwell},
                            "",
                        )
                    )
            next_event += 3
            if policy == "original":
                continue
            pending = {h.id: h.pending_clicks for h in by_id.values()}
            for hid, delta in deltas_from_events(events, pending).items():
                h = by_id[hid]
                reward = h.reward + delta.reward
                if policy == "clicks":  # a click is worth 1, whatever the reader did next
                    reward = h.reward + delta.clicks
                by_id[hid] = replace(
                    h,
                    impressions=h.impressions + delta.impressions,
                    clicks=h.clicks + delta.clicks,
                    pending_clicks=0
                    if policy == "clicks"
                    else h.pending_clicks + delta.pending_clicks,
                    reward=reward,
                )
    return {
        "ctr": clicks / total,
        "satisfied_per_1000": 1000 * satisfied / total,
        "teaser_share": teaser / total,
    }


def bench_bandit(stories: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    print(f"\nBandit: {stories} stories x 2,000 impressions, 3 honest candidates + 1 teaser")
    print(f"{'policy':<28}{'CTR':>8}{'satisfied/1000':>16}{'teaser share':>14}")
    names = {
        "original": "outlet's headline only",
        "clicks": "click-optimised Thompson",
        "tidings": "Tidings (dwell-weighted)",
    }
    for policy, label in names.items():
        started = time.perf_counter()
        figures = simulate(policy, stories=stories)
        figures["seconds"] = time.perf_counter() - started
        out[policy] = figures
        print(
            f"{label:<28}{figures['ctr']:>8.4f}{figures['satisfied_per_1000']:>16.2f}"
            f"{figures['teaser_share']:>14.3f}"
        )
    return out


# --- the stage on real pages ------------------------------------------------------------


def bench_stage(limit: int, generator: str | None = None) -> dict[str, Any] | None:
    truth = DATA / "extraction" / "scrapinghub" / "ground-truth.json"
    html_dir = DATA / "extraction" / "scrapinghub" / "html"
    if not truth.exists():
        print("\nstage: ../shared/data/extraction/scrapinghub is absent; skipped")
        return None
    from tidings.extract import extract_article
    from tidings.headlines.writer import HeadlineInput, HeadlineWriter, eligible
    from tidings.nlp.summary import summarize
    from tidings.records import ExtractedArticle

    articles: list[HeadlineInput] = []
    for path in sorted(html_dir.glob("*.html.gz"))[:limit]:
        result = extract_article(gzip.decompress(path.read_bytes()))
        if isinstance(result, ExtractedArticle) and result.text:
            articles.append(
                HeadlineInput(
                    text=result.text,
                    title=result.title,
                    language=result.language,
                    summary=summarize(result.text, result.language),
                )
            )
    from tidings.headlines.generate import generator_from_setting

    writer = HeadlineWriter(generator=generator_from_setting(generator or ""))
    writer.write(articles[0])  # load the models outside the clock
    started = time.perf_counter()
    cpu = time.process_time()
    candidates = eligible_count = originals_ok = generated = generated_ok = 0
    for article in articles:
        found = writer.write(article)
        candidates += len(found)
        eligible_count += sum(1 for c in found if eligible(c))
        mine = [c for c in found if c.origin is HeadlineOrigin.GENERATED]
        generated += len(mine)
        generated_ok += sum(1 for c in mine if eligible(c))
        originals_ok += sum(1 for c in found if c.origin is HeadlineOrigin.ORIGINAL and eligible(c))
    wall = time.perf_counter() - started
    cpu_s = time.process_time() - cpu
    figures = {
        "articles": len(articles),
        "candidates_per_article": candidates / len(articles),
        "eligible_per_article": eligible_count / len(articles),
        "originals_passing": originals_ok / len(articles),
        "articles_per_second": len(articles) / wall,
        "articles_per_cpu_second": len(articles) / cpu_s,
        "generated": generated,
        "generated_passing": generated_ok,
    }
    print(
        f"\nStage on {len(articles)} ScrapingHub pages: {figures['candidates_per_article']:.1f} "
        f"candidates/article, {figures['eligible_per_article']:.1f} pass both gates, "
        f"{figures['originals_passing']:.1%} of original titles pass; "
        f"{figures['articles_per_second']:.1f} articles/s "
        f"({figures['articles_per_cpu_second']:.1f} per CPU-second)"
    )
    if generator:
        print(
            f"Generator {writer.generator.name if writer.generator else generator}: "
            f"{generated} headlines, {generated_ok} passed both gates, "
            f"{writer.generator_failures} failures"
        )
    return figures


# --- driver -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", default=",".join(PARTS), help=f"comma list of {PARTS}")
    parser.add_argument("--stories", type=int, default=200, help="bandit: simulated stories")
    parser.add_argument("--pages", type=int, default=100, help="stage: pages")
    parser.add_argument(
        "--generator", help="stage: also generate with smollm2, llama-cpp:PATH or openai:URL"
    )
    parser.add_argument("--json", type=Path, help="also write all figures to this file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    wanted = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = set(wanted) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts {sorted(unknown)}")
    results: dict[str, Any] = {}
    for part in wanted:
        if part == "bandit":
            results[part] = bench_bandit(args.stories)
        elif part == "stage":
            results[part] = bench_stage(args.pages, args.generator)
        else:
            module = __import__(f"bench.headlines_{part}", fromlist=["run"])
            print(f"\n== {part} ({module.__name__})")
            results[part] = module.run()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
