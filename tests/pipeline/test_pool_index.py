"""The candidate pool's neighbour index shared through a file: built once, then loaded
and brought up to date (stories gone, new, or with a new vector); a bad file rebuilt."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from tests.pipeline.test_candidates import add_story, vector
from tidings.pipeline.candidates import CandidatePool
from tidings.pipeline.pool_index import load_or_build
from tidings.records import ReaderControls, ReaderProfile
from tidings.store import SQLiteStore

DIM = 32


def _unit(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
    return v / np.linalg.norm(v)


def test_a_saved_index_is_loaded_and_brought_up_to_date(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "pool.usearch"
    first = {sid: _unit(sid) for sid in range(1, 201)}
    built = load_or_build(first, DIM, path)
    assert path.exists() and built.keys() == list(range(1, 201))
    # later: story 1 gone, 201 new, story 7's representative (vector) changed
    later = {sid: v for sid, v in first.items() if sid != 1}
    later[201] = _unit(201)
    later[7] = _unit(7007)
    with caplog.at_level(logging.INFO, logger="tidings.pipeline.pool_index"):
        loaded = load_or_build(later, DIM, path)
    assert "loaded" in caplog.text and "1 removed, 2 added" in caplog.text
    assert loaded.keys() == sorted(later)
    assert loaded.search(_unit(7007), k=1)[0].article_id == 7
    assert loaded.search(_unit(201), k=1)[0].article_id == 201
    assert all(hit.article_id != 7 for hit in loaded.search(_unit(7), k=3))


def test_an_unusable_file_is_rebuilt(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "pool.usearch"
    path.write_bytes(b"not an index")
    vectors = {sid: _unit(sid) for sid in range(1, 31)}
    with caplog.at_level(logging.WARNING, logger="tidings.pipeline.pool_index"):
        index = load_or_build(vectors, DIM, path)
    assert "unusable" in caplog.text
    assert index.keys() == list(range(1, 31))
    assert load_or_build(vectors, DIM, path).keys() == list(range(1, 31))  # the new file
    # another dimension (the embedding model changed): rebuilt as well
    wider = {sid: np.ones(64, np.float32) / 8 for sid in range(1, 4)}
    assert load_or_build(wider, 64, path).keys() == [1, 2, 3]


def test_pools_of_two_processes_share_one_index_file(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "t.db")
    try:
        for i in range(40):
            add_story(store, i, hours_ago=i)
        path = store.cache_path("pool-index.usearch")
        assert path is not None and path.parent == tmp_path
        assert SQLiteStore(":memory:").cache_path("x") is None
        now = datetime.now(UTC)
        profile = ReaderProfile("ann", interest=vector(30).tobytes())
        found = []
        for _ in range(2):  # the second pool loads what the first one saved
            pool = CandidatePool(store, background=False, index_path=path)
            got = pool.retrieve(now, reader="ann", profile=profile, controls=ReaderControls())
            found.append({c.story_id for c in got if "similar" in c.origins})
            assert path.exists()
        assert 31 in found[0] and found[0] == found[1]
    finally:
        store.close()
