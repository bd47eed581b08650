"""Keywords for English (own scoring) and Chinese (jieba TF-IDF), on real text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tidings.demo.sites import build_catalogue
from tidings.nlp.keywords import STOP_WORDS, extract_keywords

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"

ENGLISH = (
    "The European Central Bank raised interest rates on Thursday for the tenth time in a row. "
    "The European Central Bank said inflation was still too high. Christine Lagarde, the "
    "president of the bank, told reporters that interest rates would stay high for as long as "
    "needed. Markets in Frankfurt fell after the decision. Analysts said the interest rates "
    "decision surprised few traders, but mortgage costs will rise again for households."
)
CHINESE = (
    "中国女排在世界杯比赛中以三比零战胜日本队，取得七连胜。主教练郎平表示，女排队员发挥稳定，"
    "接下来将全力备战与美国队的比赛。本届世界杯在日本举行，中国女排已提前锁定奥运会资格。"
)


def test_english_keywords() -> None:
    keywords = extract_keywords(ENGLISH, "en")
    assert 1 <= len(keywords) <= 8
    lowered = [k.lower() for k in keywords]
    assert "european central bank" in lowered
    assert "interest rates" in lowered
    assert "christine lagarde" in lowered
    # names keep their capitals, other words are lower case; no stop words, no duplicates
    assert "European Central Bank" in keywords
    assert all(k.lower() not in STOP_WORDS for k in keywords)
    assert len(set(lowered)) == len(lowered)
    # a phrase is not repeated by its parts
    assert "interest" not in lowered and "rates" not in lowered


def test_k_and_determinism() -> None:
    assert len(extract_keywords(ENGLISH, "en", k=3)) == 3
    assert extract_keywords(ENGLISH, "en", k=3) == extract_keywords(ENGLISH, "en")[:3]
    assert extract_keywords(ENGLISH, "en") == extract_keywords(ENGLISH, "en")
    assert extract_keywords(ENGLISH, "en", k=0) == ()
    assert extract_keywords("", "en") == ()
    assert extract_keywords("the of and to", "en") == ()


def test_chinese_keywords() -> None:
    keywords = extract_keywords(CHINESE, "zh")
    assert 1 <= len(keywords) <= 8
    assert "女排" in keywords
    assert "世界杯" in keywords
    assert all(len(k) >= 2 for k in keywords)
    assert extract_keywords(CHINESE, None) == keywords  # detected as Chinese
    assert extract_keywords(CHINESE, "zh") == keywords


def test_demo_articles() -> None:
    catalogue = build_catalogue(7)
    for items in catalogue.articles.values():
        for article in items[:3]:
            story = article.story
            keywords = extract_keywords(story.text, story.language, k=6)
            assert 3 <= len(keywords) <= 6, story.title
            assert len(set(keywords)) == len(keywords)


def test_real_articles() -> None:
    truth = SHARED / "extraction" / "scrapinghub" / "ground-truth.json"
    if not truth.exists():
        pytest.skip(f"{truth} not available")
    articles = json.loads(truth.read_text(encoding="utf-8"))
    bodies = [a["articleBody"] for a in articles.values() if len(a.get("articleBody") or "") > 1500]
    assert bodies
    for body in bodies[:20]:
        keywords = extract_keywords(body, "en")
        assert len(keywords) == 8
        assert all(k.strip() == k and k for k in keywords)
