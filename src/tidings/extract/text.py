"""Main text: two trafilatura candidates combined line by line, then boilerplate lines cut.

Candidates (see ``bench/extraction.py`` for how each scores alone):

- *precision*: trafilatura with ``favor_precision`` and its own readability/jusText
  fallbacks; the best single candidate on ScrapingHub, but it drops paragraphs.
- *recall*: trafilatura with ``favor_recall`` in ``fast`` mode (no fallbacks); finds
  the paragraphs the first misses, with more boilerplate.

The recall run costs about a third of the extraction time and changes the text of few
pages, so it runs only when it can add something (``recall_can_add``): when the
precision text is short (an empty or failed run, a stub the page-type rules read), or
when the page holds a paragraph of prose, outside ``<footer>``/``<aside>``/``<nav>``/
``<form>``/``<header>``, that the precision text lacks. On the training half this skips
it on ~half the pages (ScrapingHub text F1 unchanged, trafilatura-eval -0.002).

The combination keeps every line of the precision candidate and adds, at its place in
the recall candidate's order, each recall-only line that looks like prose (at least
``min_extra_chars`` long, ending like a sentence). Then lines that are short
boilerplate (``Read more: …``, ``Lesen Sie auch``, ``Kategorie:``…), calls to sign up
for a newsletter or follow an account, and lines that are whole link texts of headline
length (related articles) are dropped. The parameters come from ``models/text_merge.py``,
chosen by ``scripts/train_extraction.py`` on the training half of the shared gold data.

When the merged text is short and covers little of the page (a teaser the body of
which sits in a container both candidates prune), trafilatura's balanced run, which
escalates to recall mode and jusText on such pages, is a third candidate (``_escalate``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import trafilatura
from lxml.html import HtmlElement
from trafilatura.baseline import html2txt

from tidings.extract.models import text_merge
from tidings.extract.pagetype import SHORT_TEXT, squash

__all__ = [
    "MergeParams",
    "TextResult",
    "extract_text",
    "lacks_prose",
    "merge_candidates",
    "prose_paragraphs",
    "recall_can_add",
]

LOGGER = logging.getLogger(__name__)

#: trafilatura settings shared by both candidates.
COMMON_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "include_formatting": False,
    "deduplicate": False,
}

_SENTENCE_END = frozenset('.!?"“”»«)…:;。！？」』）')

BOILERPLATE_LINE = re.compile(
    r"^\W*(?:read more|read also|also read|more on this|lesen sie (?:auch|mehr)"
    r"|auch interessant|das könnte sie auch interessieren|lea (?:más|también)"
    r"|le puede interesar|te puede interesar|lire aussi|à lire aussi|leggi anche"
    r"|weitere (?:informationen|infos|themen|artikel|beiträge|news)"
    r"|mehr (?:zum thema|dazu|infos)|related(?: articles| stories| posts)?|see also"
    r"|you may also like|recommended|sign up for|subscribe to our|newsletter"
    r"|kategorie|kategorien|category|categories|filed under|tags?|schlagw(?:orte|örter)"
    r"|stichw(?:orte|örter)|bewerten|teilen|share (?:this|on)|quelle|source|fotos?|photos?"
    r"|bildquelle|image|copyright|©|release date|posted (?:in|on|by)|veröffentlicht"
    r"|zuletzt aktualisiert|advertisement|anzeige|werbung|follow us|folgen sie uns"
    r"|click here|hier klicken|weiterlesen|zum artikel|previous|next|vorheriger|nächster"
    r"|zurück|back to)\b",
    re.IGNORECASE,
)


#: Newsletter, follow and sign-up calls (the whole line is the call, up to 250 characters).
CALL_TO_ACTION_LINE = re.compile(
    r"\bnewsletters?\b|\bsign up\b|\bsubscribe\b|\binbox\b|\bfollow us\b"
    r"|\bfollow (?:him|her|them) on\b|@\w+ on twitter",
    re.IGNORECASE,
)
MAX_CALL_TO_ACTION_CHARS = 250
#: A line that is, whole, the text of a link this long (squashed) is a related link.
MIN_LINK_LINE_CHARS = 30


@dataclass(frozen=True)
class MergeParams:
    #: shortest recall-only line added to the precision candidate
    min_extra_chars: int = 100
    #: longest line that may be dropped as boilerplate (0: no filter)
    max_boilerplate_chars: int = 150


def merge_params() -> MergeParams:
    return MergeParams(text_merge.MIN_EXTRA_CHARS, text_merge.MAX_BOILERPLATE_CHARS)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def drop_boilerplate(
    lines: list[str], max_chars: int, links: frozenset[str] = frozenset()
) -> list[str]:
    """Lines without short boilerplate, calls to action and related-article links.

    ``links`` are the page's link texts, squashed (``pagetype.anchor_texts``).
    """
    kept = []
    for line in lines:
        if len(line) <= max_chars and BOILERPLATE_LINE.search(line):
            continue
        if len(line) <= MAX_CALL_TO_ACTION_CHARS and CALL_TO_ACTION_LINE.search(line):
            continue
        if links:
            key = squash(line)
            if len(key) >= MIN_LINK_LINE_CHARS and key in links:
                continue
        kept.append(line)
    return kept


def merge_candidates(
    precise: str,
    recall: str,
    params: MergeParams | None = None,
    links: frozenset[str] = frozenset(),
) -> str:
    """The precision candidate plus the recall candidate's prose lines, in page order."""
    params = params or merge_params()
    base, extra = _lines(precise), _lines(recall)
    if not base:
        return "\n".join(drop_boilerplate(extra, params.max_boilerplate_chars, links))
    in_base, in_extra = set(base), set(extra)
    merged: list[str] = []
    position = 0  # next line of ``base`` not yet placed
    for line in extra:
        if line in in_base:
            # place the base lines that precede this one (those the recall run lacks)
            while position < len(base) and base[position] != line:
                if base[position] not in in_extra:
                    merged.append(base[position])
                position += 1
            merged.append(line)
            position = min(position + 1, len(base))
        elif len(line) >= params.min_extra_chars and line[-1] in _SENTENCE_END:
            merged.append(line)
    merged.extend(line for line in base[position:] if line not in in_extra)
    return "\n".join(drop_boilerplate(merged, params.max_boilerplate_chars, links))


@dataclass(frozen=True)
class TextResult:
    text: str
    #: the longer candidate before merging and filtering (for the page-type phrases)
    raw: str = ""


def _run(tree: HtmlElement, url: str | None, **options: Any) -> Any:
    # trafilatura works on its own copy of a tree it is given: ``tree`` stays intact
    return trafilatura.bare_extraction(tree, url=url, **COMMON_OPTIONS, **options)


#: Below this many characters of precision text the recall candidate always runs (its
#: text is what the page-type rules search on short pages).
RECALL_ALWAYS_BELOW = SHORT_TEXT
#: Elements whose text may be a paragraph the recall candidate adds.
_PROSE_TAGS = ("p", "div", "li", "td", "blockquote", "section")
#: Paragraphs inside these are left out by the recall run as well.
_OUTSIDE_CONTENT = frozenset({"footer", "aside", "nav", "form", "header"})


def prose_paragraphs(tree: HtmlElement, min_chars: int) -> Iterator[str]:
    """The page's paragraphs of prose, whitespace-collapsed, in page order.

    A ``<p>``'s whole text or another block's own text, ``min_chars`` long, ending like
    a sentence, outside footer/aside/nav/form/header (the tree is not pruned).
    """
    for element in tree.iter(*_PROSE_TAGS):
        raw = element.text_content() if element.tag == "p" else element.text
        if not raw or len(raw) < min_chars:
            continue
        text = " ".join(raw.split())
        if len(text) < min_chars or text[-1] not in _SENTENCE_END:
            continue
        if not any(parent.tag in _OUTSIDE_CONTENT for parent in element.iterancestors()):
            yield text


def lacks_prose(tree: HtmlElement, text: str, min_chars: int) -> bool:
    """Whether the page holds a paragraph of prose (``prose_paragraphs``) ``text`` lacks."""
    flat = " ".join(text.split())
    return any(paragraph not in flat for paragraph in prose_paragraphs(tree, min_chars))


def recall_can_add(tree: HtmlElement, precise: str, min_chars: int) -> bool:
    """Whether the recall candidate may change the merged text of this page.

    True when ``precise`` is short, or when the (unpruned) ``tree`` holds a paragraph of
    prose that ``precise`` lacks (``lacks_prose``).
    """
    return len(precise) < RECALL_ALWAYS_BELOW or lacks_prose(tree, precise, min_chars)


def _escalate(tree: HtmlElement, url: str | None, merged: str, min_chars: int) -> str | None:
    """trafilatura's balanced run, when the merged text covers little of a page.

    Both candidates can stop at a teaser when the body sits in a container they prune;
    trafilatura's balanced mode then re-runs in recall mode and with jusText (its own
    "escalation", ~100 ms on such a page). Only for a merged text under
    ``ESCALATE_BELOW_CHARS`` that lacks a paragraph of prose of the page and holds less
    than ``ESCALATE_PAGE_SHARE`` of the page's whole text (trafilatura's ``html2txt``),
    cheapest test first: about one article page in fifty on the shared data.
    """
    if len(merged) >= text_merge.ESCALATE_BELOW_CHARS or not lacks_prose(tree, merged, min_chars):
        return None
    if len(merged) >= text_merge.ESCALATE_PAGE_SHARE * len(html2txt(tree)):
        return None
    try:
        document = _run(tree, url, with_metadata=False)
    except (RecursionError, ValueError, TypeError, AttributeError, IndexError) as err:
        LOGGER.debug("balanced candidate failed for %s: %r", url, err)
        return None
    return (getattr(document, "text", None) or "") if document is not None else None


def extract_text(
    tree: HtmlElement, url: str | None, links: frozenset[str] = frozenset()
) -> TextResult:
    """The precision candidate, and the recall one where it can add text; merged.

    No metadata is asked of trafilatura here: the fields come from ``fields``, which
    call its metadata searches only where the page's declarations leave a gap.
    """
    params = merge_params()
    document = _run(tree, url, with_metadata=False, favor_precision=True)
    precise_text = (getattr(document, "text", None) or "") if document is not None else ""
    recall = None
    if recall_can_add(tree, precise_text, params.min_extra_chars):
        try:
            recall = _run(tree, url, with_metadata=False, favor_recall=True, fast=True)
        except (RecursionError, ValueError, TypeError, AttributeError, IndexError) as err:
            LOGGER.debug("recall candidate failed for %s: %r", url, err)
    recall_text = (getattr(recall, "text", None) or "") if recall is not None else ""
    if not precise_text and not recall_text:
        return TextResult("")
    merged = merge_candidates(precise_text, recall_text, params, links)
    balanced = _escalate(tree, url, merged, params.min_extra_chars)
    if balanced:
        # its prose lines join the text as the recall candidate's do
        merged = merge_candidates(merged, balanced, params, links)
    return TextResult(merged, recall_text if len(recall_text) > len(precise_text) else precise_text)
