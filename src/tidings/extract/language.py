"""Language identification: py3langid on the text, ``<html lang>`` as the fallback."""

from __future__ import annotations

import functools
import re
from typing import Any

__all__ = ["cjk_ratio", "detect_language", "normalize_lang_tag"]

#: Characters of text given to the classifier (more adds time, not accuracy).
SAMPLE_CHARS = 3000
#: Below this normalised probability the ``<html lang>`` attribute wins, if present.
MIN_CONFIDENCE = 0.5
#: Texts shorter than this are not classified when ``<html lang>`` is present.
MIN_TEXT_CHARS = 40

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_CJK = re.compile(
    r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]"
)
_SPACE = re.compile(r"\s")
_LETTER = re.compile(r"[^\W\d_]")
_LANG_TAG = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_].*)?$")


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def normalize_lang_tag(tag: str | None) -> str | None:
    """``en-US`` → ``en``, ``zh_Hant`` → ``zh``; None for anything unusable."""
    if not tag:
        return None
    match = _LANG_TAG.match(tag)
    if match is None:
        return None
    code = match.group(1).lower()
    return {"zho": "zh", "chi": "zh", "jpn": "ja", "kor": "ko", "eng": "en"}.get(code, code)


def cjk_ratio(text: str) -> float:
    """Share of non-space characters that are Chinese, Japanese or Korean script."""
    letters = len(text) - len(_SPACE.findall(text))
    if not letters:
        return 0.0
    return len(_CJK.findall(text)) / letters


def _script_language(sample: str) -> str | None:
    """Decide between zh/ja/ko by script where the text is mostly CJK."""
    han = len(_HAN.findall(sample))
    kana = len(_KANA.findall(sample))
    hangul = len(_HANGUL.findall(sample))
    total = han + kana + hangul
    letters = len(_LETTER.findall(sample))
    if not letters or total / letters < 0.5:
        return None
    if hangul > total / 2:
        return "ko"
    if kana > total * 0.05:
        return "ja"
    return "zh"


def detect_language(text: str, html_lang: str | None = None) -> str | None:
    """ISO 639-1 code of ``text``, falling back to the page's declared ``html_lang``."""
    declared = normalize_lang_tag(html_lang)
    sample = " ".join(text[:SAMPLE_CHARS].split())
    if len(sample) < MIN_TEXT_CHARS and declared is not None:
        return declared
    if not sample:
        return declared
    script = _script_language(sample)
    if script is not None:
        return script
    lang, prob = _identifier().classify(sample)
    code = str(lang)
    if len(code) != 2:  # "zxx" (no linguistic content) and the like are not ISO 639-1
        return declared
    if prob < MIN_CONFIDENCE and declared is not None:
        return declared
    return code
