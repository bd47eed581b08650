"""Train the topic head of ``tidings.nlp.topics`` (reproducible, fixed seed).

Usage::

    .venv/bin/python scripts/train_topics.py --model use-multilingual-v3 \
        [--search] [--data ../shared/data] [--cache DIR]

Writes ``src/tidings/nlp/models/topics-<model>.npz`` (the weights for that embedding
model; ``--model`` defaults to ``tidings.nlp.embed.default_model()``). See
``src/tidings/nlp/models/README.md`` for the data, the label mapping and the AG News
split.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import logging
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tidings.nlp.embed import Embedder, default_model

log = logging.getLogger("train_topics")

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
AG_PATH = DEFAULT_DATA / "headlines" / "ag_news_test" / "test.csv"
MIND_PATH = DEFAULT_DATA / "recsys" / "mind_small_subset" / "news.tsv"
#: Embeddings of the training texts, cached between runs (outside the repository).
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "tidings-topics-cache"

#: The seed of every random choice: the AG News split and the training.
SEED = 20251123
#: AG News test.csv is the benchmark: rows are shuffled with SEED and the first
#: AG_TRAIN_ROWS of that order are the only ones ever trained on.
AG_TRAIN_ROWS = 5600


@dataclass(frozen=True)
class Example:
    title: str
    text: str
    #: Source label (AG class name or MIND category/subcategory).
    source_label: str


_NUMERIC_ENTITY = re.compile(r" ?#(\d+);")


def _numeric_entity(match: re.Match[str]) -> str:
    code = int(match.group(1))
    if 128 <= code < 160:
        return bytes([code]).decode("cp1252", errors="replace")
    return chr(code)


def clean_ag(text: str) -> str:
    """Undo AG News escaping: ``#39;`` entities, ``&lt;``, backslash line breaks."""
    text = _NUMERIC_ENTITY.sub(_numeric_entity, text)
    text = html.unescape(text).replace("\\", " ")
    return re.sub(r"\s+", " ", text).strip()


AG_CLASSES = ("World", "Sports", "Business", "Sci/Tech")


def load_ag_news(path: Path) -> list[Example]:
    with path.open(encoding="utf-8", newline="") as f:
        return [
            Example(clean_ag(title), clean_ag(desc), AG_CLASSES[int(label) - 1])
            for label, title, desc in csv.reader(f)
        ]


def ag_split(n: int, seed: int = SEED, n_train: int = AG_TRAIN_ROWS) -> tuple[list[int], list[int]]:
    """Row indices (train, held-out) of AG News test.csv: a seeded shuffle, cut at n_train."""
    order = np.random.default_rng(seed).permutation(n)
    return sorted(int(i) for i in order[:n_train]), sorted(int(i) for i in order[n_train:])


def load_mind(path: Path) -> list[Example]:
    out = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            out.append(Example(row[3].strip(), row[4].strip(), f"{row[1]}/{row[2]}"))
    return out


def cache_path(cache: Path, model: str, name: str, texts: Sequence[str]) -> Path:
    """Where the ``model`` embeddings of ``texts`` are cached (keyed by a hash of them)."""
    digest = hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()[:16]
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", model)
    return cache / f"{safe}-{name}-{digest}.npy"


def embed_cached(texts: Sequence[str], cache: Path, name: str, model: str) -> np.ndarray:
    """Passage embeddings of texts by ``model``, cached on disk under a hash of the texts."""
    path = cache_path(cache, model, name, texts)
    if path.exists():
        return np.load(path)
    cache.mkdir(parents=True, exist_ok=True)
    embedder = Embedder(model)
    started = time.monotonic()
    parts = []
    for i in range(0, len(texts), 16):
        parts.append(embedder.passages(list(texts[i : i + 16])))
        if i % 800 == 0:
            log.info("%s: embedded %d/%d (%.0fs)", name, i, len(texts), time.monotonic() - started)
    vectors = np.concatenate(parts) if parts else np.zeros((0, embedder.dim), np.float32)
    np.save(path, vectors)
    return vectors


# --- labels ------------------------------------------------------------------------------

AG_TO_TOPIC = {"World": "world", "Sports": "sports", "Business": "business", "Sci/Tech": "tech"}

#: MIND category or "category/subcategory" -> topic; anything else is not used.
MIND_TO_TOPIC = {
    "sports": "sports",
    "finance": "business",
    "health": "health",
    "entertainment": "entertainment",
    "movies": "entertainment",
    "music": "entertainment",
    "tv": "entertainment",
    "news/newsworld": "world",
    "news/newspolitics": "world",
    "news/newsus": "world",
    "news/newscrime": "world",
    "news/newsscienceandtechnology": "tech",
    "video/science": "science",
}

# Keyword seeds that split AG's "Sci/Tech" (and MIND's science-and-technology) rows into
# science, health and tech. Written for this project; matched on whole lower-case words.
SCIENCE_WORDS = frozenset(
    """space nasa astronaut astronauts astronomer astronomers planet planets mars lunar moon
    telescope hubble galaxy galaxies asteroid comet spacecraft rocket orbit orbiting saturn
    jupiter cassini huygens scientist scientists species fossil fossils dinosaur dinosaurs
    climate warming genome gene genes dna physics physicist chemistry biology biologist
    evolution archaeologist archaeologists archaeology ocean oceans whale whales shark sharks
    wildlife extinct extinction volcano glacier arctic antarctic ozone emissions researchers
    study universe solar reef coral ancient mammals primate primates earthquake
    seismic quake""".split()  # noqa: SIM905
)
HEALTH_WORDS = frozenset(
    """cancer heart patients patient disease diseases vaccine vaccines flu influenza obesity
    diabetes hiv aids medical doctors hospital hospitals fda health smoking tumor tumors
    alzheimer drug drugs medicine surgery infection virus""".split()  # noqa: SIM905
)
TECH_WORDS = frozenset(
    """software microsoft google apple ibm intel computer computers internet web online phone
    phones mobile wireless chip chips linux windows broadband ipod sony game games gaming
    spam hacker hackers network networks digital tech technology email e-mail server servers
    oracle yahoo amazon ebay dell hp desktop laptop pc pcs browser firefox search download
    downloads music piracy wi-fi telecom cell cellphone handset nokia motorola gadget
    security spyware worm""".split()  # noqa: SIM905
)
_WORDS = re.compile(r"[a-z][a-z-]*")


#: The topics MIND rows are used for (AG News has enough of the others).
MIND_ONLY_FOR = frozenset({"entertainment", "health", "science"})


def seed_sci_tech(title: str, text: str) -> str:
    """science, health or tech for a Sci/Tech story, by counting seed words."""
    words = _WORDS.findall(f"{title} {text}".lower())
    science = sum(w in SCIENCE_WORDS for w in words)
    health = sum(w in HEALTH_WORDS for w in words)
    tech = sum(w in TECH_WORDS for w in words)
    # ties go to tech: "virus" and "worm" are computer words when tech words are around
    if health > max(science, tech):
        return "health"
    if science > tech and science >= 1:
        return "science"
    return "tech"


def ag_topic(example: Example) -> str:
    topic = AG_TO_TOPIC[example.source_label]
    if topic == "tech":
        return seed_sci_tech(example.title, example.text)
    return topic


def mind_topic(example: Example) -> str | None:
    category = example.source_label.split("/", 1)[0]
    topic = MIND_TO_TOPIC.get(example.source_label) or MIND_TO_TOPIC.get(category)
    if topic == "tech":
        return seed_sci_tech(example.title, example.text)
    return topic


# --- training ----------------------------------------------------------------------------

AG_GROUPS = {
    "world": "World",
    "sports": "Sports",
    "business": "Business",
    "tech": "Sci/Tech",
    "science": "Sci/Tech",
    "health": "Sci/Tech",
}


def ag_prediction(probs: np.ndarray, labels: Sequence[str]) -> str:
    """AG News class of a 7-topic probability row: tech, science and health add up to
    Sci/Tech; entertainment has no AG class and is left out of the argmax."""
    totals: dict[str, float] = {}
    for label, p in zip(labels, probs, strict=True):
        group = AG_GROUPS.get(label)
        if group is not None:
            totals[group] = totals.get(group, 0.0) + float(p)
    return max(totals, key=lambda g: totals[g])


def ag_strict(probs: np.ndarray, labels: Sequence[str]) -> str | None:
    """AG class of the plain 7-way argmax (None for entertainment: always wrong)."""
    return AG_GROUPS.get(labels[int(np.argmax(probs))])


@dataclass
class Fitted:
    vectorizer: object
    model: object
    scale: float
    #: Per-dimension mean and standard deviation of the training embeddings.
    mean: np.ndarray
    std: np.ndarray

    def embedding_block(self, embeddings: np.ndarray) -> np.ndarray:
        return (embeddings - self.mean) / self.std * self.scale


def fit(
    texts: Sequence[str],
    embeddings: np.ndarray,
    y: Sequence[str],
    *,
    scale: float,
    c: float,
    max_features: int,
) -> Fitted:
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from tidings.nlp.topics import lexical_terms

    vectorizer = TfidfVectorizer(
        analyzer=lexical_terms,
        sublinear_tf=True,
        min_df=2,
        max_features=max_features,
        norm="l2",
        smooth_idf=True,
        dtype=np.float64,
    )
    lexical = vectorizer.fit_transform(texts)
    mean = embeddings.mean(axis=0)
    std = embeddings.std(axis=0) + 1e-6
    fitted = Fitted(vectorizer, None, scale, mean, std)
    x = sparse.hstack([sparse.csr_matrix(fitted.embedding_block(embeddings)), lexical]).tocsr()
    model = LogisticRegression(C=c, max_iter=3000, random_state=SEED)
    model.fit(x, list(y))
    fitted.model = model
    return fitted


def predict_proba(fitted: Fitted, texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
    from scipy import sparse

    lexical = fitted.vectorizer.transform(texts)  # type: ignore[attr-defined]
    x = sparse.hstack([sparse.csr_matrix(fitted.embedding_block(embeddings)), lexical]).tocsr()
    return np.asarray(fitted.model.predict_proba(x))  # type: ignore[attr-defined]


def classes(fitted: Fitted) -> list[str]:
    return [str(c) for c in fitted.model.classes_]  # type: ignore[attr-defined]


def ag_accuracy(probs: np.ndarray, labels: Sequence[str], gold: Sequence[str]) -> float:
    hits = sum(ag_prediction(p, labels) == g for p, g in zip(probs, gold, strict=True))
    return hits / max(len(gold), 1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument(
        "--model",
        default=None,
        help="embedding model (Embedder name) to train for; default: the configured one",
    )
    parser.add_argument(
        "--output", type=Path, default=None, help="default: models/topics-<model>.npz"
    )
    parser.add_argument("--search", action="store_true", help="cross-validate scale and C")
    parser.add_argument("--scale", type=float, default=None, help="default: per model")
    parser.add_argument("--c", type=float, default=None, help="default: per model")
    parser.add_argument("--max-features", type=int, default=DEFAULT_MAX_FEATURES)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    from tidings.nlp.topics import TOPICS, model_path, topic_text

    model = args.model or default_model()
    output = args.output or model_path(model)
    defaults = DEFAULTS.get(model, (DEFAULT_SCALE, DEFAULT_C))
    log.info("embedding model %s -> %s", model, output)

    ag = load_ag_news(args.data / "headlines" / "ag_news_test" / "test.csv")
    mind = load_mind(args.data / "recsys" / "mind_small_subset" / "news.tsv")
    ag_texts = [topic_text(x.title, x.text) for x in ag]
    mind_texts = [topic_text(x.title, x.text) for x in mind]
    ag_vectors = embed_cached(ag_texts, args.cache, "ag", model)
    mind_vectors = embed_cached(mind_texts, args.cache, "mind", model)

    train_rows, held_rows = ag_split(len(ag))
    # MIND only for the topics AG News lacks: its US-centred "news" rows blur AG's
    # world class (cross-validation on the AG training rows: -0.6 points with them).
    mind_rows = [i for i, x in enumerate(mind) if mind_topic(x) in MIND_ONLY_FOR]
    texts = [ag_texts[i] for i in train_rows] + [mind_texts[i] for i in mind_rows]
    vectors = np.concatenate([ag_vectors[train_rows], mind_vectors[mind_rows]])
    y = [ag_topic(ag[i]) for i in train_rows] + [str(mind_topic(mind[i])) for i in mind_rows]
    counts = {t: y.count(t) for t in TOPICS}
    log.info(
        "training rows: %d AG + %d MIND; per topic %s", len(train_rows), len(mind_rows), counts
    )
    missing = [t for t in TOPICS if not counts[t]]
    if missing:
        raise SystemExit(f"no training examples for {missing}")

    scale = defaults[0] if args.scale is None else args.scale
    c = defaults[1] if args.c is None else args.c
    if args.search:
        scale, c = search(texts, vectors, y, ag, train_rows, args.max_features)

    fitted = fit(texts, vectors, y, scale=scale, c=c, max_features=args.max_features)
    labels = classes(fitted)
    held_probs = predict_proba(fitted, [ag_texts[i] for i in held_rows], ag_vectors[held_rows])
    gold = [ag[i].source_label for i in held_rows]
    accuracy = ag_accuracy(held_probs, labels, gold)
    strict = sum(ag_strict(p, labels) == g for p, g in zip(held_probs, gold, strict=True)) / len(
        gold
    )
    log.info(
        "AG News held-out (n=%d): accuracy %.4f, strict 7-way %.4f", len(gold), accuracy, strict
    )
    save(
        fitted,
        output,
        model,
        counts,
        len(train_rows),
        len(mind_rows),
        accuracy,
        strict,
        len(gold),
    )
    return 0


DEFAULT_SCALE = 0.05
DEFAULT_C = 1.0
DEFAULT_MAX_FEATURES = 20000
#: (scale, C) per embedding model, chosen on the training rows only (models/README.md).
DEFAULTS: dict[str, tuple[float, float]] = {
    "multilingual-e5-small": (0.05, 1.0),
    "use-multilingual-v3": (0.02, 3.0),
}


def search(
    texts: Sequence[str],
    vectors: np.ndarray,
    y: Sequence[str],
    ag: Sequence[Example],
    train_rows: Sequence[int],
    max_features: int,
) -> tuple[float, float]:
    """Pick (scale, C) by 4-fold cross-validation on the AG training rows only."""
    n_ag = len(train_rows)
    folds = np.random.default_rng(SEED).permutation(n_ag) % 4
    best = (0.0, DEFAULT_SCALE, DEFAULT_C)
    for scale in (0.03, 0.05, 0.1):
        for c in (0.3, 1.0, 3.0):
            scores = []
            for fold in range(4):
                test = [i for i in range(n_ag) if folds[i] == fold]
                keep = [i for i in range(len(y)) if i >= n_ag or folds[i] != fold]
                fitted = fit(
                    [texts[i] for i in keep],
                    vectors[keep],
                    [y[i] for i in keep],
                    scale=scale,
                    c=c,
                    max_features=max_features,
                )
                probs = predict_proba(fitted, [texts[i] for i in test], vectors[test])
                gold = [ag[train_rows[i]].source_label for i in test]
                scores.append(ag_accuracy(probs, classes(fitted), gold))
            mean = float(np.mean(scores))
            log.info("scale %g C %g: cv accuracy %.4f", scale, c, mean)
            if mean > best[0]:
                best = (mean, scale, c)
    log.info("chosen: scale %g C %g (cv %.4f)", best[1], best[2], best[0])
    return best[1], best[2]


def save(
    fitted: Fitted,
    output: Path,
    embedding_model: str,
    counts: dict[str, int],
    n_ag: int,
    n_mind: int,
    accuracy: float,
    strict: float,
    n_held: int,
) -> None:
    import json

    model = fitted.model
    vectorizer = fitted.vectorizer
    coef = np.asarray(model.coef_, dtype=np.float64)  # type: ignore[attr-defined]
    dim = int(fitted.mean.shape[0])
    # Fold the standardisation into the weights: w . ((e - mean) / std * scale)
    #   = (w * scale / std) . e - (w * scale / std) . mean
    embedding_weights = coef[:, :dim] * fitted.scale / fitted.std
    bias = np.asarray(model.intercept_, dtype=np.float64) - embedding_weights @ fitted.mean  # type: ignore[attr-defined]
    meta = {
        "seed": SEED,
        "ag_split": f"AG News test.csv rows shuffled by numpy default_rng({SEED}).permutation;"
        f" first {AG_TRAIN_ROWS} trained on, the other {n_held} held out",
        "ag_train_rows": AG_TRAIN_ROWS,
        "training_rows": {"ag_news": n_ag, "mind": n_mind, "per_topic": counts},
        "heldout_accuracy": round(accuracy, 4),
        "heldout_accuracy_strict": round(strict, 4),
        "heldout_rows": n_held,
        "scale": fitted.scale,
        "C": model.C,  # type: ignore[attr-defined]
        "embedding": f"{embedding_model} passage vector of topic_text(title, text)",
        "embedding_model": embedding_model,
        "embedding_dim": dim,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        output,
        labels=np.array(classes(fitted), dtype=np.str_),
        embedding_weights=embedding_weights.astype(np.float32),
        lexical_weights=coef[:, dim:].astype(np.float16),
        bias=bias.astype(np.float32),
        vocabulary=np.array(
            [str(term) for term in vectorizer.get_feature_names_out()],  # type: ignore[attr-defined]
            dtype=np.str_,
        ),
        idf=np.asarray(vectorizer.idf_, dtype=np.float32),  # type: ignore[attr-defined]
        embedding_scale=np.float32(1.0),
        embedding_model=np.array(embedding_model, dtype=np.str_),
        embedding_dim=np.int32(dim),
        meta=np.array(json.dumps(meta, sort_keys=True)),
    )
    log.info("wrote %s (%.0f KB)", output, output.stat().st_size / 1024)


if __name__ == "__main__":
    sys.exit(main())
