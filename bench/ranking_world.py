"""The items of the ranking benchmark: real news (AG News) or a synthetic fallback.

Each item has a coarse topic the ranker sees (AG News' four classes), an outlet (parsed
from the wire tags in the text, else assigned by a hash), an embedding (Tidings' own
:class:`~tidings.nlp.embed.Embedder`, cached in ``/tmp`` by a hash of the texts), a
latent *cluster* (k-means over the embeddings; what simulated readers actually like,
finer than the topic and never shown to the ranker), and two hidden properties the
simulator uses: ``quality`` and ``bait`` (high click appeal, little worth reading).
Bait is commoner at three tabloid outlets, as it is in life.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
AG_NEWS = DATA / "headlines" / "ag_news_test" / "test.csv"
AG_TOPICS = {"1": "World", "2": "Sports", "3": "Business", "4": "Sci/Tech"}

#: Outlets for items without a recognisable wire tag; the first three are tabloids.
HOUSE_OUTLETS = (
    "Daily Buzz",
    "Click Central",
    "The Scoop",
    "Evening Ledger",
    "Metro Courier",
    "Northern Herald",
    "Global Review",
    "City Gazette",
)
TABLOIDS = frozenset(HOUSE_OUTLETS[:3])
#: Share of bait among items of tabloids and of everyone else.
BAIT_RATE = {"tabloid": 0.45, "other": 0.06}
#: Wire tags with at least this many items become their own outlet.
MIN_OUTLET_ITEMS = 15

_TAG = re.compile(r"\(([A-Z][\w.\- ]{1,24})\)")


@dataclass
class World:
    titles: list[str]
    topics: list[str]
    outlets: list[str]
    #: (n, d) float32, L2-normalised.
    vectors: npt.NDArray[np.float32]
    #: Latent cluster of each item (what readers like), ``clusters`` in all.
    cluster: npt.NDArray[np.int64]
    clusters: int
    quality: npt.NDArray[np.float64]
    bait: npt.NDArray[np.bool_]
    source: str

    def __len__(self) -> int:
        return len(self.titles)


def _stable(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def _wire_tag(title: str, description: str) -> str | None:
    for text in (description[:80], title[-30:]):
        match = _TAG.search(text)
        if match and not match.group(1).startswith("Update"):
            return match.group(1).strip()
    return None


def kmeans(
    vectors: npt.NDArray[np.float32], k: int, *, seed: int = 0, iterations: int = 25
) -> npt.NDArray[np.int64]:
    """Spherical k-means (cosine), enough to give readers latent interests."""
    rng = np.random.default_rng(seed)
    centres = vectors[rng.choice(len(vectors), size=k, replace=False)].copy()
    labels = np.zeros(len(vectors), dtype=np.int64)
    for _ in range(iterations):
        labels = np.argmax(vectors @ centres.T, axis=1)
        for j in range(k):
            members = vectors[labels == j]
            if len(members):
                centre = members.sum(axis=0)
                centres[j] = centre / max(float(np.linalg.norm(centre)), 1e-9)
    return labels


def _hidden_properties(
    outlets: list[str], seed: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    rng = np.random.default_rng([seed, 7])
    rates = np.asarray(
        [BAIT_RATE["tabloid"] if o in TABLOIDS else BAIT_RATE["other"] for o in outlets]
    )
    bait = rng.random(len(outlets)) < rates
    quality = rng.uniform(0.45, 1.0, size=len(outlets))
    quality[bait] = rng.uniform(0.1, 0.35, size=int(bait.sum()))
    return quality, bait


def embed_cached(texts: list[str], model: str | None = None) -> npt.NDArray[np.float32]:
    """Tidings' embeddings of ``texts``, cached in /tmp by a hash of model and texts."""
    from tidings.nlp.embed import Embedder, default_model

    name = model or default_model()
    digest = hashlib.blake2b(digest_size=12)
    digest.update(name.encode())
    for text in texts:
        digest.update(text.encode() + b"\x00")
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"tidings-ranking-{digest.hexdigest()}.npy"
    if path.exists():
        loaded: npt.NDArray[np.float32] = np.load(path)
        return loaded
    vectors = Embedder(name).passages(texts).astype(np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, vectors)
    tmp.replace(path)
    return vectors


def ag_news_world(
    *, clusters: int = 16, seed: int = 0, model: str | None = None, limit: int | None = None
) -> World | None:
    """AG News' test set (7,600 articles) as the world; None when it is absent."""
    if not AG_NEWS.exists():
        return None
    rows: list[tuple[str, str, str]] = []
    with AG_NEWS.open(newline="", encoding="utf-8") as handle:
        for label, title, description in csv.reader(handle):
            rows.append((AG_TOPICS.get(label, label), title.strip(), description.strip()))
    if limit:
        rows = rows[:limit]
    tags = [_wire_tag(title, description) for _, title, description in rows]
    counts: dict[str, int] = {}
    for tag in tags:
        if tag:
            counts[tag] = counts.get(tag, 0) + 1
    outlets = [
        tag
        if tag and counts[tag] >= MIN_OUTLET_ITEMS
        else HOUSE_OUTLETS[_stable(title) % len(HOUSE_OUTLETS)]
        for tag, (_, title, _) in zip(tags, rows, strict=True)
    ]
    vectors = embed_cached([f"{t}. {d}" for _, t, d in rows], model)
    quality, bait = _hidden_properties(outlets, seed)
    return World(
        titles=[t for _, t, _ in rows],
        topics=[topic for topic, _, _ in rows],
        outlets=outlets,
        vectors=vectors,
        cluster=kmeans(vectors, clusters, seed=seed),
        clusters=clusters,
        quality=quality,
        bait=bait,
        source="AG News test (7,600 articles), USE-multilingual embeddings",
    )


def synthetic_world(
    *, items: int = 3000, clusters: int = 16, dim: int = 48, seed: int = 0
) -> World:
    """Gaussian clusters on the sphere, four per topic; no files or models needed."""
    rng = np.random.default_rng([seed, 3])
    centres = rng.normal(size=(clusters, dim))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    cluster = rng.integers(0, clusters, size=items)
    vectors = centres[cluster] + rng.normal(scale=0.6 / np.sqrt(dim), size=(items, dim))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    names = ("World", "Sports", "Business", "Sci/Tech")
    wires = ("AP", "Reuters", "AFP")
    pool = (*wires, *HOUSE_OUTLETS)
    outlets = [pool[int(i)] for i in rng.integers(0, len(pool), size=items)]
    quality, bait = _hidden_properties(outlets, seed)
    return World(
        titles=[f"item {i}" for i in range(items)],
        topics=[names[int(c) % len(names)] for c in cluster],
        outlets=outlets,
        vectors=vectors,
        cluster=cluster.astype(np.int64),
        clusters=clusters,
        quality=quality,
        bait=bait,
        source=f"synthetic ({items} items, {clusters} clusters)",
    )
