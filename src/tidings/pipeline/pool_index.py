"""The candidate pool's neighbour index, built once and shared through a file.

Building the HNSW index of 100,000 stories takes ~27 s of a core, and every server
process (``tidings serve --workers N``) and every restart built its own. With a file
beside the database, the first process to need it builds it and saves it; the others,
and later starts, load it (about a second) and bring it up to date with their own
snapshot: stories gone are removed, stories new or whose vector changed (a new
representative) are added. An exclusive ``flock`` on ``<file>.lock`` makes processes
starting together wait for the first one's file instead of all building at once.

The file is a cache: a missing, unreadable or mismatched file is rebuilt.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import numpy.typing as npt

from tidings.nlp.ann import VectorIndex

__all__ = ["load_or_build"]

log = logging.getLogger(__name__)

#: A stored (8-bit) vector this close (cosine) to the story's vector is the same one.
SAME_VECTOR = 0.98
#: Stories whose stored vectors are compared at once (10,000 x 512 floats: 20 MB).
CHECK_CHUNK = 10_000


@contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits for the process building the file
        yield
    finally:
        os.close(fd)  # releases the lock


def _build(vectors: Mapping[int, npt.NDArray[np.float32]], dim: int) -> VectorIndex:
    index = VectorIndex(dim, dtype="i8")
    if vectors:
        index.add_many(list(vectors), np.stack(list(vectors.values())))
    return index


def _brought_up_to_date(
    index: VectorIndex, vectors: Mapping[int, npt.NDArray[np.float32]]
) -> tuple[int, int]:
    """Remove the stories ``vectors`` lacks, add those new or changed; (removed, added)."""
    stored = set(index.keys())
    gone = stored - vectors.keys()
    for key in gone:
        index.remove(key)
    kept = sorted(stored & vectors.keys())
    changed: list[int] = []
    for start in range(0, len(kept), CHECK_CHUNK):  # bounded memory on a large pool
        chunk = kept[start : start + CHECK_CHUNK]
        old = index.vectors(chunk)
        new = np.stack([vectors[key] for key in chunk])
        norms = np.linalg.norm(old, axis=1) * np.linalg.norm(new, axis=1)
        cosines = np.einsum("ij,ij->i", old, new) / np.maximum(norms, 1e-12)
        changed += [key for key, cosine in zip(chunk, cosines, strict=True) if cosine < SAME_VECTOR]
    added = [key for key in vectors if key not in stored] + changed
    if added:
        index.add_many(added, np.stack([vectors[key] for key in added]))
    return len(gone), len(added)


def load_or_build(
    vectors: Mapping[int, npt.NDArray[np.float32]], dim: int, path: Path | None
) -> VectorIndex:
    """An index of ``vectors`` (story id → unit vector of ``dim``): loaded from ``path``
    and brought up to date when it holds one, else built (and saved there)."""
    if path is None:
        return _build(vectors, dim)
    started = time.perf_counter()
    with _exclusive(path.with_name(path.name + ".lock")):
        if path.exists():
            try:
                index = VectorIndex.load(path, dim)
            except (ValueError, RuntimeError, OSError) as exc:
                log.warning("rebuilding the candidate index: %s unusable (%s)", path, exc)
            else:
                removed, added = _brought_up_to_date(index, vectors)
                log.info(
                    "candidate index loaded from %s in %.1f s (%d removed, %d added)",
                    path, time.perf_counter() - started, removed, added,
                )  # fmt: skip
                if removed + added > len(vectors) // 10:
                    _save(index, path)  # the next start has less to do
                return index
        index = _build(vectors, dim)
        _save(index, path)
        return index


def _save(index: VectorIndex, path: Path) -> None:
    partial = path.with_name(path.name + ".partial")
    try:
        index.save(partial)
        os.replace(partial, path)  # readers see the old file or the new one, whole
    except OSError as exc:  # a cache: serving goes on without the file
        log.warning("could not save the candidate index to %s: %s", path, exc)
