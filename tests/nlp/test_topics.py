"""The topic classifier: committed weights, real e5 embeddings, English and Chinese."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from tidings.demo.sites import build_catalogue
from tidings.nlp.embed import Embedder
from tidings.nlp.topics import (
    MODEL_PATH,
    TOPICS,
    TopicClassifier,
    default_classifier,
    lexical_terms,
    topic_text,
)

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"

CASES = [
    (
        "Federer beats Nadal in five sets to win the Wimbledon final",
        "Roger Federer won his ninth Wimbledon title on Sunday after a five-set final against "
        "Rafael Nadal on Centre Court.",
        "sports",
    ),
    (
        "Shares slide after the retailer cuts its profit forecast",
        "Shares of the retailer fell 12 percent on Wall Street after it cut its annual profit "
        "forecast and said quarterly sales missed analysts' expectations.",
        "business",
    ),
    (
        "Microsoft patches Windows flaw exploited by hackers",
        "Microsoft released a software update for Windows on Tuesday to fix a security flaw "
        "that hackers had used to take control of computers.",
        "tech",
    ),
    (
        "Rebels and government troops clash as peace talks stall",
        "Fighting broke out near the capital on Monday as peace talks between the government "
        "and rebel leaders stalled, the United Nations envoy said.",
        "world",
    ),
]
CHINESE = [
    (
        "中国女排三比零战胜日本队 取得世界杯七连胜",
        "中国女排在世界杯比赛中以三比零战胜日本队，取得七连胜。主教练表示，队员发挥稳定，"
        "接下来将全力备战与美国队的比赛。",
        "sports",
    ),
    (
        "阿里巴巴第三季度营收同比增长 股价上涨",
        "阿里巴巴集团公布第三季度财报，营收同比增长百分之十二，净利润超出市场预期，"
        "公司股价在香港股市上涨百分之五。",
        "business",
    ),
]


@pytest.fixture(scope="module")
def classifier() -> TopicClassifier:
    return TopicClassifier.load()


def test_taxonomy_and_weights(classifier: TopicClassifier) -> None:
    assert TOPICS == ("world", "business", "tech", "science", "sports", "entertainment", "health")
    assert set(classifier.labels) == set(TOPICS)
    assert classifier.dim == 384
    assert MODEL_PATH.stat().st_size < 2_000_000
    assert float(classifier.meta["heldout_accuracy"]) >= 0.90  # type: ignore[arg-type]
    assert default_classifier() is default_classifier()


def test_predicts_topic_english_and_chinese(classifier: TopicClassifier) -> None:
    cases = CASES + CHINESE
    vectors = Embedder().passages([topic_text(title, text) for title, text, _ in cases])
    for (title, text, topic), vector in zip(cases, vectors, strict=True):
        prediction = classifier.predict(title, text, embedding=vector)
        assert prediction.label == topic, (title, prediction.scores)
        assert set(prediction.scores) == set(TOPICS)
        assert abs(sum(prediction.scores.values()) - 1.0) < 1e-6
        assert prediction.score == max(prediction.scores.values())


def test_given_embedding_is_used(classifier: TopicClassifier) -> None:
    title, text, _ = CASES[0]
    vector = Embedder().passages([topic_text(title, text)])[0]
    given = classifier.predict(title, text, embedding=vector)
    computed = classifier.predict(title, text)
    assert given.label == computed.label
    assert np.isclose(given.score, computed.score, atol=1e-4)
    with pytest.raises(ValueError, match="dimensions"):
        classifier.predict(title, text, embedding=np.zeros(10, dtype=np.float32))


def test_topic_text_and_terms() -> None:
    assert topic_text("Title", "Body  text\n here") == "Title\nBody text here"
    assert topic_text(None, "Body") == "Body"
    assert len(topic_text("t", "x" * 5000)) == 1000
    assert lexical_terms("The Bank of England raised rates") == [
        "bank",
        "england",
        "raised",
        "rates",
        "bank england",
        "england raised",
        "raised rates",
    ]


def test_demo_web_topics(classifier: TopicClassifier) -> None:
    mapping = {"culture": "entertainment", "local": "world"}
    stories = [a.story for items in build_catalogue(7).articles.values() for a in items][::2]
    vectors = Embedder().passages([topic_text(s.title, s.text) for s in stories])
    hits = sum(
        classifier.predict(s.title, s.text, embedding=v).label == mapping.get(s.topic, s.topic)
        for s, v in zip(stories, vectors, strict=True)
    )
    assert hits / len(stories) >= 0.7


def _train_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "train_topics", ROOT / "scripts" / "train_topics.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("train_topics", module)
    spec.loader.exec_module(module)
    return module


def test_ag_news_heldout_sample(classifier: TopicClassifier) -> None:
    csv_path = SHARED / "headlines" / "ag_news_test" / "test.csv"
    if not csv_path.exists():
        pytest.skip(f"{csv_path} not available")
    train = _train_script()
    ag = train.load_ag_news(csv_path)
    train_rows, held = train.ag_split(len(ag))
    assert len(train_rows) == 5600 and len(held) == 2000
    assert not set(train_rows) & set(held)
    sample = held[:60]
    vectors = Embedder().passages([topic_text(ag[i].title, ag[i].text) for i in sample])
    hits = 0
    for i, vector in zip(sample, vectors, strict=True):
        prediction = classifier.predict(ag[i].title, ag[i].text, embedding=vector)
        probs = np.array([prediction.scores[label] for label in classifier.labels])
        hits += train.ag_prediction(probs, classifier.labels) == ag[i].source_label
    assert hits / len(sample) >= 0.85
