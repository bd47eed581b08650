"""Language-processing benchmark: language ID, near duplicates, stories, throughput.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/nlp.py [--articles 300] [--quick]

Prints one table. The labelled sets are built at run time (see ``bench/nlp_sets.py``);
parts that need ``../shared/data`` are skipped with a note where it is absent. When
``bench/topics.py`` exists its ``run()`` figures are appended.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import nlp_sets  # noqa: E402
from tidings.language import identify_language  # noqa: E402
from tidings.nlp.ann import VectorIndex  # noqa: E402
from tidings.nlp.dedup import NearDuplicateIndex, exact_hash, minhash_signature  # noqa: E402
from tidings.nlp.embed import Embedder, lead_window  # noqa: E402
from tidings.nlp.stories import (  # noqa: E402
    StoryClusterer,
    StoryInput,
    anchor_terms,
    story_params,
)

Row = tuple[str, str]


def _entity_fn() -> Callable[[str, str | None], tuple[str, ...]] | None:
    """The other NLP engineer's entity extractor, if it is there and works."""
    try:
        from tidings.nlp.entities import extract_entities

        extract_entities("Test of Paris.", "en")
    except Exception:  # optional in this benchmark: anchors still apply
        return None

    def run(text: str, language: str | None) -> tuple[str, ...]:
        return tuple(e.normalized for e in extract_entities(text, language))

    return run


# --- language ----------------------------------------------------------------------


def language_rows() -> list[Row]:
    rows: list[Row] = []
    path = nlp_sets.SHARED / "headlines" / "stop_clickbait" / "non_clickbait_data.gz"
    if path.exists():
        lines = nlp_sets.read_gzip_lines(path)
        sample = random.Random(1).sample(lines, 1000)
        ok = sum(identify_language(h).code == "en" for h in sample)
        rows.append(("language: English headlines (1,000, stop_clickbait)", f"{ok / 10:.1f}%"))
    path = nlp_sets.SHARED / "headlines" / "lcsts_part3" / "PART_III.txt"
    if path.exists():
        import re

        text = path.read_text(encoding="utf-8")
        heads = re.findall(r"<summary>\s*(.*?)\s*</summary>", text, re.S)[:500]
        if heads:
            ok = sum(identify_language(h).code == "zh" for h in heads)
            rows.append(
                (f"language: Chinese headlines ({len(heads)}, LCSTS)", f"{ok / len(heads):.1%}")
            )
    mixed = [
        ("苹果发布iPhone 16e 首次搭载自研C1调制解调器", "zh"),
        ("SpaceX星舰试飞再次失败", "zh"),
        ("英伟达Nvidia市值蒸发6000亿美元", "zh"),
        ("Xi Jinping meets Biden in San Francisco (习近平会见拜登)", "en"),
        ("Alibaba's Qwen beats GPT-4o on Chinese benchmarks", "en"),
    ]
    ok = sum(identify_language(t).code == lang for t, lang in mixed)
    rows.append(("language: mixed zh/en headlines (5, hand-written)", f"{ok}/5"))
    return rows


# --- near duplicates --------------------------------------------------------------


def dedup_rows() -> list[Row]:
    if not nlp_sets.shared_available():
        return [("near duplicates", "skipped: ../shared/data absent")]
    data = nlp_sets.dedup_set()
    index = NearDuplicateIndex()
    ids: dict[str, int] = {}
    sigs: dict[str, bytes] = {}
    started = time.perf_counter()
    for key, (text, lang) in [*data.originals.items(), *data.distinct.items()]:
        ids[key] = len(ids) + 1
        sigs[key] = minhash_signature(text, lang)
        index.add(ids[key], sigs[key])
    tp = fp = 0
    found_by_kind: dict[str, list[int]] = defaultdict(list)
    exact = 0
    for _copy_key, orig_key, kind, text, lang in data.copies:
        matches = index.find(minhash_signature(text, lang))
        hit = any(m.article_id == ids[orig_key] for m in matches)
        found_by_kind[kind].append(int(hit))
        tp += int(hit)
        fp += sum(1 for m in matches if m.article_id != ids[orig_key])
        exact += int(exact_hash(text) == exact_hash(data.originals[orig_key][0]))
    distinct_fp = 0
    for key in [*data.originals, *data.distinct]:
        wrong = index.find(sigs[key], exclude=ids[key])
        distinct_fp += len(wrong)
        fp += len(wrong)
    elapsed = time.perf_counter() - started
    queries = len(data.copies) + len(ids)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / len(data.copies)
    rows = [
        (
            "near-dup set",
            f"{len(data.originals)} real originals, {len(data.copies)} copies, "
            f"{len(data.distinct)} extra distinct (demo + event reports)",
        ),
        ("near-dup precision (pairs)", f"{precision:.4f} ({tp} TP, {fp} FP)"),
        ("near-dup recall (copies linked to their original)", f"{recall:.4f}"),
    ]
    for kind, hits in sorted(found_by_kind.items()):
        rows.append((f"  recall, {kind}", f"{sum(hits) / len(hits):.4f} of {len(hits)}"))
    rows.append(("  distinct articles wrongly linked", str(distinct_fp)))
    rows.append(("  copies caught by the exact hash alone", f"{exact}/{len(data.copies)}"))
    rows.append(("  signature + lookup time", f"{elapsed / queries * 1000:.2f} ms/article"))
    return rows


# --- stories ----------------------------------------------------------------------


def bcubed(pred: Sequence[object], gold: Sequence[object]) -> tuple[float, float, float]:
    by_pred: dict[object, list[int]] = defaultdict(list)
    by_gold: dict[object, list[int]] = defaultdict(list)
    for i, (p, g) in enumerate(zip(pred, gold, strict=True)):
        by_pred[p].append(i)
        by_gold[g].append(i)
    precision = recall = 0.0
    for i in range(len(gold)):
        same_pred = by_pred[pred[i]]
        inter = sum(1 for j in same_pred if gold[j] == gold[i])
        precision += inter / len(same_pred)
        recall += inter / len(by_gold[gold[i]])
    n = len(gold)
    p, r = precision / n, recall / n
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def story_rows(embedder: Embedder) -> list[Row]:
    items = nlp_sets.story_set()
    entities = _entity_fn()
    windows = [lead_window(it.title, it.text) for it in items]
    vectors = embedder.passages(windows)
    clusterer = StoryClusterer(story_params(embedder.model_name))
    for k, (it, window, vec) in enumerate(zip(items, windows, vectors, strict=True)):
        ents = entities(window, it.language) if entities else ()
        clusterer.assign(
            StoryInput(k, vec, (*ents, *anchor_terms(window)), it.published_at, it.language)
        )
    pred = [clusterer.story_of(k) for k in range(len(items))]
    gold = [it.label for it in items]
    events = [k for k, it in enumerate(items) if it.hand_written]
    p_all, r_all, f_all = bcubed(pred, gold)
    p_ev, r_ev, f_ev = bcubed([pred[k] for k in events], [gold[k] for k in events])
    n_events = len({gold[k] for k in events})
    cross = sum(
        1
        for label in {gold[k] for k in events}
        if len({items[k].language for k in events if gold[k] == label}) > 1
    )
    joined = 0
    for label in {gold[k] for k in events}:
        langs_by_story: dict[object, set[str | None]] = defaultdict(set)
        for k in events:
            if gold[k] == label:
                langs_by_story[pred[k]].add(items[k].language)
        joined += int(any({"en", "zh"} <= langs for langs in langs_by_story.values()))
    return [
        (
            "story set",
            f"{len(events)} hand-written reports of {n_events} events ({cross} en+zh), "
            f"{len(items) - len(events)} distractors; entities: "
            f"{'extract_entities + anchors' if entities else 'anchors only'}",
        ),
        ("stories B-cubed P / R / F1, events only", f"{p_ev:.3f} / {r_ev:.3f} / {f_ev:.3f}"),
        ("stories B-cubed P / R / F1, all items", f"{p_all:.3f} / {r_all:.3f} / {f_all:.3f}"),
        ("  events whose main story holds en and zh", f"{joined}/{cross}"),
    ]


# --- throughput -------------------------------------------------------------------


def throughput_rows(n: int) -> list[Row]:
    """The whole stage on ``n`` real articles, end to end, with a fresh embedder."""
    arts = nlp_sets.real_articles() if nlp_sets.shared_available() else []
    arts += nlp_sets.demo_articles()
    arts = arts[:n]
    # Warm every model first: start-up is paid once per process, not per article.
    embedder = Embedder(cache_size=0)
    embedder.passages(["warm up"])
    entities = _entity_fn()
    extras: list[tuple[str, Callable[[Any, Any, Any], object]]] = []
    try:
        from tidings.nlp.keywords import extract_keywords

        extract_keywords("Warm up text for keywords.", "en")
        extras.append(("keywords", lambda a, lang, v: extract_keywords(a.text, lang)))
    except Exception:
        pass
    try:
        from tidings.nlp.topics import default_classifier

        clf = default_classifier()
        extras.append(("topic", lambda a, lang, v: clf.predict(a.title, a.text, v)))
    except Exception:
        pass
    try:
        from tidings.nlp.summary import summarize

        extras.append(("summary", lambda a, lang, v: summarize(a.text, lang)))
    except Exception:
        pass
    identify_language("warm up")
    identify_language("短")
    minhash_signature("预热 warm up", "zh")

    spent: dict[str, float] = defaultdict(float)
    index = NearDuplicateIndex()
    vectors = VectorIndex(embedder.dim)
    clusterer = StoryClusterer(story_params(embedder.model_name))

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        out = fn()
        spent[name] += time.perf_counter() - t0
        return out

    batch = 16
    cpu0 = time.process_time()
    wall0 = time.perf_counter()
    for start in range(0, len(arts), batch):
        chunk = arts[start : start + batch]
        langs = [
            timed("language", lambda a=a: identify_language(a.text[:2000]).code) for a in chunk
        ]
        windows = [lead_window(a.title, a.text) for a in chunk]
        embs = timed("embedding", lambda w=windows: embedder.passages(w))
        for k, (art, lang, window, vec) in enumerate(zip(chunk, langs, windows, embs, strict=True)):
            article_id = start + k + 1
            timed("exact hash", lambda a=art: exact_hash(a.text))
            sig = timed("minhash", lambda a=art, lg=lang: minhash_signature(a.text, lg))
            timed("near-dup lookup", lambda s=sig: index.find(s))
            timed("near-dup lookup", lambda s=sig, i=article_id: index.add(i, s))
            ents: tuple[str, ...] = ()
            if entities is not None:
                ents = timed("entities", lambda w=window, lg=lang: entities(w, lg))
            for name, fn in extras:
                timed(name, lambda f=fn, a=art, lg=lang, v=vec: f(a, lg, v))
            anchors = timed("stories", lambda w=window: anchor_terms(w))
            story_input = StoryInput(article_id, vec, (*ents, *anchors), None, lang)
            timed("stories", lambda s=story_input: clusterer.assign(s))
            timed("ANN index", lambda i=article_id, v=vec: vectors.add(i, v))
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    total = sum(spent.values())
    rows = [
        (
            f"throughput, whole stage ({len(arts)} articles, batches of {batch})",
            f"{len(arts) / wall:.1f} articles/s wall ({wall:.1f} s; CPU {cpu:.1f} s, "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)",
        )
    ]
    for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        rows.append(
            (
                f"  {name}",
                f"{seconds / len(arts) * 1000:.1f} ms/article ({seconds / total:.0%})",
            )
        )
    return rows


def topic_rows() -> list[Row]:
    path = HERE / "topics.py"
    if not path.exists():
        return []
    spec = importlib.util.spec_from_file_location("bench_topics", path)
    if spec is None or spec.loader is None:
        return []
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [(str(k), str(v)) for k, v in module.run()]


def pipeline_rows(n: int) -> list[Row]:
    """The language job as deployed: ``n`` articles in a fresh SQLite store, processed
    by ``ProcessJob`` (store reads and writes, indexes, one transaction per batch)."""
    import tempfile
    import time as clock

    from tidings.extract import content_hash
    from tidings.pipeline.process import ProcessJob
    from tidings.records import ExtractedArticle
    from tidings.store import SQLiteStore

    arts = nlp_sets.real_articles() if nlp_sets.shared_available() else []
    arts = (arts + nlp_sets.demo_articles())[:n]
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(Path(tmp) / "bench.db")
        for i, art in enumerate(arts):
            url = f"https://bench.example/{i}"
            store.save_article(
                ExtractedArticle(url=url, canonical_url=url, title=art.title, text=art.text,
                                 language=art.language),
                url=url, source_id=None, fetch_id=None, published_at=None,
                content_hash=content_hash(art.text),
            )  # fmt: skip
        job = ProcessJob(store, index_path=Path(tmp) / "index" / "articles.usearch")
        job.analyzer.embedder.passages(["warm up"])  # model start-up is paid once
        started = clock.perf_counter()
        stats = job.run()
        took = clock.perf_counter() - started
        store.close()
    return [
        (
            f"ProcessJob end to end ({stats.processed} articles, SQLite)",
            f"{stats.processed / took:.1f} articles/s ({took:.1f} s, models warm)",
        )
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--articles", type=int, default=300, help="articles for throughput")
    parser.add_argument("--skip-topics", action="store_true", help="do not run bench/topics.py")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    embedder = Embedder()
    rows: list[Row] = []
    rows += language_rows()
    rows += dedup_rows()
    rows += story_rows(embedder)
    rows += throughput_rows(args.articles)
    rows += pipeline_rows(args.articles)
    if not args.skip_topics:
        try:
            rows += topic_rows()
        except Exception as exc:  # the other half of the stage may not be ready
            rows.append(("bench/topics.py", f"failed: {exc!r}"[:120]))
    width = max(len(k) for k, _ in rows)
    print(f"| {'measure'.ljust(width)} | result |")
    print(f"| {'-' * width} | --- |")
    for key, value in rows:
        print(f"| {key.ljust(width)} | {value} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
