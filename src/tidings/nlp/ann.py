"""An approximate nearest-neighbour index over article embeddings (usearch HNSW).

Keys are article ids; vectors are the L2-normalised embeddings the store keeps, so
the index is a cache of the store: :meth:`VectorIndex.rebuild` makes it from
``(article_id, vector)`` pairs at start, :meth:`save`/:meth:`load` skip that
rebuild on a large store (the pipeline checks :meth:`keys` against the store and
adds or removes the difference). Search returns cosine *similarities*, best first,
ties broken by the lower id so results are deterministic.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["Neighbour", "VectorIndex"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Neighbour:
    article_id: int
    #: Cosine similarity to the query, -1..1.
    similarity: float


def _usearch() -> Any:
    """usearch's ``Index`` class, imported after onnxruntime where that is installed.

    Importing onnxruntime *after* usearch crashes the process (segmentation fault,
    onnxruntime 1.32 / usearch 2.26.6: their bundled native libraries clash), and the
    entity extractor loads onnxruntime lazily; importing it first is safe.
    """
    import importlib
    import importlib.util

    if importlib.util.find_spec("onnxruntime") is not None:
        importlib.import_module("onnxruntime")

    from usearch.index import Index

    return Index


class VectorIndex:
    """usearch HNSW index (cosine) keyed by an integer id (article or story); thread-safe."""

    def __init__(
        self,
        dim: int,
        *,
        connectivity: int = 16,
        expansion_search: int = 64,
        dtype: str = "f32",
    ) -> None:
        """``dtype`` is how vectors are kept: ``f32``, or ``i8`` (a quarter of the memory,
        ~5x faster to build and search, for caches such as the feed's candidate pool)."""
        self.dim = dim
        self._index: Any = _usearch()(
            ndim=dim,
            metric="cos",
            dtype=dtype,
            connectivity=connectivity,
            expansion_search=expansion_search,
        )
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, article_id: object) -> bool:
        if not isinstance(article_id, int):
            return False
        with self._lock:
            return bool(self._index.contains(article_id))

    def _check(self, vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        array = np.ascontiguousarray(vectors, dtype=np.float32)
        if array.ndim == 1:
            array = array.reshape(1, -1)
        if array.shape[1] != self.dim:
            raise ValueError(f"expected {self.dim}-d vectors, got {array.shape[1]}-d")
        return array

    def add(self, article_id: int, vector: npt.NDArray[np.float32]) -> None:
        """Add (or replace) one article's vector."""
        self.add_many([article_id], self._check(vector))

    def add_many(self, article_ids: Iterable[int], vectors: npt.NDArray[np.float32]) -> None:
        keys = np.fromiter(article_ids, dtype=np.uint64)
        array = self._check(vectors)
        if len(keys) != len(array):
            raise ValueError("one vector per article id")
        if not len(keys):
            return
        with self._lock:
            present = [int(k) for k in keys if self._index.contains(int(k))]
            for key in present:
                self._index.remove(key)
            self._index.add(keys, array)

    def remove(self, article_id: int) -> bool:
        """Drop an article; True if it was there."""
        with self._lock:
            if not self._index.contains(article_id):
                return False
            self._index.remove(article_id)
            return True

    def vectors(self, article_ids: Sequence[int]) -> npt.NDArray[np.float32]:
        """The stored vectors of ``article_ids`` (all present), one row each, as kept
        (an ``i8`` index gives them back quantised)."""
        keys = np.asarray(article_ids, dtype=np.uint64)
        with self._lock:
            found = self._index.get(keys, dtype=np.float32)
        rows = [np.asarray(row, dtype=np.float32).reshape(-1) for row in found]
        return np.stack(rows) if rows else np.zeros((0, self.dim), dtype=np.float32)

    def keys(self) -> list[int]:
        """Every id in the index, ascending."""
        with self._lock:
            if not len(self._index):
                return []
            # one slice is one copy; iterating usearch's key view costs ~1 ms a key
            # (100,000 keys: 82 s against 2 ms)
            found = np.asarray(self._index.keys[:], dtype=np.uint64)
        return sorted(found.tolist())

    def search(
        self, vector: npt.NDArray[np.float32], k: int = 10, *, exclude: Iterable[int] = ()
    ) -> list[Neighbour]:
        """The ``k`` nearest articles to ``vector``, most similar first."""
        query = self._check(vector)[0]
        skip = set(exclude)
        with self._lock:
            size = len(self._index)
            if size == 0 or k <= 0:
                return []
            matches = self._index.search(query, min(size, k + len(skip)))
            keys = [int(x) for x in np.asarray(matches.keys).ravel()]
            distances = [float(x) for x in np.asarray(matches.distances).ravel()]
        found = [
            Neighbour(key, round(1.0 - dist, 6))
            for key, dist in zip(keys, distances, strict=True)
            if key not in skip
        ]
        found.sort(key=lambda n: (-n.similarity, n.article_id))
        return found[:k]

    def save(self, path: str | Path) -> None:
        with self._lock:
            self._index.save(str(path))

    @classmethod
    def load(cls, path: str | Path, dim: int) -> VectorIndex:
        """An index saved by :meth:`save` (raises ``ValueError`` on a dimension mismatch)."""
        index = cls(dim)
        index._index.load(str(path))
        if int(index._index.ndim) != dim:
            raise ValueError(f"{path}: a {index._index.ndim}-d index, expected {dim}-d")
        log.info("loaded vector index %s (%d vectors)", path, len(index))
        return index

    @classmethod
    def rebuild(cls, items: Iterable[tuple[int, npt.NDArray[np.float32]]], dim: int) -> VectorIndex:
        """An index of every ``(article_id, vector)`` pair (e.g. from the store)."""
        index = cls(dim)
        ids: list[int] = []
        vectors: list[npt.NDArray[np.float32]] = []
        for article_id, vector in items:
            ids.append(article_id)
            vectors.append(np.asarray(vector, dtype=np.float32).reshape(-1))
        if ids:
            index.add_many(ids, np.stack(vectors))
        return index
