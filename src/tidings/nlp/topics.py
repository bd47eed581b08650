"""Topics: a fixed taxonomy and a small linear classifier over e5 embeddings and words.

The classifier is one multinomial logistic regression over two feature blocks:

* the multilingual-e5-small passage embedding of the title and the start of the text
  (the same vector the rest of the NLP stage uses, so it can be passed in), which
  carries the topic across languages (a Chinese sports story lands near English ones);
* TF-IDF of English word unigrams and bigrams (a fixed vocabulary), which sharpens
  English decisions.

Weights live in ``models/topics.npz`` (made by ``scripts/train_topics.py``; see
``models/README.md`` for the data, the label mapping and the benchmark split).
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

TOPICS = ("world", "business", "tech", "science", "sports", "entertainment", "health")

MODEL_PATH = Path(__file__).resolve().parent / "models" / "topics.npz"

_WORD = re.compile(r"[a-z][a-z0-9']*[a-z0-9]|[a-z]")
#: Function words left out of the lexical features.
LEXICAL_STOP = frozenset(
    """a an the and or but of to in on at for with by from as is are was were be been has
    have had it its this that these those he she they we you i his her their our not no""".split()  # noqa: SIM905
)


def topic_text(title: str | None, text: str | None, max_chars: int = 1000) -> str:
    """The text the topic head reads: the title, a line break, then the start of the body."""
    title = (title or "").strip()
    body = " ".join((text or "").split())
    joined = f"{title}\n{body}" if title and body else title or body
    return joined[:max_chars]


def lexical_terms(text: str) -> list[str]:
    """Lower-cased word unigrams and adjacent-word bigrams (stop words dropped)."""
    words = [w for w in _WORD.findall(text.lower()) if w not in LEXICAL_STOP]
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


@dataclass(frozen=True)
class TopicPrediction:
    label: str
    #: Probability of ``label``.
    score: float
    #: Probability of every topic (they sum to 1).
    scores: dict[str, float] = field(default_factory=dict)


class TopicClassifier:
    """Predicts one of :data:`TOPICS` for an article; thread-safe after :meth:`load`."""

    def __init__(
        self,
        *,
        labels: tuple[str, ...],
        embedding_weights: npt.NDArray[np.float32],
        lexical_weights: npt.NDArray[np.float32],
        bias: npt.NDArray[np.float32],
        vocabulary: tuple[str, ...],
        idf: npt.NDArray[np.float32],
        embedding_scale: float,
        meta: dict[str, object] | None = None,
    ) -> None:
        if set(labels) != set(TOPICS):
            raise ValueError(f"model labels {labels} are not the taxonomy {TOPICS}")
        self.labels = labels
        self._w_embed = embedding_weights  # (labels, dim)
        self._w_lex = lexical_weights  # (labels, vocab)
        self._bias = bias
        self._index = {term: i for i, term in enumerate(vocabulary)}
        self._idf = idf
        self._embedding_scale = embedding_scale
        self.meta: dict[str, object] = meta or {}
        self._embedder_lock = threading.Lock()
        self._embedder: object | None = None

    @classmethod
    def load(cls, path: Path | None = None) -> TopicClassifier:
        """The committed model (``models/topics.npz``), or another file in that format."""
        with np.load(path or MODEL_PATH, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            return cls(
                labels=tuple(str(x) for x in data["labels"]),
                embedding_weights=data["embedding_weights"].astype(np.float32),
                lexical_weights=data["lexical_weights"].astype(np.float32),
                bias=data["bias"].astype(np.float32),
                vocabulary=tuple(str(x) for x in data["vocabulary"]),
                idf=data["idf"].astype(np.float32),
                embedding_scale=float(data["embedding_scale"]),
                meta=meta,
            )

    @property
    def dim(self) -> int:
        return int(self._w_embed.shape[1])

    def lexical_vector(self, text: str) -> dict[int, float]:
        """Sparse L2-normalised TF-IDF (sublinear tf, as in training) of ``text``."""
        counts: dict[int, int] = {}
        for term in lexical_terms(text):
            i = self._index.get(term)
            if i is not None:
                counts[i] = counts.get(i, 0) + 1
        weights = {i: (1.0 + math.log(c)) * float(self._idf[i]) for i, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        return {i: w / norm for i, w in weights.items()} if norm else {}

    def _embed(self, text: str) -> npt.NDArray[np.float32]:
        from tidings.nlp.embed import Embedder

        with self._embedder_lock:
            if self._embedder is None:
                self._embedder = Embedder()
            embedder = self._embedder
        assert isinstance(embedder, Embedder)
        vector: npt.NDArray[np.float32] = embedder.passages([text])[0]
        return vector

    def logits(self, text: str, embedding: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        vec = np.asarray(embedding, dtype=np.float64).reshape(-1)
        if vec.shape[0] != self.dim:
            raise ValueError(f"embedding has {vec.shape[0]} dimensions, expected {self.dim}")
        out = self._bias.astype(np.float64) + self._embedding_scale * (self._w_embed @ vec)
        lexical = self.lexical_vector(text)
        if lexical:
            idx = np.fromiter(lexical.keys(), dtype=np.int64)
            val = np.fromiter(lexical.values(), dtype=np.float64)
            out = out + self._w_lex[:, idx].astype(np.float64) @ val
        return out

    def predict(
        self,
        title: str | None,
        text: str | None,
        embedding: npt.NDArray[np.float32] | None = None,
    ) -> TopicPrediction:
        """The topic of an article.

        ``embedding`` is the e5 passage vector of the article; pass the one the NLP
        stage already computed (ideally of :func:`topic_text`), or leave it out to have
        one computed here from :func:`topic_text`.
        """
        joined = topic_text(title, text)
        if embedding is None:
            embedding = self._embed(joined)
        z = self.logits(joined, embedding)
        z = z - z.max()
        probs = np.exp(z)
        probs /= probs.sum()
        best = int(np.argmax(probs))
        scores = {label: float(p) for label, p in zip(self.labels, probs, strict=True)}
        return TopicPrediction(self.labels[best], float(probs[best]), scores)


_default: TopicClassifier | None = None
_default_lock = threading.Lock()


def default_classifier() -> TopicClassifier:
    """The committed model, loaded once per process."""
    global _default
    with _default_lock:
        if _default is None:
            _default = TopicClassifier.load()
            log.info("loaded topic model %s", MODEL_PATH.name)
        return _default
