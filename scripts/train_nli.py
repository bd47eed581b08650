"""Train a small entailment head over sentence embeddings on OCNLI (reproducible).

Usage::

    HF_HUB_OFFLINE=1 .venv/bin/python scripts/train_nli.py [--model use-multilingual-v3] \
        [--data ../shared/data] [--output PATH] [--cache DIR]

Features of a (premise, hypothesis) pair are ``[u, v, |u - v|, u * v]`` of their
embeddings (premise as a passage, hypothesis as a query), the classic recipe of
InferSent / Sentence-BERT classifiers; the head is a multinomial logistic regression
over entailment / neutral / contradiction. ``C`` is chosen on a seeded 20% validation
split of ``train.10k.json``; ``dev.json`` (3,000 pairs) is scored once, at the end.
Writes ``src/tidings/headlines/models/nli-<model>.npz`` (float16 weights, ~13 KB)
with the figures in ``meta``.

Result with ``use-multilingual-v3`` (seed 20251123, C = 0.3 chosen on validation
0.5774): OCNLI dev accuracy 0.5505 (majority class 0.3739), entailment AUC 0.7467.
On the tune half of ``bench/headlines_faithfulness.py`` the head's P(entailment) of
the headline given its best sentences bought no rejections within the keep-rate
budget (best threshold 0), so the gate does not use it and no weights are committed
(``tidings.headlines.faithfulness``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from tidings.nlp.embed import Embedder, default_model

log = logging.getLogger("train_nli")

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
MODELS = ROOT / "src" / "tidings" / "headlines" / "models"
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "tidings-nli-cache"
SEED = 20251123
LABELS = ("entailment", "neutral", "contradiction")


def load(path: Path) -> tuple[list[str], list[str], np.ndarray]:
    premises, hypotheses, labels = [], [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("label") not in LABELS:
            continue
        premises.append(row["sentence1"])
        hypotheses.append(row["sentence2"])
        labels.append(LABELS.index(row["label"]))
    return premises, hypotheses, np.asarray(labels, dtype=np.int64)


def features(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The pair features the head reads (also used by the gate)."""
    return np.concatenate([u, v, np.abs(u - v), u * v], axis=1).astype(np.float32)


def embed(embedder: Embedder, texts: list[str], kind: str, cache: Path) -> np.ndarray:
    digest = hashlib.blake2b("\n".join(texts).encode(), digest_size=8).hexdigest()
    path = cache / f"{embedder.model_name}-{kind}-{digest}.npy"
    if path.exists():
        loaded: np.ndarray = np.load(path)
        return loaded
    vectors = embedder.queries(texts) if kind == "query" else embedder.passages(texts)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def main(argv: list[str] | None = None) -> int:
    from sklearn.linear_model import LogisticRegression

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    ocnli = args.data / "nli" / "ocnli"
    if not ocnli.exists():
        log.error("%s absent", ocnli)
        return 1
    model = args.model or default_model()
    embedder = Embedder(model)
    started = time.perf_counter()
    sets = {}
    for name in ("train.10k.json", "dev.json"):
        premises, hypotheses, labels = load(ocnli / name)
        u = embed(embedder, premises, "passage", args.cache)
        v = embed(embedder, hypotheses, "query", args.cache)
        sets[name] = (features(u, v), labels)
        log.info("%s: %d pairs embedded (%.0f s)", name, len(labels), time.perf_counter() - started)
    x, y = sets["train.10k.json"]
    order = np.random.default_rng(SEED).permutation(len(y))
    cut = len(y) // 5
    val, fit = order[:cut], order[cut:]
    scores = {}
    for c in (0.1, 0.3, 1.0, 3.0):
        head = LogisticRegression(C=c, max_iter=2000)
        head.fit(x[fit], y[fit])
        scores[c] = float((head.predict(x[val]) == y[val]).mean())
        log.info("C=%s: validation accuracy %.4f", c, scores[c])
    best_c = max(scores, key=lambda c: scores[c])
    head = LogisticRegression(C=best_c, max_iter=2000)
    head.fit(x, y)
    dx, dy = sets["dev.json"]
    dev_acc = float((head.predict(dx) == dy).mean())
    entail = head.predict_proba(dx)[:, 0]
    # How well P(entailment) ranks entailed hypotheses above the rest (AUC).
    pos, neg = entail[dy == 0], entail[dy != 0]
    auc = float((pos[:, None] > neg[None, :]).mean())
    log.info("dev accuracy %.4f (majority %.4f), entailment AUC %.4f", dev_acc,
             np.bincount(dy).max() / len(dy), auc)  # fmt: skip
    meta = {
        "embedding_model": model,
        "labels": LABELS,
        "seed": SEED,
        "C": best_c,
        "validation_accuracy": scores,
        "dev_accuracy": dev_acc,
        "dev_entailment_auc": auc,
        "train_pairs": len(y),
        "dev_pairs": len(dy),
    }
    output = args.output or MODELS / f"nli-{model}.npz"
    output.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        output,
        weights=head.coef_.astype(np.float16),
        bias=head.intercept_.astype(np.float32),
        meta=np.asarray(json.dumps(meta)),
    )
    log.info("wrote %s (%d bytes)", output, output.stat().st_size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
