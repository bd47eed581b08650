"""Language identification on short headlines, mixed text and long text."""

from __future__ import annotations

import pytest

from tidings.language import cjk_ratio, detect_language, identify_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Names mislead lingua alone (it says fr, sv, pt); pooled with py3langid: en.
        ("Contador wins 2009 Tour de France; Cavendish wins six stages", "en"),
        ("In the End, Henrik Lundqvist Comes Up a Save Short", "en"),
        ("Sinopec, Chinese Oil Giant, in Bid for Addax, a Rival", "en"),
        ("Big Order Lifts Outlook at Airbus", "en"),
        ("Bundesregierung beschließt neues Heizungsgesetz", "de"),
        ("Le gouvernement annonce une réforme des retraites", "fr"),
        ("El Gobierno aprueba la reforma laboral", "es"),
        ("台湾花莲外海发生7.2级地震", "zh"),
        ("苹果发布iPhone 16e 首次搭载自研C1调制解调器", "zh"),
        ("SpaceX星舰试飞再次失败", "zh"),
        ("東京都は新型コロナの感染者を発表した", "ja"),
        ("서울에서 규모 4.5 지진이 발생했다", "ko"),
        ("Xi Jinping meets Biden in San Francisco (习近平会见拜登)", "en"),
    ],
)
def test_short_and_mixed_headlines(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_long_text_uses_the_fast_classifier() -> None:
    text = (
        "The central bank raised interest rates on Wednesday, citing persistent inflation. "
        "Officials said further increases were possible if prices kept rising. "
    ) * 4
    guess = identify_language(text)
    assert guess.code == "en"
    assert guess.method == "langid"


def test_declared_language_is_the_fallback() -> None:
    assert detect_language("", "zh-CN") == "zh"
    assert detect_language("12:30 — 4,500", "de-DE") == "de"
    assert detect_language("   ") is None
    assert identify_language("", None).method == "none"


def test_cjk_ratio_counts_script_share() -> None:
    assert cjk_ratio("北京 news") == 2 / 6
    assert cjk_ratio("") == 0.0 and cjk_ratio("plain English") == 0.0


def test_without_the_short_text_model_the_declared_language_answers() -> None:
    # py3langid alone is unsure on a few words; the page's own <html lang> decides.
    assert detect_language("Rates", "de-DE", short_text_model=False) == "de"
    assert detect_language("北京今天有雨", None, short_text_model=False) == "zh"
