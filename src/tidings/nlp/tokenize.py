"""Word tokens per language: jieba for Chinese, Unicode word rules for the rest.

Tokens are NFKC-normalised and case-folded, punctuation is dropped and numbers are
kept whole (``3.5``, ``2,000``). Chinese goes through jieba's dictionary + HMM
segmenter (accurate mode); Japanese and Korean, which jieba does not know, fall back
to overlapping character bigrams inside CJK runs, the usual recall-safe choice for
search and near-duplicate shingles. Only CJK runs go to jieba or bigrams: Latin words
inside Chinese text (``iPhone``, ``G20``) and a Chinese name quoted in German text
leave the surrounding words whole.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from typing import Any

__all__ = ["is_cjk_language", "tokenize"]

log = logging.getLogger(__name__)

_CJK_RUN = re.compile(
    r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+"
)
#: A number (with inner separators), or a run of letters/digits/marks with inner ' or -.
_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W_](?:[^\W_]|['’\-](?=[^\W_]))*")
_CJK_LANGS = frozenset({"zh", "ja", "ko"})
_lock = threading.Lock()


def is_cjk_language(language: str | None) -> bool:
    return language in _CJK_LANGS


@functools.cache
def _jieba() -> Any:
    with _lock:
        import jieba

        logging.getLogger("jieba").setLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        log.info("loaded jieba dictionary")
        return tokenizer


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def tokenize(text: str, language: str | None) -> list[str]:
    """Word tokens of ``text`` in ``language`` (ISO 639-1; None: guess by script)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if not _CJK_RUN.search(text):
        return _words(text)
    # Text between CJK runs goes through the word rules; each run through jieba
    # (Chinese, or Han quoted in another language) or character bigrams (ja, ko).
    bigrams = language in {"ja", "ko"}
    tokens: list[str] = []
    pos = 0
    for match in _CJK_RUN.finditer(text):
        tokens.extend(_words(text[pos : match.start()]))
        run = match.group()
        if bigrams:
            tokens.extend(_bigrams(run))
        else:
            tokens.extend(t for t in _jieba().cut(run, HMM=True) if t.strip())
        pos = match.end()
    tokens.extend(_words(text[pos:]))
    return tokens
