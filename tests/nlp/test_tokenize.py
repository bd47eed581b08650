"""Tokens per language: jieba for Chinese, word rules for the rest."""

from __future__ import annotations

from tidings.nlp.tokenize import is_cjk_language, tokenize


def test_chinese_goes_through_jieba_and_keeps_latin_words_whole() -> None:
    tokens = tokenize("苹果公司周二发布了iPhone 16 Pro，售价999美元。", "zh")
    assert tokens == [
        "苹果公司", "周二", "发布", "了", "iphone", "16", "pro", "售价", "999", "美元",
    ]  # fmt: skip


def test_english_words_numbers_and_inner_punctuation() -> None:
    tokens = tokenize("The Fed's rate rose 0.25% to 5,250 — a state-of-the-art move.", "en")
    assert tokens == [
        "the", "fed's", "rate", "rose", "0.25", "to", "5,250", "a", "state-of-the-art", "move",
    ]  # fmt: skip


def test_han_quoted_in_other_text_leaves_the_words_whole() -> None:
    assert tokenize("Für Zürich: 北京 trifft", "de") == ["für", "zürich", "北京", "trifft"]


def test_japanese_and_korean_fall_back_to_bigrams() -> None:
    assert tokenize("東京都は", "ja") == ["東京", "京都", "都は"]
    assert tokenize("서울에서", "ko") == ["서울", "울에", "에서"]
    assert is_cjk_language("zh") and not is_cjk_language("en")
