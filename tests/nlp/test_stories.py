"""Story clustering with the real embedding model and hand-written reports."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from tidings.nlp.embed import E5_MODEL, Embedder, lead_window
from tidings.nlp.stories import (
    ClusterSnapshot,
    RestoredMember,
    StoryClusterer,
    StoryInput,
    StoryParams,
    anchor_terms,
)
from tidings.records import Story

# (key, language, published_at, title, lead) — written for these tests.
REPORTS = (
    ("quake-en", "en", "2025-03-10T08:30:00+00:00",
     "Magnitude 7.2 earthquake strikes off Taiwan's east coast",
     "A powerful earthquake of magnitude 7.2 struck off Hualien on Taiwan's east coast early "
     "on Monday, shaking buildings in Taipei and briefly halting trains and chip factories."),
    ("quake-zh", "zh", "2025-03-10T09:00:00+00:00",
     "台湾花莲外海发生7.2级地震 台北震感强烈",
     "周一清晨，台湾东部花莲县外海发生7.2级强烈地震，台北等地震感明显，岛内部分铁路和芯片工厂"
     "一度暂停运行。"),
    ("quake-en-2", "en", "2025-03-10T10:00:00+00:00",
     "Taiwan quake: buildings tilt in Hualien, rescuers search for trapped residents",
     "Rescue teams in Hualien worked through the morning to reach residents trapped in two "
     "tilting apartment blocks after Monday's 7.2-magnitude quake."),
    ("peru-en", "en", "2025-03-11T14:00:00+00:00",
     "Strong earthquake shakes southern Peru, damaging churches in Arequipa",
     "An earthquake of magnitude 6.8 shook southern Peru on Tuesday, cracking colonial churches "
     "in Arequipa and cutting power to thousands of homes, civil defence officials said."),
    ("fed-march", "en", "2025-03-12T18:00:00+00:00",
     "Federal Reserve holds interest rates steady, signals two cuts this year",
     "The US Federal Reserve left its benchmark rate unchanged at 4.25% to 4.5% on Wednesday "
     "and said it still expects to cut rates twice this year as inflation cools."),
    ("fed-may", "en", "2025-05-07T18:00:00+00:00",
     "Fed keeps rates on hold again, warns of higher inflation risks",
     "The Federal Reserve held its benchmark rate at 4.25% to 4.5% for a third straight "
     "meeting on Wednesday, saying the risks of higher unemployment and inflation have risen."),
)  # fmt: skip


@pytest.fixture(scope="module")
def inputs() -> list[StoryInput]:
    embedder = Embedder(E5_MODEL)  # StoryParams defaults are calibrated for e5
    windows = [lead_window(title, lead) for _, _, _, title, lead in REPORTS]
    vectors = embedder.passages(windows)
    return [
        StoryInput(n + 1, vec, anchor_terms(window), when, lang)
        for n, ((_, lang, when, _, _), window, vec) in enumerate(
            zip(REPORTS, windows, vectors, strict=True)
        )
    ]


def _run(items: list[StoryInput]) -> StoryClusterer:
    clusterer = StoryClusterer()
    for item in items:
        clusterer.assign(item)
    return clusterer


def test_english_and_chinese_reports_of_one_event_form_one_story(
    inputs: list[StoryInput],
) -> None:
    clusterer = _run(inputs)
    quake = clusterer.story_of(1)
    assert quake is not None
    assert clusterer.story_of(2) == quake  # the Chinese report
    assert clusterer.story_of(3) == quake
    record = clusterer.story(quake)
    assert record is not None
    assert record.members == (1, 2, 3) and record.languages == ("en", "zh")
    assert record.representative in record.members


def test_different_events_on_one_topic_stay_apart(inputs: list[StoryInput]) -> None:
    clusterer = _run(inputs)
    assert clusterer.story_of(4) != clusterer.story_of(1)  # another earthquake
    # The same kind of event eight weeks later is a new story.
    assert clusterer.story_of(6) != clusterer.story_of(5)
    assert len(clusterer) == 4


def test_assignment_reports_creation_and_is_idempotent(inputs: list[StoryInput]) -> None:
    clusterer = StoryClusterer()
    first = clusterer.assign(inputs[0])
    assert first.created and first.story_id == 1 and first.changed == (1,)
    second = clusterer.assign(inputs[1])
    assert not second.created and second.story_id == 1
    assert clusterer.assign(inputs[1]) == dataclasses.replace(second, changed=())


def test_results_persist_across_a_restart(inputs: list[StoryInput]) -> None:
    uninterrupted = _run(inputs)
    before = _run(inputs[:3])
    snapshot = before.snapshot()
    # The snapshot is plain data: it survives a JSON round trip (a store column).
    raw = json.loads(json.dumps(dataclasses.asdict(snapshot)))
    restored_snapshot = ClusterSnapshot(
        raw["next_story_id"],
        raw["clock"],
        tuple(
            Story(
                **{
                    **s,
                    "members": tuple(s["members"]),
                    "languages": tuple(s["languages"]),
                    "entities": tuple((e, c) for e, c in s["entities"]),
                }
            )
            for s in raw["stories"]
        ),
    )
    members = {
        item.article_id: RestoredMember(
            item.embedding, item.published_at, item.language, item.entities
        )
        for item in inputs[:3]
    }
    after = StoryClusterer.restore(restored_snapshot, members)
    assert after.stories() == before.stories()
    for item in inputs[3:]:
        after.assign(item)
    assert after.stories() == uninterrupted.stories()


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


def test_stories_merge_when_they_converge() -> None:
    rng = np.random.default_rng(0)
    base, side = rng.standard_normal(64), rng.standard_normal(64)
    a, b = _unit(base + 0.45 * side), _unit(base - 0.45 * side)
    near_a, near_b = _unit(base + 0.1 * side), _unit(base - 0.1 * side)
    clusterer = StoryClusterer(StoryParams(join_threshold=0.9, merge_threshold=0.93))
    when = "2025-01-01T00:00:00+00:00"
    assert float(a @ b) < 0.9
    results = [
        clusterer.assign(StoryInput(n, v, (), when, "en"))
        for n, v in enumerate([a, b, *[near_a, near_b] * 3, near_a], start=1)
    ]
    assert [r.story_id for r in results[:2]] == [1, 2]
    # Later reports pull the two stories together until the younger is folded in.
    merges = [r for r in results if r.merged_from]
    assert len(merges) == 1 and merges[0].merged_from == (2,) and merges[0].story_id == 1
    assert {clusterer.story_of(n) for n in range(1, 10)} == {1}
    assert len(clusterer) == 1


def test_a_story_splits_when_its_members_fall_apart() -> None:
    rng = np.random.default_rng(1)
    left, right = rng.standard_normal(64), rng.standard_normal(64)
    bridge = _unit(left + right)
    params = StoryParams(join_threshold=0.3, merge_threshold=0.99, split_link_threshold=0.8)
    clusterer = StoryClusterer(params)
    when = "2025-01-01T00:00:00+00:00"
    clusterer.assign(StoryInput(1, bridge, (), when, "en"))
    splits: list[int] = []
    for n, v in enumerate([left, right, left, right], start=2):
        noisy = _unit(v + 0.05 * rng.standard_normal(64))
        result = clusterer.assign(StoryInput(n, noisy, (), when, "en"))
        splits.extend(result.split_into)
    assert len(splits) == 1
    assert clusterer.story_of(2) == clusterer.story_of(4) == clusterer.story_of(1) == 1
    assert clusterer.story_of(3) == clusterer.story_of(5) == splits[0]


def test_anchor_terms_bridge_languages() -> None:
    en = anchor_terms("SpaceX Starship explodes; FAA grounds it after 2nd failure, 7.2% drop")
    zh = anchor_terms("SpaceX星舰试飞再次失败，FAA要求调查，股价下跌7.2%")
    assert {"#spacex", "#faa", "#7.2%"} <= set(en) & set(zh)
    assert "#2025" not in anchor_terms("In 2025, on March 3")
