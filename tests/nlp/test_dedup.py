"""Exact and near duplicates on real pages and the demo web."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tidings.demo.sites import build_catalogue
from tidings.nlp.dedup import (
    NearDuplicateIndex,
    exact_hash,
    minhash_signature,
    shingles,
    signature_similarity,
)

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
GOLD = SHARED / "extraction" / "scrapinghub" / "ground-truth.json"


@pytest.fixture(scope="module")
def real_texts() -> list[str]:
    if not GOLD.exists():
        pytest.skip(f"{GOLD} absent (the shared gold pages are not part of the repo)")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    texts = [str(v["articleBody"]) for _, v in sorted(gold.items())]
    return [t for t in texts if len(t.split()) >= 150][:60]


def test_reposted_article_is_linked_and_distinct_ones_are_not(real_texts: list[str]) -> None:
    index = NearDuplicateIndex.rebuild(
        (i, minhash_signature(t, "en")) for i, t in enumerate(real_texts)
    )
    assert len(index) == len(real_texts)
    original = real_texts[7]
    paragraphs = [p for p in original.split("\n") if p.strip()]
    reposted = "\n\n".join(
        ["Advertisement", "Share this article", *paragraphs, "Sign up for our newsletter."]
    ).replace('"', "\u201c")
    truncated = original[: int(len(original) * 0.6)]
    for copy in (reposted, truncated):
        found = index.find(minhash_signature(copy, "en"))
        assert [d.article_id for d in found] == [7]
    for i, text in enumerate(real_texts):
        assert index.find(minhash_signature(text, "en"), exclude=i) == []


def test_demo_wire_copies_are_duplicates_and_same_topic_articles_are_not() -> None:
    catalogue = build_catalogue(seed=1)
    articles = [a for items in catalogue.articles.values() for a in items]
    copies = [a for a in articles if a.duplicate_of is not None]
    assert copies
    index = NearDuplicateIndex()
    ids = {}
    for n, art in enumerate(a for a in articles if a.duplicate_of is None):
        ids[(art.site_key, art.path)] = n
        index.add(n, minhash_signature(art.story.text, art.story.language))
    for copy in copies:
        found = index.find(minhash_signature(copy.story.text, copy.story.language))
        assert found and found[0].article_id == ids[copy.duplicate_of]
        assert exact_hash(copy.story.text) == exact_hash(copy.story.text.upper())
    # Same-topic articles written from the same templates are never linked.
    for art in articles:
        if art.duplicate_of is None:
            sig = minhash_signature(art.story.text, art.story.language)
            assert index.find(sig, exclude=ids[(art.site_key, art.path)]) == []


def test_chinese_uses_character_shingles_and_updates_replace() -> None:
    text = "花莲地震发生后，救援人员连夜展开搜救，两栋倾斜的居民楼内仍有民众受困。" * 3
    assert all(len(s) == 4 for s in shingles(text, "zh"))
    sig = minhash_signature(text, "zh")
    edited = minhash_signature(text.replace("连夜", "通宵"), "zh")
    jaccard, containment = signature_similarity(sig, edited)
    assert 0.6 < jaccard < 1.0 and containment > 0.8
    index = NearDuplicateIndex()
    index.add(1, sig)
    index.add(1, minhash_signature("完全不同的另一篇文章，讲述的是欧洲央行降息的消息。", "zh"))
    assert len(index) == 1 and index.find(sig) == []
    index.remove(1)
    assert len(index) == 0 and 1 not in index
    assert index.find(minhash_signature("", "en")) == []
    with pytest.raises(ValueError):
        index.add(2, b"not a signature")
