"""A reader's interests as a few centroids in a centred embedding space (pure).

One running mean of everything a reader read to the end blurs two interests into a
vector close to neither, and moves slowly when a new one appears. Instead the profile
keeps up to :data:`SLOTS` centroids: each satisfied read joins the centroid it is
closest to (or opens a new one, displacing the weakest), and every centroid's mass
decays a little at each read, so a new interest has its own centroid after one read
and stale ones fade. Sentence embeddings share a large common direction (any two news
items have a cosine of ~0.25), which drowns the differences between interests; it is
projected out, estimated per reader from the stories they were shown (a decayed sum
of impressions), as in "all-but-the-top" (Mu & Viswanath, ICLR 2018).

Storage: ``ReaderProfile.interest`` holds ``1 + SLOTS`` float32 rows of the
embedding's dimension: the background sum, then the centroids (unnormalised, so a
row's norm is its decayed mass; empty slots are zeros). A single row is an older
profile's running mean: one centroid, nothing projected out. The layout is read off
the length, given the dimension of the candidate embeddings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

#: Interest centroids per reader.
SLOTS = 4
#: A read joins its closest centroid when their (centred) cosine is at least this.
MERGE_SIMILARITY = 0.1
#: Mass kept by every centroid at each satisfied read.
DECAY = 0.9
#: Weight kept by the background at each impression.
BACKGROUND_DECAY = 0.98

Vector = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Interests:
    """Decoded interests, ready to match: one matrix product per story."""

    #: Rows: the unit common direction (zeros when unknown), then the unit centroids
    #: of the non-empty slots and their mass-weighted mean, both orthogonal to it.
    basis: Vector
    #: Masses of the centroids, as shares of their sum.
    shares: npt.NDArray[np.float32]


def _unit(vector: Vector) -> Vector:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def _rows(blob: bytes | None, dim: int) -> Vector | None:
    if blob is None or dim <= 0 or len(blob) % (4 * dim):
        return None
    rows = np.frombuffer(blob, dtype=np.float32).reshape(-1, dim)
    if len(rows) == 1:  # an older profile's running mean
        return np.vstack([np.zeros((1, dim), dtype=np.float32), rows]).astype(np.float32)
    return rows.astype(np.float32)


@lru_cache(maxsize=512)
def decode(blob: bytes | None, dim: int) -> Interests | None:
    """The interests stored in ``blob`` for embeddings of ``dim``; None if unknown."""
    rows = _rows(blob, dim)
    if rows is None:
        return None
    centroids = rows[1:]
    masses = np.linalg.norm(centroids, axis=1)
    kept = masses > 0
    if not kept.any():
        return None
    common = _unit(rows[0])
    units = [centred(c, common) for c in centroids[kept]]
    mean = centred(centroids[kept].sum(axis=0), common)
    basis = np.vstack([common, *units, mean]).astype(np.float32)
    shares = masses[kept] / float(masses[kept].sum())
    return Interests(basis, shares.astype(np.float32))


def centred(vector: Vector, common: Vector) -> Vector:
    """``vector`` with the common direction projected out, unit length."""
    return _unit(vector - float(np.dot(vector, common)) * common)


def shown(blob: bytes | None, vector: Vector) -> bytes:
    """``blob`` after the reader was shown a story embedded as ``vector``."""
    dim = len(vector)
    if blob is not None and len(blob) == 4 * dim * (1 + SLOTS):  # only the first row moves
        common = np.frombuffer(blob, dtype=np.float32, count=dim)
        return (BACKGROUND_DECAY * common + vector).astype(np.float32).tobytes() + blob[4 * dim :]
    rows = _layout(blob, dim)
    rows[0] = vector
    return rows.tobytes()


def _layout(blob: bytes | None, dim: int) -> Vector:
    """``blob`` as ``1 + SLOTS`` writable rows (an older profile's mean: first centroid)."""
    rows = _rows(blob, dim)
    if rows is not None and len(rows) == 1 + SLOTS:
        return rows
    fresh = np.zeros((1 + SLOTS, dim), dtype=np.float32)
    if rows is not None:
        fresh[1] = rows[1]
    return fresh


def read(blob: bytes | None, vector: Vector, weight: float) -> bytes | None:
    """``blob`` after a read of satisfaction ``weight`` of a story embedded as ``vector``."""
    if weight <= 0:
        return blob
    dim = len(vector)
    rows = _layout(blob, dim)
    point = centred(vector.astype(np.float32), _unit(rows[0]))
    centroids = rows[1:]
    centroids *= DECAY
    masses = np.linalg.norm(centroids, axis=1)
    if masses.max() > 0:
        cosines = np.where(masses > 0, centroids @ point / np.maximum(masses, 1e-12), -2.0)
        best = int(np.argmax(cosines))
        if cosines[best] >= MERGE_SIMILARITY:
            centroids[best] += weight * point
            return rows.tobytes()
    centroids[int(np.argmin(masses))] = weight * point  # an empty slot, else the weakest
    return rows.tobytes()


def match(blob: bytes | None, vector: Vector) -> tuple[float, float, float]:
    """How ``vector`` (unit) matches the interests: the cosine to the closest centroid,
    that centroid's share of the reader's interest mass, and the cosine to their mass-
    weighted mean, all with the common direction projected out (0s when unknown)."""
    interests = decode(blob, len(vector))
    if interests is None:
        return 0.0, 0.0, 0.0
    dots = interests.basis @ vector
    # rows are orthogonal to the common direction u: c·(x - (x·u)u) = c·x, and
    # |x - (x·u)u| = sqrt(1 - (x·u)^2) for a unit x
    scale = math.sqrt(max(1e-12, 1.0 - float(dots[0]) ** 2))
    cosines = dots[1:-1]
    best = int(np.argmax(cosines))
    return (
        float(cosines[best]) / scale,
        float(interests.shares[best]),
        float(dots[-1]) / scale,
    )


def match_many(blob: bytes | None, vectors: Vector) -> npt.NDArray[np.float64]:
    """:func:`match` for each row of ``vectors`` (unit), as an ``n x 3`` array: one
    matrix product for a whole page of candidates."""
    out = np.zeros((len(vectors), 3), dtype=np.float64)
    interests = decode(blob, vectors.shape[1]) if len(vectors) else None
    if interests is None:
        return out
    dots = vectors @ interests.basis.T
    scale = np.sqrt(np.maximum(1e-12, 1.0 - dots[:, 0].astype(np.float64) ** 2))
    cosines = dots[:, 1:-1]
    best = np.argmax(cosines, axis=1)
    rows = np.arange(len(vectors))
    out[:, 0] = cosines[rows, best] / scale
    out[:, 1] = interests.shares[best]
    out[:, 2] = dots[:, -1] / scale
    return out
