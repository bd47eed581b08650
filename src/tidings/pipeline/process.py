"""The language job: stored articles → language stage → store, incrementally.

Each run picks up every article without an analysis, in batches. Per batch:
fingerprint every article (language, MinHash); fold near-duplicates onto the
earliest-published canonical article (they are not embedded, clustered or shown);
embed and annotate the rest; assign them to stories; add them to the vector index;
then write the whole batch, story changes included, in one store transaction. The
in-memory indexes are rebuilt from the store at start, so a killed run resumes with
nothing lost and nothing counted twice.

The fingerprints and the annotations are per article and pure: the executor
(``pipeline.executor``) computes them, here or on a cluster's workers, for a window of
one batch per worker at a time. Folding, clustering and writing depend on order and
stay here, batch after batch in article order, so the result does not depend on the
executor.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from tidings.nlp.analyze import Analyzer, ArticleText, Enrichment, Fingerprint
from tidings.nlp.ann import VectorIndex
from tidings.nlp.dedup import NearDuplicateIndex
from tidings.nlp.embed import default_model, vector_from_bytes, vector_to_bytes
from tidings.nlp.stories import (
    ClusterSnapshot,
    RestoredMember,
    StoryClusterer,
    StoryInput,
    story_params,
)
from tidings.pipeline.executor import Executor, LocalExecutor
from tidings.records import ArticleAnalysis, StoredArticle
from tidings.store import Store
from tidings.timestamps import parse_timestamp, utcnow_iso

log = logging.getLogger(__name__)

#: How far back new articles are compared for near-duplicates.
DEDUP_WINDOW = timedelta(days=30)
#: Stories idle longer than this are not restored with their vectors.
STORY_WINDOW = timedelta(days=14)


@dataclass
class ProcessStats:
    processed: int = 0
    near_duplicates: int = 0
    exact_duplicates: int = 0
    stories_created: int = 0
    stories_merged: int = 0
    elapsed: float = 0.0
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        rate = self.processed / self.elapsed if self.elapsed else 0.0
        return {
            "processed": self.processed,
            "near_duplicates": self.near_duplicates,
            "exact_duplicates": self.exact_duplicates,
            "stories_created": self.stories_created,
            "stories_merged": self.stories_merged,
            "elapsed": round(self.elapsed, 3),
            "articles_per_second": round(rate, 2),
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }

    def timed(self, step: str, started: float) -> None:
        self.seconds[step] = self.seconds.get(step, 0.0) + time.perf_counter() - started


ProgressCallback = Callable[[ProcessStats, int], None]


class LanguageState:
    """The stage's in-memory indexes, restored from the store."""

    def __init__(
        self, dedup: NearDuplicateIndex, clusterer: StoryClusterer, vectors: VectorIndex
    ) -> None:
        self.dedup = dedup
        self.clusterer = clusterer
        self.vectors = vectors

    @classmethod
    def restore(
        cls, store: Store, model: str, dim: int, index_path: Path | None = None
    ) -> LanguageState:
        """Rebuild the indexes from the store. Only vectors of ``model`` are used:
        after a change of embedding model, older vectors neither seed stories nor
        enter the ANN index (they are not comparable)."""
        state = store.nlp_state()
        clock = parse_timestamp(state.get("clock")) or parse_timestamp(utcnow_iso())
        assert clock is not None
        dedup_after = (clock - DEDUP_WINDOW).isoformat(timespec="seconds")
        story_after = (clock - STORY_WINDOW).isoformat(timespec="seconds")

        dedup = NearDuplicateIndex()
        stories = store.load_stories(active_after=story_after)
        wanted = {a for s in stories for a in s.members}
        live = []
        for analysis in store.iter_analyses(published_after=min(dedup_after, story_after)):
            if analysis.minhash:
                dedup.add(analysis.article_id, analysis.minhash)
            if (
                analysis.embedding is not None
                and analysis.embed_model == model
                and analysis.article_id in wanted
            ):
                live.append(analysis)
        articles = {a.id: a for a in store.get_articles([a.article_id for a in live])}
        members = {
            analysis.article_id: RestoredMember(
                embedding=vector_from_bytes(analysis.embedding),
                published_at=article.published_at or article.created_at,
                language=analysis.language,
                entities=analysis.story_terms,
            )
            for analysis in live
            if analysis.embedding is not None
            and (article := articles.get(analysis.article_id)) is not None
        }
        snapshot = ClusterSnapshot(
            next_story_id=int(state.get("next_story_id", "1")),
            clock=state.get("clock"),
            stories=tuple(stories),
        )
        clusterer = StoryClusterer.restore(snapshot, members, story_params(model))

        index = cls._vector_index(store, model, dim, index_path)
        log.info(
            "language state restored: %d signatures, %d live stories, %d vectors",
            len(dedup),
            len(stories),
            len(index),
        )
        return cls(dedup, clusterer, index)

    @staticmethod
    def _vector_index(store: Store, model: str, dim: int, path: Path | None) -> VectorIndex:
        """The ANN index saved beside the store, if it holds exactly the stored
        vectors; else rebuilt from the store (the store is the truth)."""
        stored = {
            a.article_id: a.embedding
            for a in store.iter_analyses()
            if a.embedding is not None and a.embed_model == model
        }
        if path is not None and path.exists():
            try:
                index = VectorIndex.load(path, dim)
                if set(index.keys()) == set(stored):
                    return index
                log.info("vector index out of step with the store: rebuilding")
            except (OSError, ValueError, RuntimeError) as exc:
                log.warning("vector index at %s unreadable (%s): rebuilding", path, exc)
        return VectorIndex.rebuild(
            ((article_id, vector_from_bytes(blob)) for article_id, blob in stored.items()), dim
        )


def index_path(data_dir: Path) -> Path:
    """Where the ANN index over article embeddings lives (one file per model)."""
    return data_dir / "index" / f"articles-{default_model()}.usearch"


class ProcessJob:
    """One run of the language stage over every unprocessed article."""

    def __init__(
        self,
        store: Store,
        *,
        analyzer: Analyzer | None = None,
        index_path: Path | None = None,
        batch_size: int = 32,
        on_progress: ProgressCallback | None = None,
        executor: Executor | None = None,
    ) -> None:
        self.store = store
        self.analyzer = analyzer or Analyzer()
        self.executor = executor or LocalExecutor()
        self.index_path = index_path
        self.batch_size = batch_size
        self.stats = ProcessStats()
        self._on_progress = on_progress

    def run(self) -> ProcessStats:
        started = time.perf_counter()
        embedder = self.analyzer.embedder
        state = LanguageState.restore(
            self.store, embedder.model_name, embedder.dim, self.index_path
        )
        window = self.batch_size * max(1, self.executor.workers)
        while articles := self.store.articles_to_process(window):
            self._window(articles, state)
        if self.index_path is not None and self.stats.processed:
            self.index_path.parent.mkdir(parents=True, exist_ok=True)
            state.vectors.save(self.index_path)
        self.stats.elapsed = time.perf_counter() - started
        log.info("language processing finished: %s", self.stats.as_dict())
        return self.stats

    def _window(self, articles: list[StoredArticle], state: LanguageState) -> None:
        """One batch per worker: the pure work for all of them through the executor,
        then folding, clustering and writing batch after batch, in order."""
        items = [
            ArticleText(a.id, a.title, a.text, a.language, a.published_at or a.created_at)
            for a in articles
        ]
        t = time.perf_counter()
        prints = self.executor.fingerprints(self.analyzer, items)
        self.stats.timed("fingerprint", t)

        t = time.perf_counter()
        duplicate_of = self._fold(articles, prints, state)
        self.stats.timed("near_duplicates", t)

        fresh = [(item, p) for item, p in zip(items, prints, strict=True)
                 if item.article_id not in duplicate_of]  # fmt: skip
        t = time.perf_counter()
        enriched = self.executor.enrich(
            self.analyzer, [i for i, _ in fresh], [p.language for _, p in fresh]
        )
        self.stats.timed("enrich", t)
        by_id = {e.article_id: e for e in enriched}
        published = {item.article_id: item.published_at for item in items}

        for start in range(0, len(articles), self.batch_size):
            batch = articles[start : start + self.batch_size]
            self._batch(prints[start : start + len(batch)], duplicate_of, by_id, published, state)
            if self._on_progress is not None:
                self._on_progress(self.stats, len(batch))

    def _fold(
        self, articles: list[StoredArticle], prints: list[Fingerprint], state: LanguageState
    ) -> dict[int, int]:
        """Article id → the original it duplicates, for the duplicates among
        ``articles`` (the others enter the near-duplicate index, in order)."""
        duplicate_of: dict[int, int] = {}
        for article, fingerprint in zip(articles, prints, strict=True):
            original = article.duplicate_of or self._near_duplicate(article, fingerprint, state)
            if original is not None:
                duplicate_of[article.id] = original
                if article.duplicate_of:
                    self.stats.exact_duplicates += 1
                else:
                    self.stats.near_duplicates += 1
            else:
                state.dedup.add(article.id, fingerprint.minhash)
        return duplicate_of

    def _batch(
        self,
        prints: list[Fingerprint],
        duplicate_of: dict[int, int],
        enrichments: dict[int, Enrichment],
        published: dict[int, str | None],
        state: LanguageState,
    ) -> None:
        """Stories for the batch's articles that are not duplicates, then the batch's
        analyses and story changes in one store transaction."""
        t = time.perf_counter()
        changed: set[int] = set()
        removed: set[int] = set()
        for fingerprint in prints:
            enrichment = enrichments.get(fingerprint.article_id)
            if enrichment is None:  # a duplicate
                continue
            assignment = state.clusterer.assign(
                StoryInput(
                    article_id=fingerprint.article_id,
                    embedding=enrichment.embedding,
                    entities=enrichment.story_terms,
                    published_at=published[fingerprint.article_id],
                    language=fingerprint.language,
                )
            )
            state.vectors.add(fingerprint.article_id, enrichment.embedding)
            changed.update(assignment.changed)
            removed.update(assignment.merged_from)
            self.stats.stories_created += int(assignment.created)
            self.stats.stories_merged += len(assignment.merged_from)
        self.stats.timed("stories", t)

        t = time.perf_counter()
        analyses = [
            (self._analysis(p, enrichments.get(p.article_id)), duplicate_of.get(p.article_id))
            for p in prints
        ]
        stories = [
            story
            for story_id in sorted(changed - removed)
            if (story := state.clusterer.story(story_id)) is not None
        ]
        snapshot = state.clusterer.snapshot()
        self.store.save_analyses(
            analyses,
            stories=stories,
            removed_stories=sorted(removed),
            state={"next_story_id": str(snapshot.next_story_id), "clock": snapshot.clock or ""},
        )
        self.stats.timed("store", t)
        self.stats.processed += len(prints)

    def _near_duplicate(
        self, article: StoredArticle, fingerprint: Fingerprint, state: LanguageState
    ) -> int | None:
        """The canonical article this one nearly duplicates (earliest published), if any."""
        matches = state.dedup.find(fingerprint.minhash, exclude=article.id)
        if not matches:
            return None
        found = self.store.get_articles([m.article_id for m in matches])
        # A match may itself be a copy: compare the originals it points to.
        originals = {a.duplicate_of or a.id for a in found}
        candidates = [
            (a.published_at or a.created_at, a.id)
            for a in self.store.get_articles(sorted(originals))
        ]
        return min(candidates)[1] if candidates else None

    def _analysis(self, fingerprint: Fingerprint, enrichment: Enrichment | None) -> ArticleAnalysis:
        if enrichment is None:  # a duplicate: fingerprint only
            return ArticleAnalysis(
                article_id=fingerprint.article_id,
                language=fingerprint.language,
                embedding=None,
                embed_model=None,
                minhash=fingerprint.minhash,
            )
        return ArticleAnalysis(
            article_id=fingerprint.article_id,
            language=fingerprint.language,
            embedding=vector_to_bytes(enrichment.embedding),
            embed_model=self.analyzer.embedder.model_name,
            minhash=fingerprint.minhash,
            entities=enrichment.entities,
            keywords=enrichment.keywords,
            topic=enrichment.topic,
            topic_score=enrichment.topic_score,
            summary=enrichment.summary,
            story_terms=enrichment.story_terms,
        )
