"""Topic accuracy on AG News (held-out rows only) and ms/article of the NLP helpers.

    .venv/bin/python bench/topics.py [--articles 100] [--no-accuracy] [--model NAME]

Everything is measured for one embedding model: ``--model``, else the configured
default embedder (``tidings.nlp.embed.default_model()``, i.e.
``TIDINGS_EMBEDDING_MODEL`` or multilingual-e5-small); every row names it.

* Topic accuracy: the committed weights for that model
  (``src/tidings/nlp/models/topics-<model>.npz``) on the AG News test.csv rows they
  were *not* trained on. The split is the one recorded in the
  model (a seeded shuffle of the 7,600 rows; the first 5,600 trained on, the other
  2,000 held out), recomputed here by ``scripts/train_topics.py``'s own ``ag_split``.
  The 7 topics are collapsed to AG's 4 classes (tech + science + health = Sci/Tech;
  entertainment, which AG has no class for, is left out of the argmax); the strict
  figure takes the plain 7-way argmax and counts entertainment as wrong.
* ms/article of ``extract_entities``, ``extract_keywords``, ``TopicClassifier.predict``
  (with the article's embedding given, as the NLP stage does, and with it computed
  here) and ``summarize`` over real articles: the ScrapingHub pages extracted with
  ``tidings.extract.extract_article``, and the Chinese articles of the demo web.

Exits cleanly with a message when the shared data is absent. ``run()`` returns the
rows for ``bench/nlp.py``.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import logging
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
AG_CSV = SHARED / "headlines" / "ag_news_test" / "test.csv"
PAGES = SHARED / "extraction" / "scrapinghub" / "html"
#: Where scripts/train_topics.py caches embeddings (reused here when present).
CACHE = Path(tempfile.gettempdir()) / "tidings-topics-cache"

log = logging.getLogger("bench.topics")


def _train_script() -> ModuleType:
    path = ROOT / "scripts" / "train_topics.py"
    spec = importlib.util.spec_from_file_location("train_topics", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("train_topics", module)
    spec.loader.exec_module(module)
    return module


def _model(model: str | None) -> str:
    from tidings.nlp.embed import default_model

    return model or default_model()


def topic_accuracy(limit: int | None = None, model: str | None = None) -> list[tuple[str, str]]:
    from tidings.nlp.embed import Embedder
    from tidings.nlp.topics import TopicClassifier, topic_text

    model = _model(model)
    if not AG_CSV.exists():
        return [(f"topic accuracy [{model}] (AG News held-out)", f"skipped: {AG_CSV} absent")]
    train = _train_script()
    classifier = TopicClassifier.load(model=model)
    meta: dict[str, Any] = classifier.meta
    ag = train.load_ag_news(AG_CSV)
    texts = [topic_text(x.title, x.text) for x in ag]
    _, held = train.ag_split(len(ag), seed=int(meta["seed"]), n_train=int(meta["ag_train_rows"]))
    if limit:
        held = held[:limit]

    cached = train.cache_path(CACHE, model, "ag", texts)
    if cached.exists():
        vectors = np.load(cached)[held]
    else:
        vectors = Embedder(model).passages([texts[i] for i in held])

    labels = classifier.labels
    gold = [ag[i].source_label for i in held]
    probs = []
    for row, i in enumerate(held):
        prediction = classifier.predict(ag[i].title, ag[i].text, embedding=vectors[row])
        probs.append(np.array([prediction.scores[label] for label in labels]))
    hits = sum(train.ag_prediction(p, labels) == g for p, g in zip(probs, gold, strict=True))
    strict = sum(train.ag_strict(p, labels) == g for p, g in zip(probs, gold, strict=True))
    n = len(held)
    split = (
        f"seeded shuffle (numpy default_rng({meta['seed']})) of the 7,600 test.csv rows: "
        f"first {meta['ag_train_rows']} trained on, last {len(ag) - int(meta['ag_train_rows'])}"
        " held out"
    )
    return [
        (f"topic accuracy [{model}] (AG News held-out, n={n}, 4 classes)", f"{hits / n:.4f}"),
        (
            f"topic accuracy [{model}], strict 7-way argmax (AG News held-out, n={n})",
            f"{strict / n:.4f}",
        ),
        ("topic AG News split", split),
    ]


def _articles(count: int) -> list[tuple[str | None, str, str | None]]:
    """(title, text, language) of real pages: ScrapingHub pages, then demo Chinese."""
    from tidings.extract import extract_article
    from tidings.records import ExtractedArticle

    out: list[tuple[str | None, str, str | None]] = []
    if PAGES.exists():
        for page in sorted(PAGES.glob("*.html.gz")):
            if len(out) >= count:
                break
            result = extract_article(gzip.decompress(page.read_bytes()), url=None)
            if isinstance(result, ExtractedArticle) and result.language == "en":
                out.append((result.title, result.text, result.language))
    return out


def _chinese_articles() -> list[tuple[str | None, str, str | None]]:
    from tidings.demo.sites import build_catalogue

    catalogue = build_catalogue(7)
    stories = [a.story for items in catalogue.articles.values() for a in items]
    return [(s.title, s.text, s.language) for s in stories if s.language == "zh"]


def _time(fn: Callable[[], object], n: int) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000 / max(n, 1)


def speed(count: int = 100, model: str | None = None) -> list[tuple[str, str]]:
    from tidings.nlp.embed import Embedder
    from tidings.nlp.entities import extract_entities
    from tidings.nlp.keywords import extract_keywords
    from tidings.nlp.summary import summarize
    from tidings.nlp.topics import default_classifier, topic_text

    model = _model(model)
    rows: list[tuple[str, str]] = []
    english = _articles(count)
    chinese = _chinese_articles()
    classifier = default_classifier(model)
    embedder = Embedder(model)
    # Warm every model so that loading is not timed.
    extract_entities("Angela Merkel visited Paris.", "en")
    extract_entities("习近平在北京。", "zh")
    extract_keywords("女排在世界杯比赛中获胜。", "zh")
    classifier.predict("warm", "up", embedding=embedder.passages(["warm up"])[0])

    for name, articles in (("en", english), ("zh", chinese)):
        n = len(articles)
        if not n:
            rows.append((f"NLP helpers ({name})", "skipped: no articles"))
            continue
        chars = sum(len(t) for _, t, _ in articles) / n
        label = f"{name}, n={n}, mean {chars:.0f} chars, {model}"
        vectors = embedder.passages([topic_text(t, x) for t, x, _ in articles])
        timings = {
            "entities": _time(lambda a=articles: [extract_entities(x, g) for _, x, g in a], n),
            "keywords": _time(lambda a=articles: [extract_keywords(x, g) for _, x, g in a], n),
            "topics (embedding given)": _time(
                lambda a=articles, v=vectors: [
                    classifier.predict(t, x, embedding=v[i]) for i, (t, x, _) in enumerate(a)
                ],
                n,
            ),
            "summary": _time(lambda a=articles: [summarize(x, g) for _, x, g in a], n),
        }
        # The stage embeds each article once and passes the vector; this is the cost
        # when predict() has to embed topic_text itself (batched by 16, a fresh model).
        fresh = Embedder(model)
        texts = [topic_text(t, x) for t, x, _ in articles]
        timings["topics incl. embedding topic_text"] = (
            _time(
                lambda e=fresh, b=texts: [e.passages(b[i : i + 16]) for i in range(0, len(b), 16)],
                n,
            )
            + timings["topics (embedding given)"]
        )
        for what, ms in timings.items():
            rows.append((f"{what} ms/article ({label})", f"{ms:.1f}"))
    return rows


def demo_topics(model: str | None = None) -> list[tuple[str, str]]:
    """Sanity figure: topics of the demo web's stories (invented text, known topics)."""
    from tidings.demo.sites import build_catalogue
    from tidings.nlp.topics import default_classifier

    model = _model(model)
    mapping = {"culture": "entertainment", "local": "world"}
    catalogue = build_catalogue(7)
    stories = [a.story for items in catalogue.articles.values() for a in items]
    classifier = default_classifier(model)
    hits = sum(
        classifier.predict(s.title, s.text).label == mapping.get(s.topic, s.topic) for s in stories
    )
    return [
        (
            f"topic accuracy [{model}] on demo-web stories (n={len(stories)}, en+zh)",
            f"{hits / len(stories):.3f}",
        )
    ]


def run(
    articles: int = 100, accuracy: bool = True, model: str | None = None
) -> list[tuple[str, str]]:
    model = _model(model)
    rows: list[tuple[str, str]] = [("embedding model (topic weights)", model)]
    if accuracy:
        rows += topic_accuracy(model=model)
    rows += demo_topics(model)
    rows += speed(articles, model)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--no-accuracy", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--model", default=None, help="embedding model; default: the configured default embedder"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    rows = run(args.articles, accuracy=not args.no_accuracy, model=args.model)
    if args.json:
        print(json.dumps(dict(rows), indent=2, ensure_ascii=False))
    else:
        width = max(len(name) for name, _ in rows)
        for name, value in rows:
            print(f"{name:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
