"""Extractive summaries: sentence splitting, choice, order and length."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tidings.demo.sites import build_catalogue
from tidings.nlp.summary import split_sentences, summarize

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def test_split_english_keeps_abbreviations_and_initials() -> None:
    text = (
        'Dr. J. Smith flew to Washington. He met U.S. officials at 3 p.m. on Friday. "It went '
        'well," he said. Then he left!\n\nA new paragraph starts here'
    )
    assert split_sentences(text, "en") == [
        "Dr. J. Smith flew to Washington.",
        "He met U.S. officials at 3 p.m. on Friday.",
        '"It went well," he said.',
        "Then he left!",
        "A new paragraph starts here",
    ]


def test_split_chinese() -> None:
    text = "今天天气很好。我们去公园散步！你去吗？“好的。”他说"
    assert split_sentences(text, "zh") == [
        "今天天气很好。",
        "我们去公园散步！",
        "你去吗？",
        "“好的。”",
        "他说",
    ]


def _check(summary: str, text: str, language: str, most: int = 3) -> None:
    """``summary`` is at most ``most`` sentences of ``text``, in the text's order."""
    assert summary
    assert len(summary) <= len(text)
    sentences = split_sentences(text, language)
    rest, start, picked = summary, 0, 0
    while rest:
        j = next(j for j in range(start, len(sentences)) if rest.startswith(sentences[j]))
        rest = rest[len(sentences[j]) :].lstrip()
        start, picked = j + 1, picked + 1
    assert 1 <= picked <= most


def test_demo_articles() -> None:
    catalogue = build_catalogue(7)
    stories = [a.story for items in catalogue.articles.values() for a in items]
    for story in stories:
        summary = summarize(story.text, story.language)
        _check(summary, story.text, story.language)
        assert summarize(story.text, story.language) == summary  # deterministic
        two = summarize(story.text, story.language, 2)
        _check(two, story.text, story.language, most=2)
        assert len(two) < len(summary)
    # the lead sentence of a news story is usually picked
    leads = sum(summarize(s.text, s.language).startswith(s.summary[:40]) for s in stories)
    assert leads >= len(stories) // 2


def test_short_and_empty_texts() -> None:
    assert summarize("", "en") == ""
    assert summarize("One sentence only.", "en") == "One sentence only."
    two = "First sentence here is fine. Second sentence is also fine."
    assert summarize(f"  {two}  ", "en") == two
    assert summarize(two, "en", sentences=0) == ""


def test_real_articles() -> None:
    truth = SHARED / "extraction" / "scrapinghub" / "ground-truth.json"
    if not truth.exists():
        pytest.skip(f"{truth} not available")
    articles = json.loads(truth.read_text(encoding="utf-8"))
    bodies = [a["articleBody"] for a in articles.values() if len(a.get("articleBody") or "") > 1500]
    for body in bodies[:30]:
        summary = summarize(body, "en")
        _check(summary, body, "en")
        assert len(summary) < len(body)
