"""Language identification that holds up on short headlines and mixed text.

Shared by the extract stage (the article record's ``language``) and the nlp stage
(which re-checks title + text), so both answer the same way.

Three steps, cheapest first:

1. **Script.** Han, kana and hangul decide Chinese, Japanese and Korean outright,
   counted per character against *Latin words* (one Han character carries about
   as much as one English word), so ``苹果发布 iPhone 16 Pro`` is Chinese and an
   English paragraph quoting ``北京`` is English.
2. **Short text** (below :data:`SHORT_TEXT_CHARS`): lingua, restricted to the
   languages of :data:`NEWS_LANGUAGES`, whose n-gram models are built for one-line
   inputs (py3langid's are not: it calls many English headlines Latin or Danish).
   Where lingua is unsure (names mislead it: "Fernando Alonso wins 2008 Japanese
   Grand Prix" → Portuguese) its scores are pooled with py3langid's.
3. **Long text:** py3langid, which is ten times faster and as accurate once there are
   a few sentences.

Both models ship inside their wheels; nothing is downloaded. When lingua is not
installed, py3langid answers the short texts too.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from dataclasses import dataclass
from itertools import islice
from typing import Any

__all__ = [
    "NEWS_LANGUAGES",
    "LanguageGuess",
    "cjk_ratio",
    "detect_language",
    "identify_language",
]

log = logging.getLogger(__name__)

#: Texts shorter than this (after whitespace is collapsed) go to lingua.
SHORT_TEXT_CHARS = 200
#: Characters of a long text given to py3langid (more adds time, not accuracy).
SAMPLE_CHARS = 2000
#: Below this confidence the caller's declared language (``<html lang>``) wins.
MIN_CONFIDENCE = 0.5

#: ISO 639-1 codes lingua chooses among: the languages of the world's larger news
#: markets. Fewer candidates make short texts more accurate and the model smaller.
NEWS_LANGUAGES: tuple[str, ...] = (
    "af", "ar", "bg", "bn", "ca", "cs", "da", "de", "el", "en", "es", "et", "fa", "fi",
    "fr", "he", "hi", "hr", "hu", "id", "is", "it", "ja", "ko", "lt", "lv", "ms", "nb",
    "nl", "pl", "pt", "ro", "ru", "sk", "sl", "sr", "sv", "sw", "th", "tl", "tr", "uk",
    "ur", "vi", "zh",
)  # fmt: skip

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_CJK_ANY = re.compile(
    r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]"
)
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]{2,}")
_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[#@]\w+|\d+(?:[.,:]\d+)*")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class LanguageGuess:
    """An ISO 639-1 code (None: undecidable), its confidence 0–1, and what decided it."""

    code: str | None
    confidence: float
    method: str  # "script", "lingua", "lingua+langid", "langid", "declared" or "none"


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _NOISE.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def _script(sample: str) -> LanguageGuess | None:
    """Chinese/Japanese/Korean when their characters outweigh the Latin words."""
    han = len(_HAN.findall(sample))
    kana = len(_KANA.findall(sample))
    hangul = len(_HANGUL.findall(sample))
    cjk = han + kana + hangul
    if cjk == 0:
        return None
    latin_words = len(_LATIN_WORD.findall(sample))
    if cjk < 2 * latin_words:
        return None
    share = cjk / (cjk + latin_words)
    if hangul > cjk / 3:
        return LanguageGuess("ko", share, "script")
    if kana > cjk * 0.05 or (kana >= 2 and kana > cjk * 0.02):
        return LanguageGuess("ja", share, "script")
    return LanguageGuess("zh", share, "script")


@functools.cache
def _lingua() -> Any | None:
    try:
        from lingua import IsoCode639_1, LanguageDetectorBuilder
    except ImportError:  # optional: py3langid answers short texts too
        log.info("lingua is not installed; short texts go to py3langid")
        return None
    codes = [getattr(IsoCode639_1, c.upper()) for c in NEWS_LANGUAGES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


@functools.cache
def _langid() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@functools.cache
def _langid_news() -> Any:
    """py3langid restricted to :data:`NEWS_LANGUAGES`, for pooling with lingua."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages([c for c in NEWS_LANGUAGES if c in identifier.nb_classes])
    return identifier


#: Below this lingua confidence, lingua's and py3langid's scores are pooled.
POOL_BELOW = 0.5
#: Weight of py3langid's probabilities in the pool (measured: 0.5 beats 1 and 2).
POOL_WEIGHT = 0.5


def _by_lingua(detector: Any, sample: str) -> LanguageGuess:
    values = detector.compute_language_confidence_values(sample)
    if not values:
        return LanguageGuess(None, 0.0, "lingua")
    best = values[0]
    if best.value >= POOL_BELOW:
        code = best.language.iso_code_639_1.name.lower()
        return LanguageGuess(_alias(code), float(best.value), "lingua")
    scores = {_alias(v.language.iso_code_639_1.name.lower()): float(v.value) for v in values}
    for code, prob in _langid_news().rank(sample):
        key = _alias(str(code))
        scores[key] = scores.get(key, 0.0) + POOL_WEIGHT * float(prob)
    code = min(scores, key=lambda k: (-scores[k], k))
    return LanguageGuess(code, scores[code] / (1.0 + POOL_WEIGHT), "lingua+langid")


def _by_langid(sample: str) -> LanguageGuess:
    lang, prob = _langid().classify(sample[:SAMPLE_CHARS])
    code = str(lang)
    if len(code) != 2:
        return LanguageGuess(None, 0.0, "langid")
    return LanguageGuess(_alias(code), float(prob), "langid")


def _alias(code: str) -> str:
    # Norwegian Bokmål is reported as "nb" by lingua and "no"/"nb"/"nn" by langid.
    return {"no": "nb", "nn": "nb"}.get(code, code)


def identify_language(
    text: str, declared: str | None = None, *, short_text_model: bool = True
) -> LanguageGuess:
    """Identify the language of ``text`` (a headline, a lead, a whole article).

    ``declared`` (e.g. ``<html lang>`` or a feed's language, any BCP 47 tag) is used
    when the text is empty or the models are unsure. ``short_text_model=False`` skips
    lingua (whose models take seconds to load) and lets py3langid and ``declared``
    answer short texts too: the extract stage's choice, where a page's own
    ``<html lang>`` is at hand and a one-off ``tidings extract`` must start fast.
    """
    fallback = _declared(declared)
    sample = _clean(text)
    if not sample:
        return fallback
    guess = _script(sample)
    if guess is None:
        # A few CJK characters quoted in other text would sway the n-gram models.
        sample = _SPACE.sub(" ", _CJK_ANY.sub(" ", sample)).strip()
        # three letters at least (counting stops at the third: a page's text is long)
        if sum(1 for _ in islice(filter(str.isalpha, sample), 3)) < 3:
            return fallback
        short = len(sample) < SHORT_TEXT_CHARS
        detector = _lingua() if short and short_text_model else None
        guess = _by_lingua(detector, sample) if detector is not None else _by_langid(sample)
    if guess.code is None or (guess.confidence < MIN_CONFIDENCE and fallback.code is not None):
        return fallback if fallback.code is not None else guess
    return guess


def cjk_ratio(text: str) -> float:
    """Share of non-space characters that are Chinese, Japanese or Korean script."""
    letters = len("".join(text.split()))
    if not letters:
        return 0.0
    return len(_CJK_ANY.findall(text)) / letters


def detect_language(
    text: str, declared: str | None = None, *, short_text_model: bool = True
) -> str | None:
    """ISO 639-1 code of ``text``, or ``declared`` where the text cannot tell."""
    return identify_language(text, declared, short_text_model=short_text_model).code


def _declared(tag: str | None) -> LanguageGuess:
    if not tag:
        return LanguageGuess(None, 0.0, "none")
    match = re.match(r"^\s*([A-Za-z]{2,3})(?:[-_].*)?$", tag)
    if match is None:
        return LanguageGuess(None, 0.0, "none")
    code = match.group(1).lower()
    code = {"zho": "zh", "chi": "zh", "jpn": "ja", "kor": "ko", "eng": "en"}.get(code, code)
    return LanguageGuess(_alias(code), 1.0, "declared")
