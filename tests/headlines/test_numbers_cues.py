"""Numbers, negation/hedging cues and name look-ups of the faithfulness gate (no models)."""

from __future__ import annotations

import pytest

from tidings.headlines.cues import find_cues, scope_in
from tidings.headlines.facts import ArticleFacts, normalize_text
from tidings.headlines.numbers import find_numbers, number_supported


def _values(text: str) -> list[float]:
    return [m.value for m in find_numbers(text)]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("Profit rose 3.5% to $3.5bn", [3.5, 3.5e9]),
        ("sales of 3,456,789 units", [3456789.0]),
        ("twenty-five people and a dozen cars", [25.0, 12.0]),
        ("two million people; a $100-million revamp", [2e6, 1e8]),
        ("营收3.5亿元，增长百分之十五", [3.5e8, 15.0]),
        ("三千五百万人，两千辆车，十五天", [3.5e7, 2000.0, 15.0]),
        ("二〇二四年", [2024.0]),
        ("一万二千", [12000.0]),
        ("全角数字１２３和％", [123.0]),
        ("G20 and A380 are codes; COVID-19 has 19", [19.0, 19.0]),
    ],
)
def test_find_numbers(text: str, values: list[float]) -> None:
    assert _values(text) == pytest.approx(values)


def test_ordinary_chinese_words_are_not_numbers() -> None:
    assert _values("一些统一之一") == []


def test_number_supported_by_value_and_by_rounding() -> None:
    article = find_numbers("It sold 3,456,789 copies for 12 dollars; 15 percent of 二十 people.")
    assert number_supported(find_numbers("3.5 million")[0], article)
    assert number_supported(find_numbers("twelve")[0], article)
    assert number_supported(find_numbers("15%")[0], article)
    assert number_supported(find_numbers("20")[0], article)
    assert not number_supported(find_numbers("3.7 million")[0], article)
    assert not number_supported(find_numbers("13")[0], article)


def test_negation_and_hedging_cues() -> None:
    cues = find_cues("He was not found guilty and may appeal in May 2020")
    assert [(c.kind, c.text) for c in cues] == [("negation", "not"), ("hedge", "may")]
    assert cues[0].scope.startswith("found guilty")
    assert scope_in(cues[0], "Man found guilty of fraud")
    assert not scope_in(cues[0], "Man cleared of fraud")
    assert find_cues("No. 1 seed wins") == []
    assert [c.text for c in find_cues("Investors don't care")] == ["n't"]


def test_chinese_cues_skip_ordinary_words() -> None:
    assert find_cues("非常好的未来，无人机不断升级") == []
    kinds = [(c.kind, c.text) for c in find_cues("公司没有裁员，明年或将上市")]
    assert kinds == [("negation", "没有"), ("hedge", "或将")]


def test_normalize_text() -> None:
    assert normalize_text("U.S. Café ＡＢＣ") == "us cafe abc"


def test_names_match_longer_and_shorter_forms() -> None:
    en = ArticleFacts(
        "Barack Obama met officials of the United Nations and Indian leaders in the U.S.",
        "en",
    )
    for name in ("Obama", "Barack Obama", "President Obama", "UN", "India", "US", "America"):
        assert en.has_name(name), name
    assert not en.has_name("Angela Merkel")
    zh = ArticleFacts("北京大学和中国人民银行的专家在上海市开会。", "zh")
    for name in ("北大", "央行", "上海", "中国人民银行"):
        assert zh.has_name(name), name
    assert not zh.has_name("广州")


def test_abbreviations_and_aliases() -> None:
    facts = ArticleFacts(
        "The Oklahoma City Thunder beat Manchester City fans' favourite team. The "
        "Conservative party lost seats.",
        "en",
    )
    assert facts.has_name("OKC")
    assert facts.has_name("Man City")
    assert facts.has_name("Tories")
    assert not facts.has_name("Man United")
    assert not facts.has_name("LAX")


def test_german_nouns_are_not_names() -> None:
    from tidings.headlines.facts import missing_facts, names_in

    headline = "Merkel trifft Macron in Paris: offene Fragen und ein Ende der Krise"
    assert names_in(headline, "de") == ["Macron", "Paris"]
    facts = ArticleFacts("Bundeskanzlerin Merkel traf am Montag Macron in Paris.", "de")
    assert missing_facts(headline, facts) == []
    assert missing_facts("Merkel trifft Macron in Berlin", facts) == [
        "name 'Berlin' not in the article"
    ]
    # A compound's head or first part counts: Geisterschiffe, Schiff.
    assert ArticleFacts("Ein Schiff der Schattenflotte", "de").has_name("Geisterschiff")


def test_german_negation_cues() -> None:
    assert [c.text for c in find_cues("Regierung stoppt Projekt nicht")] == ["nicht"]
    assert find_cues("Nicht nur Autos, sondern auch Busse") == []
    assert [c.text for c in find_cues("Kein Geld für Schulen")] == ["kein"]
