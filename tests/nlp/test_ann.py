"""The usearch vector index: add, search, remove, save/load, rebuild."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tidings.nlp.ann import VectorIndex


def _vectors(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_add_search_remove_replace() -> None:
    vectors = _vectors(200)
    index = VectorIndex(32)
    index.add_many(range(1, 201), vectors)
    assert len(index) == 200 and 5 in index
    hits = index.search(vectors[4], k=3)
    assert hits[0].article_id == 5 and hits[0].similarity == pytest.approx(1.0, abs=1e-4)
    assert all(h.article_id != 5 for h in index.search(vectors[4], k=3, exclude=[5]))
    assert index.remove(5) and not index.remove(5)
    assert 5 not in index and len(index) == 199
    index.add(7, vectors[9])  # replacing a vector keeps one entry
    assert len(index) == 199
    assert index.search(vectors[9], k=2)[0].article_id in {7, 10}
    with pytest.raises(ValueError, match="expected 32-d"):
        index.add(1, np.zeros(8, dtype=np.float32))


def test_save_load_and_rebuild(tmp_path: Path) -> None:
    vectors = _vectors(50, seed=1)
    index = VectorIndex.rebuild(((i + 1, v) for i, v in enumerate(vectors)), 32)
    path = tmp_path / "vectors.usearch"
    index.save(path)
    loaded = VectorIndex.load(path, 32)
    assert loaded.keys() == list(range(1, 51))
    stored = loaded.vectors([3, 17])
    assert stored.shape == (2, 32)
    assert np.allclose(stored, vectors[[2, 16]], atol=1e-5)
    assert VectorIndex(32).keys() == []
    for i in (0, 17, 49):
        assert loaded.search(vectors[i], k=1)[0].article_id == i + 1
    with pytest.raises(ValueError):
        VectorIndex.load(path, 64)
    assert VectorIndex(32).search(vectors[0]) == []
