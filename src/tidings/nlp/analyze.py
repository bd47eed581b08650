"""The language stage over one batch of articles: the pure, stateless part.

``fingerprint`` is cheap (language, MinHash) and runs on every article so the
pipeline can fold near-duplicates before paying for the rest; ``enrich`` embeds
and annotates the articles that are not duplicates (entities, keywords, topic,
summary), batching the embedding model.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tidings.language import detect_language
from tidings.nlp.dedup import minhash_signature
from tidings.nlp.embed import Embedder, lead_window
from tidings.nlp.entities import extract_entities_many
from tidings.nlp.keywords import extract_keywords
from tidings.nlp.stories import anchor_terms
from tidings.nlp.summary import summarize
from tidings.nlp.topics import TopicClassifier, TopicModelError, default_classifier
from tidings.records import Entity

log = logging.getLogger(__name__)

#: Keywords are read from the start of long texts only, entities from the lead
#: (speed: NER is the costliest step; a news lead names who and where).
ANNOTATE_CHARS = 5000
ENTITY_CHARS = 1500


@dataclass(frozen=True)
class ArticleText:
    article_id: int
    title: str | None
    text: str
    #: The language extraction guessed (from the page), a hint.
    language: str | None = None
    published_at: str | None = None


@dataclass(frozen=True)
class Fingerprint:
    article_id: int
    language: str | None
    minhash: bytes


@dataclass(frozen=True, eq=False)
class Enrichment:
    article_id: int
    embedding: npt.NDArray[np.float32]
    entities: tuple[Entity, ...]
    #: Entity keys plus language-independent anchors (numbers, codes, Latin names)
    #: for story clustering.
    story_terms: tuple[str, ...]
    keywords: tuple[str, ...]
    topic: str | None
    topic_score: float | None
    summary: str


class Analyzer:
    def __init__(
        self, embedder: Embedder | None = None, topics: TopicClassifier | None = None
    ) -> None:
        self.embedder = embedder or Embedder()
        self._topics = topics
        self._no_topics = False

    @property
    def topics(self) -> TopicClassifier | None:
        """The topic head trained for this embedder's vectors; None if there is none
        (a custom embedding model): articles then go without a topic."""
        if self._topics is None and not self._no_topics:
            try:
                self._topics = default_classifier(self.embedder.model_name)
            except TopicModelError as exc:
                log.warning("no topics: %s", exc)
                self._no_topics = True
        return self._topics

    def fingerprint(self, item: ArticleText) -> Fingerprint:
        sample = f"{item.title or ''}\n{item.text[:2000]}"
        language = detect_language(sample, item.language)
        return Fingerprint(item.article_id, language, minhash_signature(item.text, language))

    def enrich(
        self, items: Sequence[ArticleText], languages: Sequence[str | None]
    ) -> list[Enrichment]:
        if not items:
            return []
        windows = [lead_window(item.title, item.text) for item in items]
        vectors = self.embedder.passages(windows)
        leads = [f"{item.title or ''}\n{item.text[:ENTITY_CHARS]}" for item in items]
        found = extract_entities_many(leads, languages)
        results = []
        for item, language, window, vector, entities in zip(
            items, languages, windows, vectors, found, strict=True
        ):
            head = item.text[:ANNOTATE_CHARS]
            classifier = self.topics
            prediction = (
                classifier.predict(
                    item.title or "", head, vector, embedding_model=self.embedder.model_name
                )
                if classifier is not None
                else None
            )
            results.append(
                Enrichment(
                    article_id=item.article_id,
                    embedding=vector,
                    entities=entities,
                    story_terms=tuple(e.normalized for e in entities) + anchor_terms(window),
                    keywords=extract_keywords(head, language),
                    topic=prediction.label if prediction else None,
                    topic_score=prediction.score if prediction else None,
                    summary=summarize(item.text, language),
                )
            )
        return results
