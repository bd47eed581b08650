"""Extractive headline candidates: length, faithfulness to the text, cleaning, Chinese."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tidings.headlines.compress_en import compress_sentence, strip_dateline
from tidings.headlines.compress_zh import split_clauses, strip_edges
from tidings.headlines.extractive import (
    METHODS,
    default_headline,
    extractive_headlines,
)
from tidings.records import HeadlineOrigin

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data" / "headlines"

WIRE = (
    "WASHINGTON (Reuters) - The U.S. Senate on Tuesday approved a $12 billion aid package "
    "for farmers hit by drought across the Midwest, officials said, sending the bill to "
    "the House where its passage is less certain.\n\n"
    "The package, which passed 71 to 28, includes direct payments to corn and soybean "
    "growers (about $8 billion) and money for emergency water projects in Kansas and "
    "Nebraska. Farm groups welcomed the vote but said the payments would arrive too late "
    "for many growers who had already sold their herds.\n\n"
    'Senator Maria Lopez, who wrote the bill, said the drought aid was "long overdue". '
    "House leaders have not said when they will take up the package."
)

LOCAL = (
    "By Karen Holt, Staff Writer\n"
    "Greyhaven Town Council approved a new cycle lane on Mill Street late on Thursday after "
    "a debate that lasted nine hours and drew a packed public gallery. The lane will run "
    "for 2.4 kilometres from the railway station to the harbour, and construction is due "
    "to start in the spring. Shop owners on Mill Street had opposed the plan, saying the "
    "loss of parking would cost them customers."
)

CHINESE = (
    "据悉，记者昨日从市交通委获悉，北京地铁19号线一期工程将于年底前开通试运营，"
    "全线共设10座车站，最高运行时速可达120公里。19号线开通后，从新宫站到积水潭站"
    "只需约30分钟，将有效缓解南北向客流压力。市交通委表示，19号线是北京首条采用"
    "8节A型车编组的地铁线路，高峰时段发车间隔将缩短至3分钟。"
)

_WORD = re.compile(r"[\w$.'’-]+")


def _words(text: str) -> set[str]:
    return {w.casefold().strip(".,'’") for w in _WORD.findall(text)}


def _check_english(text: str) -> list[str]:
    candidates = extractive_headlines(text, language="en")
    assert candidates
    source = _words(text)
    for candidate in candidates:
        assert candidate.origin is HeadlineOrigin.EXTRACTIVE
        assert candidate.author is not None and candidate.author.startswith("extractive:")
        assert candidate.clickbait is None and candidate.faithfulness is None
        assert 3 <= len(candidate.text.split()) <= 14, candidate.text
        assert len(candidate.text) <= 80, candidate.text
        # Every word comes from the article: nothing is invented.
        assert _words(candidate.text) <= source, candidate.text
    assert len({c.text for c in candidates}) == len(candidates)
    return [c.text for c in candidates]


def test_english_wire_story_dateline_and_attribution_dropped() -> None:
    texts = _check_english(WIRE)
    lead = texts[0]
    assert lead.startswith("U.S. Senate approved"), lead
    for text in texts:
        assert "Reuters" not in text and "WASHINGTON" not in text
        assert "officials said" not in text
        assert "Tuesday" not in text
        assert "(" not in text


def test_english_byline_and_time_dropped() -> None:
    texts = _check_english(LOCAL)
    assert texts[0] == "Greyhaven Town Council approved new cycle lane on Mill Street"
    assert all("Karen" not in t and "Thursday" not in t for t in texts)


def test_authors_name_the_methods() -> None:
    candidates = extractive_headlines(WIRE, language="en", max_candidates=3)
    authors = [c.author for c in candidates]
    assert len(set(authors)) == len(authors)
    assert set(authors) <= {f"extractive:{name}" for name in METHODS}


def test_chinese_candidates_come_from_the_text() -> None:
    candidates = extractive_headlines(CHINESE, language="zh")
    assert candidates
    for candidate in candidates:
        text = candidate.text
        assert 6 <= len(text) <= 28, text
        # Characters are the article's; only headline punctuation (space, "：") is added.
        assert all(c in CHINESE for c in text if c not in " ："), text
        assert not text.startswith(("据悉", "记者", "昨日")), text
    assert "19号线" in candidates[0].text


def test_chinese_detected_without_language() -> None:
    assert extractive_headlines(CHINESE) == extractive_headlines(CHINESE, language="zh")


def test_deterministic() -> None:
    for text, language in ((WIRE, "en"), (LOCAL, None), (CHINESE, "zh")):
        first = extractive_headlines(text, language=language)
        assert all(extractive_headlines(text, language=language) == first for _ in range(3))


@pytest.mark.parametrize("text", ["", "   \n ", "Hi.", "Breaking", "你好", "好消息。"])
def test_empty_and_short_text(text: str) -> None:
    assert extractive_headlines(text) == []
    assert default_headline(text) is None


def test_max_candidates_and_title() -> None:
    assert extractive_headlines(WIRE, max_candidates=0) == []
    assert len(extractive_headlines(WIRE, max_candidates=1)) == 1
    first = extractive_headlines(WIRE, language="en")[0].text
    # The article's own title is not offered again as an extractive candidate.
    again = extractive_headlines(WIRE, language="en", title=first)
    assert all(c.text != first for c in again)


def test_title_at_the_start_of_the_text_is_skipped() -> None:
    title = "Senate passes drought aid for farmers"
    with_title = extractive_headlines(f"{title}\n\n{WIRE}", title=title, language="en")
    assert [c.text for c in with_title] == [c.text for c in extractive_headlines(WIRE)]


def test_summary_gives_the_central_sentence() -> None:
    summary = "Farm groups welcomed the vote but said the payments would arrive too late."
    central = METHODS["central"](WIRE, language="en", summary=summary)
    assert central is not None and central.startswith("Farm groups welcomed")


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("NEW YORK (Reuters) - Stocks fell sharply on Monday as oil rose.", "Stocks fell"),
        ("AP - British Foreign Secretary Jack Straw urged Sudan to do more.", "British"),
        ("SPACE.com - TORONTO, Canada -- A second team of rocketeers set a date.", "A second"),
        ("PHNOM PENH, Oct. 10. - King Norodom Sihanouk declared his son ready.", "King"),
        ("LONDON: The Bank of England held interest rates at 5 percent today.", "The Bank"),
        ("Stocks fell sharply on Monday as oil prices rose to a record high.", "Stocks fell"),
    ],
)
def test_strip_dateline(text: str, body: str) -> None:
    assert strip_dateline(text).startswith(body)


def test_compress_sentence_rules() -> None:
    sentence = (
        "Jack Straw, the British foreign secretary, urged the Sudanese government on "
        "Sunday to do more to protect refugees in Darfur, aid agencies said."
    )
    headline = compress_sentence(sentence)
    assert headline == "Jack Straw urged Sudanese government to do more to protect refugees"
    assert compress_sentence("") == ""


def test_chinese_clauses_keep_quotes_and_titles_whole() -> None:
    text = "陈欧发出长微博《你永远不知道，陈欧这半年在做什么》，公开介绍业务转型。"
    assert split_clauses(text) == [
        "陈欧发出长微博《你永远不知道，陈欧这半年在做什么》，",
        "公开介绍业务转型。",
    ]
    assert strip_edges("今天下午，北京市发布新规，") == "北京市发布新规"
    assert strip_edges("在周六结束的全国锦标赛中，厦门选手打破纪录") == "厦门选手打破纪录"


_EN_VOCABULARY = (
    "The Senate said on Monday that a U.S. farm bill ( Reuters ) - , . ; : which who "
    "officials Greyhaven approved $12 billion 2004 Oct. 10 LONDON AP -- \" ' \n"
)
_ZH_VOCABULARY = "据悉 记者 获悉 北京 地铁 昨日 表示 在 中 开通 19号线 今年 2014年"
_EN_TOKENS = st.sampled_from(_EN_VOCABULARY.split(" "))
_ZH_TOKENS = st.sampled_from(list("，。；：！？“”《》（）") + _ZH_VOCABULARY.split())


@settings(max_examples=150, deadline=None)
@given(st.lists(_EN_TOKENS, max_size=60))
def test_english_never_invents_words(tokens: list[str]) -> None:
    text = " ".join(tokens)
    for candidate in extractive_headlines(text, language="en"):
        assert _words(candidate.text) <= _words(text), (text, candidate.text)
        assert len(candidate.text.split()) <= 14


@settings(max_examples=150, deadline=None)
@given(st.lists(_ZH_TOKENS, max_size=60))
def test_chinese_never_invents_characters(tokens: list[str]) -> None:
    text = "".join(tokens)
    for candidate in extractive_headlines(text, language="zh"):
        assert all(c in text for c in candidate.text if c not in " ："), (text, candidate.text)
        assert len(candidate.text) <= 28


# --- the shared benchmark data --------------------------------------------------------


def _bench() -> ModuleType:
    path = ROOT / "bench" / "headlines_rouge.py"
    spec = importlib.util.spec_from_file_location("headlines_rouge", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("headlines_rouge", module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not SHARED.exists(), reason=f"{SHARED} absent")
def test_default_beats_the_lead_baseline_on_lcsts_and_ag_news() -> None:
    pytest.importorskip("rouge_score", reason="rouge-score not installed (bench extra)")
    bench = _bench()
    lcsts = bench.load_lcsts()
    assert len(lcsts) == 725
    lead = bench.score(lcsts, lambda t: t[:20], chinese=True)["all"]
    assert lead["rouge1"] == pytest.approx(24.0, abs=0.1)  # the published scale
    ours = bench.score(lcsts, lambda t: default_headline(t, language="zh") or "", chinese=True)
    for metric in bench.METRICS:
        assert ours["all"][metric] > lead[metric] + 1.0, metric

    ag = [pair for pair in bench.load_ag() if not pair.tune]  # the held-out half: faster
    lead = bench.score(ag, lambda t: " ".join(t.split()[:7]), chinese=False)["all"]
    ours = bench.score(ag, lambda t: default_headline(t, language="en") or "", chinese=False)
    for metric in bench.METRICS:
        assert ours["all"][metric] > lead[metric] + 1.0, metric
