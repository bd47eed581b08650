"""Language understanding (stage 3): language, tokens, embeddings, near-duplicates,
stories, entities, topics, summaries.

Pure functions and in-memory indexes over typed records; state that must outlive a
process (vectors, MinHash signatures, story snapshots) is exported as plain data for
the pipeline to store.
"""

from tidings.language import LanguageGuess, detect_language, identify_language
from tidings.nlp.ann import Neighbour, VectorIndex
from tidings.nlp.dedup import (
    NearDuplicate,
    NearDuplicateIndex,
    exact_hash,
    minhash_signature,
    signature_similarity,
)
from tidings.nlp.embed import Embedder, lead_window, vector_from_bytes, vector_to_bytes
from tidings.nlp.entities import extract_entities, normalize_entity
from tidings.nlp.keywords import extract_keywords
from tidings.nlp.stories import (
    ClusterSnapshot,
    RestoredMember,
    StoryAssignment,
    StoryClusterer,
    StoryInput,
    StoryParams,
    anchor_terms,
    story_params,
)
from tidings.nlp.summary import split_sentences, summarize
from tidings.nlp.tokenize import tokenize
from tidings.nlp.topics import (
    TOPICS,
    TopicClassifier,
    TopicPrediction,
    default_classifier,
    topic_text,
)

__all__ = [
    "TOPICS",
    "ClusterSnapshot",
    "Embedder",
    "LanguageGuess",
    "NearDuplicate",
    "NearDuplicateIndex",
    "Neighbour",
    "RestoredMember",
    "StoryAssignment",
    "StoryClusterer",
    "StoryInput",
    "StoryParams",
    "TopicClassifier",
    "TopicPrediction",
    "VectorIndex",
    "anchor_terms",
    "default_classifier",
    "detect_language",
    "exact_hash",
    "extract_entities",
    "extract_keywords",
    "identify_language",
    "lead_window",
    "minhash_signature",
    "normalize_entity",
    "signature_similarity",
    "split_sentences",
    "story_params",
    "summarize",
    "tokenize",
    "topic_text",
    "vector_from_bytes",
    "vector_to_bytes",
]
