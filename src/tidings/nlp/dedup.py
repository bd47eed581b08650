"""Duplicate detection: exact (normalised text hash) and near (MinHash LSH).

- **Exact**: :func:`exact_hash` is ``tidings.extract.content_hash`` (NFKC, case-folded,
  punctuation and spacing collapsed): the same wire copy under another URL.
- **Near**: re-posts in other boilerplate, lightly edited copies, truncated teasers
  and updated versions of one article. Each text becomes a set of shingles (word
  3-grams; character 4-grams for Chinese, Japanese and Korean, which need no
  segmenter and survive re-segmentation), summarised by a 128-hash MinHash
  signature (:func:`minhash_signature`, 520 bytes, the shingle count included).
  :class:`NearDuplicateIndex` finds candidates with LSH banding (42 bands of 3
  rows: a pair with Jaccard 0.5 is a candidate with probability 0.996, one at 0.1
  with 0.04) and confirms each with two estimates from the signatures:

  - Jaccard ≥ :data:`JACCARD_THRESHOLD` (edited or re-wrapped copies), or
  - containment of the shorter text in the longer ≥ :data:`CONTAINMENT_THRESHOLD`
    (a truncated copy, or an update that added paragraphs), when the shorter text
    has at least :data:`MIN_CONTAINED_SHINGLES` shingles (so a one-line teaser is
    never "contained" by chance).

The index holds signatures only, so it is rebuilt at start from the stored ones;
it never decides which copy is canonical (the store links a duplicate to the
earliest published article).
"""

from __future__ import annotations

import re
import struct
import threading
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tidings.extract.article import content_hash
from tidings.nlp.tokenize import tokenize

__all__ = [
    "CONTAINMENT_THRESHOLD",
    "JACCARD_THRESHOLD",
    "NUM_PERM",
    "NearDuplicate",
    "NearDuplicateIndex",
    "exact_hash",
    "minhash_signature",
    "shingles",
    "signature_similarity",
]

NUM_PERM = 128
BANDS = 42
ROWS = 3
#: Estimated Jaccard similarity above which two texts are near duplicates.
JACCARD_THRESHOLD = 0.6
#: Estimated share of the shorter text's shingles found in the longer one.
CONTAINMENT_THRESHOLD = 0.8
MIN_CONTAINED_SHINGLES = 40
WORD_SHINGLE = 3
CHAR_SHINGLE = 4

_MAGIC = b"MH1\x00"
_HEADER = struct.Struct("<4sI")
_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_NOT_WORD = re.compile(r"[\W_]+")


def _permutations() -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    # Fixed, seeded permutations: a signature means the same thing in every process.
    gen = np.random.RandomState(1)
    a = gen.randint(1, int(_MERSENNE), size=NUM_PERM, dtype=np.uint64)
    b = gen.randint(0, int(_MERSENNE), size=NUM_PERM, dtype=np.uint64)
    return a, b


_PERM_A, _PERM_B = _permutations()


def exact_hash(text: str) -> str:
    """The normalised text hash (sha256 hex) that identifies exact copies."""
    return content_hash(text)


def shingles(text: str, language: str | None) -> set[str]:
    """The shingle set of ``text``: word 3-grams, or character 4-grams for CJK text."""
    text = unicodedata.normalize("NFKC", text).casefold()
    cjk = len(_CJK.findall(text))
    if language in {"zh", "ja", "ko"} or cjk > len(text) * 0.3:
        stream = _NOT_WORD.sub("", text)
        k = CHAR_SHINGLE
        if len(stream) <= k:
            return {stream} if stream else set()
        return {stream[i : i + k] for i in range(len(stream) - k + 1)}
    words = tokenize(text, language)
    k = WORD_SHINGLE
    if len(words) <= k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def _hash_shingles(items: Iterable[str]) -> npt.NDArray[np.uint64]:
    # CRC-32: fast, in the standard library, and the same in every process.
    return np.fromiter((zlib.crc32(s.encode()) for s in items), dtype=np.uint64)


def minhash_signature(text: str, language: str | None) -> bytes:
    """A 520-byte MinHash signature of ``text``, to store and to give to the index."""
    items = shingles(text, language)
    hashes = _hash_shingles(items)
    if hashes.size == 0:
        mins = np.full(NUM_PERM, _MAX_HASH, dtype=np.uint64)
    else:
        # (a·x + b) mod 2^61-1, truncated to 32 bits: the universal hashing datasketch
        # uses, vectorised over all shingles × permutations at once.
        with np.errstate(over="ignore"):
            phv = (np.outer(hashes, _PERM_A) + _PERM_B) % _MERSENNE & _MAX_HASH
        mins = phv.min(axis=0)
    return _HEADER.pack(_MAGIC, len(items)) + mins.astype("<u4").tobytes()


def _decode(signature: bytes) -> tuple[int, npt.NDArray[np.uint32]]:
    if len(signature) != _HEADER.size + 4 * NUM_PERM:
        raise ValueError("not a Tidings MinHash signature")
    magic, size = _HEADER.unpack_from(signature)
    if magic != _MAGIC:
        raise ValueError("not a Tidings MinHash signature")
    return size, np.frombuffer(signature, dtype="<u4", offset=_HEADER.size).astype(np.uint32)


def _estimates(size_a: int, size_b: int, jaccard: float) -> float:
    """Containment of the smaller set in the larger, from sizes and Jaccard."""
    smaller = min(size_a, size_b)
    if smaller == 0:
        return 0.0
    inter = jaccard * (size_a + size_b) / (1.0 + jaccard)
    return min(1.0, inter / smaller)


def signature_similarity(a: bytes, b: bytes) -> tuple[float, float]:
    """(estimated Jaccard, estimated containment of the shorter text) of two signatures."""
    size_a, mins_a = _decode(a)
    size_b, mins_b = _decode(b)
    if size_a == 0 or size_b == 0:
        return 0.0, 0.0
    jaccard = float(np.mean(mins_a == mins_b))
    return jaccard, _estimates(size_a, size_b, jaccard)


@dataclass(frozen=True)
class NearDuplicate:
    """An indexed article whose text nearly equals the one looked up."""

    article_id: int
    #: Estimated Jaccard similarity of the shingle sets.
    similarity: float
    #: Estimated share of the shorter text contained in the longer one.
    containment: float


class NearDuplicateIndex:
    """MinHash LSH over article signatures; thread-safe; rebuilt from stored signatures."""

    def __init__(
        self,
        *,
        jaccard_threshold: float = JACCARD_THRESHOLD,
        containment_threshold: float = CONTAINMENT_THRESHOLD,
    ) -> None:
        from datasketch import MinHashLSH

        self.jaccard_threshold = jaccard_threshold
        self.containment_threshold = containment_threshold
        self._lsh = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, ROWS))
        # Signatures as rows of one matrix, so a query checks all candidates at once.
        self._rows: dict[int, int] = {}
        self._free: list[int] = []
        self._matrix = np.zeros((64, NUM_PERM), dtype=np.uint32)
        self._sizes = np.zeros(64, dtype=np.int64)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._rows

    @classmethod
    def rebuild(cls, items: Iterable[tuple[int, bytes]]) -> NearDuplicateIndex:
        """An index holding every ``(article_id, signature)`` pair (e.g. from the store)."""
        index = cls()
        for article_id, signature in items:
            index.add(article_id, signature)
        return index

    @staticmethod
    def _minhash(mins: npt.NDArray[np.uint32]) -> object:
        from datasketch import LeanMinHash

        return LeanMinHash(seed=1, hashvalues=mins.astype(np.uint64), scheme="legacy")

    def _row(self) -> int:
        if self._free:
            return self._free.pop()
        row = len(self._rows)
        if row >= len(self._matrix):
            grow = len(self._matrix)
            self._matrix = np.vstack([self._matrix, np.zeros((grow, NUM_PERM), np.uint32)])
            self._sizes = np.concatenate([self._sizes, np.zeros(grow, np.int64)])
        return row

    def add(self, article_id: int, signature: bytes) -> None:
        """Index an article (replacing its previous signature: an updated version)."""
        size, mins = _decode(signature)
        with self._lock:
            row = self._rows.get(article_id)
            if row is not None:
                self._lsh.remove(article_id)
            else:
                row = self._row()
                self._rows[article_id] = row
            self._matrix[row] = mins
            self._sizes[row] = size
            self._lsh.insert(article_id, self._minhash(mins), check_duplication=False)

    def remove(self, article_id: int) -> None:
        with self._lock:
            row = self._rows.pop(article_id, None)
            if row is not None:
                self._lsh.remove(article_id)
                self._free.append(row)

    def find(self, signature: bytes, *, exclude: int | None = None) -> list[NearDuplicate]:
        """Indexed near duplicates of ``signature``, most similar first (ties: lower id)."""
        size, mins = _decode(signature)
        if size == 0:
            return []
        with self._lock:
            ids = sorted(int(i) for i in self._lsh.query(self._minhash(mins)) if i != exclude)
            if not ids:
                return []
            rows = np.fromiter((self._rows[i] for i in ids), dtype=np.int64, count=len(ids))
            jaccard = (self._matrix[rows] == mins).mean(axis=1)
            sizes = self._sizes[rows]
        inter = jaccard * (sizes + size) / (1.0 + jaccard)
        smaller = np.minimum(sizes, size)
        containment = np.minimum(1.0, inter / np.maximum(smaller, 1))
        keep = (jaccard >= self.jaccard_threshold) | (
            (containment >= self.containment_threshold) & (smaller >= MIN_CONTAINED_SHINGLES)
        )
        found = [
            NearDuplicate(ids[k], float(jaccard[k]), float(containment[k]))
            for k in np.flatnonzero(keep)
        ]
        found.sort(key=lambda d: (-d.similarity, -d.containment, d.article_id))
        return found
