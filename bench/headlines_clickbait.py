"""Clickbait scorer on held-out Webis-17 and Stop-Clickbait, against baselines.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/headlines_clickbait.py [--limit N]

The held-out rows are those ``scripts/train_clickbait.py`` never trains on (a hash of
each normalised headline, 20%; its ``is_heldout``). Printed, for
:class:`tidings.headlines.clickbait.ClickbaitScorer` (the committed weights, real
embeddings) and, measured in the same run on the same rows:

* Webis-17: mean squared error against the crowd's mean judgement (truthMean) and
  accuracy against truthClass (score >= ``CLICKBAIT_THRESHOLD``);
* Stop-Clickbait: accuracy;
* baselines: the majority class / mean, and TF-IDF (word 1-2 grams) + logistic
  regression (scikit-learn) fitted on the same training rows, one model per corpus
  (Webis: cross-entropy to truthMean, its probability as the score; Stop-Clickbait:
  on the label), so each baseline specialises in its corpus where the scorer's one
  score serves both;
* headlines/second of the scorer, cold (a fresh scorer, no embedding cache; model
  loading not counted);
* a hand-written sanity set of Chinese headlines (no gold corpus exists for Chinese
  clickbait here): accuracy at the threshold.

Skips with a message when ``../shared/data`` is absent. ``run()`` returns the figures.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
os.environ.setdefault("HF_HUB_OFFLINE", "1")

log = logging.getLogger("bench.headlines_clickbait")

#: Hand-written Chinese headlines: (headline, is clickbait). A sanity check only.
CHINESE_SET: tuple[tuple[str, bool], ...] = (
    ("震惊！你绝对想不到他接下来做了什么", True),
    ("这5个习惯正在悄悄毁掉你的健康，第3个很多人都有", True),
    ("看完这个视频，我哭了……", True),
    ("原来这才是真相！99%的人都不知道", True),
    ("你敢相信吗？这只狗竟然做到了", True),
    ("万万没想到，她的结局竟然是这样", True),
    ("国务院公布2025年政府工作报告全文", False),
    ("央行宣布下调存款准备金率0.5个百分点", False),
    ("上海地铁14号线今日开通运营", False),
    ("国家统计局：10月份居民消费价格同比上涨0.2%", False),
    ("台风“摩羯”在海南文昌登陆", False),
    ("中国男篮87比80击败日本队", False),
)


def _train_script() -> ModuleType:
    path = ROOT / "scripts" / "train_clickbait.py"
    spec = importlib.util.spec_from_file_location("train_clickbait", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("train_clickbait", module)
    spec.loader.exec_module(module)
    return module


def _baseline(train_texts: list[str], train_y: np.ndarray, test_texts: list[str]) -> np.ndarray:
    """TF-IDF word 1-2 grams + logistic regression: P(clickbait) of each test text.

    ``train_y`` may be soft (the Webis crowd mean): each row is then fitted as positive
    with weight y and negative with weight 1 - y (cross-entropy to the mean), so the
    probability estimates the mean as the scorer's crowd head does."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    x = vectorizer.fit_transform(train_texts)
    n = x.shape[0]
    model = LogisticRegression(C=4.0, max_iter=3000, random_state=0)
    model.fit(
        sparse.vstack([x, x]).tocsr(),
        np.r_[np.ones(n), np.zeros(n)],
        sample_weight=np.r_[train_y, 1.0 - train_y],
    )
    return np.asarray(model.predict_proba(vectorizer.transform(test_texts))[:, 1])


def _subset(rows: np.ndarray, limit: int | None) -> np.ndarray:
    return rows if limit is None else rows[:limit]


def run(limit: int | None = None, echo: bool = True) -> dict[str, float]:
    """The figures (``{"scorer/webis_mse": ..., "baseline_tfidf_lr/...": ...}``);
    empty when the shared data is absent. ``limit`` caps the held-out rows per corpus."""
    webis_path = SHARED / "headlines" / "webis_clickbait17" / "train.json"
    stop_path = SHARED / "headlines" / "stop_clickbait"
    if not webis_path.exists() or not stop_path.exists():
        message = f"clickbait: skipped, {SHARED / 'headlines'} (Webis-17, Stop-Clickbait) absent"
        if echo:
            print(message)
        else:
            log.warning(message)
        return {}
    from tidings.headlines.clickbait import CLICKBAIT_THRESHOLD, ClickbaitScorer

    train = _train_script()
    webis, stop = train.load_all(SHARED)
    w_test = _subset(np.flatnonzero(webis.heldout), limit)
    s_test = _subset(np.flatnonzero(stop.heldout), limit)
    w_train = np.flatnonzero(~webis.heldout)
    s_train = np.flatnonzero(~stop.heldout)
    w_texts = [webis.texts[i] for i in w_test]
    s_texts = [stop.texts[i] for i in s_test]
    w_mean, w_label = webis.target[w_test], webis.label[w_test]
    s_label = stop.label[s_test]
    t = CLICKBAIT_THRESHOLD

    scorer = ClickbaitScorer()
    scorer.score(["warm up the model"])  # loading is not part of the throughput
    from tidings.nlp.embed import Embedder

    scorer = ClickbaitScorer(Embedder(scorer.embedding_model))
    scorer.score(["warm up"])
    started = time.perf_counter()
    pw = np.asarray(scorer.score(w_texts))
    ps = np.asarray(scorer.score(s_texts))
    elapsed = time.perf_counter() - started
    zh = np.asarray(scorer.score([h for h, _ in CHINESE_SET]))
    zh_gold = np.array([y for _, y in CHINESE_SET])

    bw = _baseline([webis.texts[i] for i in w_train], webis.target[w_train], w_texts)
    bs = _baseline([stop.texts[i] for i in s_train], stop.target[s_train], s_texts)
    majority_w = float(np.round(webis.label[w_train].mean()))
    majority_s = float(np.round(stop.label[s_train].mean()))
    out: dict[str, float] = {
        "webis_heldout": float(len(w_test)),
        "stop_heldout": float(len(s_test)),
        "threshold": t,
        "scorer/webis_mse": float(np.mean((pw - w_mean) ** 2)),
        "scorer/webis_accuracy": float(np.mean((pw >= t) == w_label)),
        "scorer/stop_accuracy": float(np.mean((ps >= t) == s_label)),
        "scorer/chinese_sanity_accuracy": float(np.mean((zh >= t) == zh_gold)),
        "scorer/headlines_per_second": (len(w_texts) + len(s_texts)) / elapsed,
        "baseline_tfidf_lr/webis_mse": float(np.mean((bw - w_mean) ** 2)),
        "baseline_tfidf_lr/webis_accuracy": float(np.mean((bw >= 0.5) == w_label)),
        "baseline_tfidf_lr/stop_accuracy": float(np.mean((bs >= 0.5) == s_label)),
        "baseline_majority/webis_mse": float(np.mean((webis.target[w_train].mean() - w_mean) ** 2)),
        "baseline_majority/webis_accuracy": float(np.mean(w_label == majority_w)),
        "baseline_majority/stop_accuracy": float(np.mean(s_label == majority_s)),
    }
    if echo:
        _print(out, scorer.meta, list(zip(CHINESE_SET, zh, strict=True)))
    return out


def _print(
    out: dict[str, float],
    meta: dict[str, Any],
    chinese: list[tuple[tuple[str, bool], float]],
) -> None:
    print(
        f"held-out rows: Webis-17 {out['webis_heldout']:.0f}, "
        f"Stop-Clickbait {out['stop_heldout']:.0f}; threshold {out['threshold']:.2f}"
    )
    print(f"{'model':<34} {'Webis MSE':>10} {'Webis acc':>10} {'Stop acc':>10}")
    for name, label in (
        ("scorer", "ClickbaitScorer"),
        ("baseline_tfidf_lr", "TF-IDF + LR (one per corpus)"),
        ("baseline_majority", "majority class / mean"),
    ):
        print(
            f"{label:<34} {out[f'{name}/webis_mse']:>10.4f} "
            f"{out[f'{name}/webis_accuracy']:>10.4f} {out[f'{name}/stop_accuracy']:>10.4f}"
        )
    print("targets (issue 5)                      <=0.0300    >=0.8700    >=0.9700")
    print(f"scorer throughput: {out['scorer/headlines_per_second']:.0f} headlines/s (cold)")
    crowd = meta.get("out_of_fold", {}).get("crowd_alone")
    if crowd:
        print(f"crowd estimate alone, out of fold on the training rows (from training): {crowd}")
    print(f"Chinese sanity set: accuracy {out['scorer/chinese_sanity_accuracy']:.3f}")
    for (headline, gold), value in chinese:
        print(f"  {value:.3f} {'clickbait' if gold else 'sober':<9} {headline}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--limit", type=int, default=None, help="held-out rows per corpus")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    run(args.limit)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
