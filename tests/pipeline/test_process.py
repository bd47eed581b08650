"""The language job on a real store with the real models."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.stores import TestStores
from tidings.extract import content_hash
from tidings.pipeline.process import ProcessJob
from tidings.records import ArticleSaved, ExtractedArticle
from tidings.store import Store

QUAKE_EN = (
    "Magnitude 6.8 earthquake strikes Valdoria's northern coast, killing 14",
    "A magnitude 6.8 earthquake struck the northern coast of Valdoria early on Tuesday, "
    "killing at least 14 people and damaging hundreds of homes in the port city of Tarsk, "
    "officials said. The quake hit at 4:12 a.m. local time at a depth of 10 kilometres. "
    "Rescue teams searched collapsed buildings through the morning, and the Valdorian Red "
    "Cross opened shelters for 2,300 displaced residents. Prime Minister Elena Marsh said "
    "the army would send engineers to inspect bridges along the coastal highway. Aftershocks "
    "of up to magnitude 5.1 were recorded during the day, and schools in Tarsk were closed.",
)
QUAKE_ZH = (
    "瓦尔多利亚北部沿海发生6.8级地震 至少14人遇难",
    "瓦尔多利亚北部沿海地区周二凌晨发生6.8级地震，官员表示，地震造成至少14人死亡，"
    "港口城市塔尔斯克数百间房屋受损。地震发生在当地时间凌晨4时12分，震源深度10公里。"
    "救援队整个上午在倒塌的建筑中搜救，瓦尔多利亚红十字会为2300名无家可归的居民开设了避难所。"
    "总理埃琳娜·马什表示，军队将派遣工程师检查沿海公路上的桥梁。当天记录到最高5.1级的余震，"
    "塔尔斯克的学校已经停课。",
)
QUAKE_FOLLOW_UP = (
    "Valdoria earthquake death toll rises to 17 as rescuers reach Tarsk's old town",
    "The number of people killed by Tuesday's magnitude 6.8 earthquake on Valdoria's "
    "northern coast rose to 17 on Wednesday, after rescuers reached the old town of Tarsk, "
    "where narrow streets had blocked heavy machinery. Prime Minister Elena Marsh visited "
    "a shelter run by the Valdorian Red Cross and promised rebuilding grants for families "
    "whose homes were destroyed. Engineers found cracks in two bridges on the coastal "
    "highway, which will stay closed to lorries. Seismologists warned that aftershocks "
    "could continue for weeks and asked residents to avoid damaged buildings.",
)
FLOOD_EN = (
    "Floods force 900 from their homes in Ostrava's river valley",
    "Heavy rain over the weekend pushed the Morava river over its banks in Ostrava, forcing "
    "about 900 people to leave their homes, the regional governor said on Monday. Water "
    "reached the first floor of houses in three villages, and the main railway line to the "
    "capital was closed after a section of track was washed away. Volunteers filled sandbags "
    "overnight while the fire service used boats to reach elderly residents. Forecasters "
    "expect more rain on Wednesday, and the government has released emergency funds for "
    "families who lost their belongings in the water.",
)


def add(store: Store, url: str, title: str, text: str, language: str, published: str) -> int:
    saved = store.save_article(
        ExtractedArticle(url=url, canonical_url=url, title=title, text=text, language=language),
        url=url, source_id=None, fetch_id=None, published_at=published,
        content_hash=content_hash(text),
    )  # fmt: skip
    assert isinstance(saved, ArticleSaved)
    return saved.article_id


@pytest.fixture
def store(stores: TestStores) -> Store:
    return stores.open()


def test_stories_across_languages_duplicates_and_restart(store: Store, tmp_path: Path) -> None:
    index = tmp_path / "index" / "articles.usearch"
    en = add(store, "http://a/quake", *QUAKE_EN, "en", "2026-11-20T06:00:00Z")
    zh = add(store, "http://b/quake", *QUAKE_ZH, "zh", "2026-11-20T07:30:00Z")
    flood = add(store, "http://c/flood", *FLOOD_EN, "en", "2026-11-20T08:00:00Z")
    # A re-post: the same report lightly edited and cut short, published later.
    repost_text = QUAKE_EN[1].replace("early on Tuesday", "on Tuesday morning")[:-60]
    repost = add(
        store, "http://d/quake-copy", QUAKE_EN[0], repost_text, "en", "2026-11-20T09:00:00Z"
    )

    stats = ProcessJob(store, index_path=index).run()
    assert stats.processed == 4 and stats.near_duplicates == 1
    assert store.get_article(repost).duplicate_of == en
    assert store.count_articles() == 3  # the re-post is never shown twice

    story = store.story_of(en)
    assert story is not None and set(story.members) == {en, zh}
    assert set(story.languages) == {"en", "zh"}
    flood_story = store.story_of(flood)
    assert flood_story is not None and flood_story.id != story.id

    analysis = store.get_analysis(en)
    assert analysis is not None and analysis.embedding is not None
    assert analysis.topic and analysis.summary
    assert any(e.normalized == "tarsk" for e in analysis.entities)
    assert index.exists()

    # A new run (a restart) restores the state from the store: a later report of the
    # same event joins the existing story, and nothing is processed twice.
    later = add(store, "http://e/quake-update", *QUAKE_FOLLOW_UP, "en", "2026-11-21T06:00:00Z")
    again = ProcessJob(store, index_path=index).run()
    assert again.processed == 1
    joined = store.story_of(later)
    assert joined is not None and joined.id == story.id
    assert again.stories_created == 0
