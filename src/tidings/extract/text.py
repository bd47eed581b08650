"""Main text: two trafilatura candidates combined line by line, then boilerplate lines cut.

Candidates (see ``bench/extraction.py`` for how each scores alone):

- *precision*: trafilatura with ``favor_precision`` and its own readability/jusText
  fallbacks; the best single candidate on ScrapingHub, but it drops paragraphs.
- *recall*: trafilatura with ``favor_recall`` in ``fast`` mode (no fallbacks); finds
  the paragraphs the first misses, with more boilerplate.

The recall run costs about a third of the extraction time and changes the text of few
pages, so it runs only when it can add something (``recall_can_add``): when the
precision text is short (an empty or failed run, a stub the page-type rules read), or
when the page holds paragraphs of prose, outside ``<footer>``/``<aside>``/``<nav>``/
``<form>``/``<header>``, that the precision text lacks, and the text is short or they
are a large share of it (thresholds trained). On the training half this skips it on
~three pages in four.

The combination keeps every line of the precision candidate and adds, at its place in
the recall candidate's order, each recall-only line that looks like prose (at least
``min_extra_chars`` long, ending like a sentence) and that the precision text does not
already hold cut at other line breaks (a duplicated paragraph halves a page's
precision). Then lines that are short boilerplate (``Read more: …``, ``Lesen Sie auch``,
``Kategorie:``, ``Inhaltsverzeichnis``, ``Keine Kommentare``…), calls to sign up for a
newsletter, follow an account or install an app, and lines that are whole link texts of
headline length (related articles) are dropped. The parameters come from
``models/text_merge.py``, chosen by ``scripts/train_extraction.py`` on the training
half of the shared gold data.

Then the article's lead (standfirst, teaser, "chapô", ``summary``) is put before the text
when both candidates left it out (``article_lead``): trafilatura prunes elements whose
class reads ``teaser``/``intro``/``summary`` and often the ``<header>`` of an
``<article>``, where leads sit. trafilatura-eval's and fundus' gold keep the lead; on the
training half this adds ~0.009 to trafilatura-eval text F1 and ~0.002 to fundus.

When the merged text is short and covers little of the page (a teaser the body of
which sits in a container both candidates prune), trafilatura's balanced run, which
escalates to recall mode and jusText on such pages, is a third candidate (``_escalate``).

Last, the paragraphs of prose both candidates missed that sit in the same kind of
container as the paragraphs the text holds, after the first of them, are put back in
page order (``fill_gaps``): trafilatura keeps one body container, and an article split
over several sibling containers loses the rest (+0.01 ScrapingHub, +0.003 fundus on the
training half). The page's paragraphs come from the walk the recall gate makes anyway.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import islice
from typing import Any

import trafilatura
from lxml.html import HtmlElement
from trafilatura.baseline import html2txt

from tidings.extract.models import text_merge
from tidings.extract.pagetype import SHORT_TEXT, squash

__all__ = [
    "MergeParams",
    "ProseBlock",
    "TextResult",
    "article_lead",
    "drop_headline_lines",
    "extract_text",
    "fill_gaps",
    "lacks_prose",
    "lead_candidates",
    "merge_candidates",
    "prose_blocks",
    "prose_paragraphs",
    "recall_can_add",
    "recall_gate",
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
    r"|bildquelle|image|release date|posted (?:in|on|by)|veröffentlicht"
    r"|zuletzt aktualisiert|advertisement|anzeige|werbung|follow us|folgen sie uns"
    r"|click here|hier klicken|weiterlesen|zum artikel|previous|next|vorheriger|nächster"
    r"|zurück|back to|auch lesen|zum weiterlesen|top-themen|meistgelesen|most (?:read|popular)"
    r"|more from|(?:das|dieses) thema könnte (?:dich|sie) auch interessieren|inhaltsverzeichnis"
    r"|table of contents|letzte (?:änderung|aktualisierung)|last (?:modified|updated)"
    r"|keine kommentare|no comments|(?:comments?|kommentare|comentarios|commentaires)(?=\W*$)"
    r"|\d+ (?:comments?|kommentare?)|dowiedz się więcej"
    r"|czytaj (?:też|także|więcej|również)|vea también|ver también|lee también"
    r"|fot(?=\.)|bild(?=:))\b",
    re.IGNORECASE,
)


#: Newsletter, follow and sign-up calls (the whole line is the call, up to 250 characters).
CALL_TO_ACTION_LINE = re.compile(
    r"\bnewsletters?\b|\bsign up\b|\bsubscribe\b|\binbox\b|\bfollow us\b"
    r"|\bfollow (?:him|her|them) on\b|@\w+ on twitter|\bapps? for (?:ios|android)\b"
    r"|\b(?:canal de youtube|youtube[- ]kanal|youtube channel)\b"
    r"|\b(?:hazte miembro|become a member|werde mitglied)\b|\bs[ií]guenos\b",
    re.IGNORECASE,
)
MAX_CALL_TO_ACTION_CHARS = 250
#: A line that is only an e-mail address or a URL with a path (an author's contact, a
#: "source" link printed as text): 8 such lines on the training half, none in the gold.
BARE_ADDRESS_LINE = re.compile(
    r"(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)+/\S*"
)
#: A copyright or reprint notice: a line that opens with one (up to 400 characters, the
#: longest ``max_boilerplate_chars`` the training grid tries), or a short line that
#: reserves the rights. 12 such lines on the training half, each
#: outside the gold; mean text F1 +0.0002 to +0.0004 on all three datasets.
COPYRIGHT_OPENING = re.compile(
    r"^\W*(?:©|\(c\)\s|copyright\b|this copy is for your personal)", re.IGNORECASE
)
RIGHTS_RESERVED = re.compile(
    r"\b(?:all rights reserved|alle rechte vorbehalten|tous droits réservés"
    r"|todos los derechos reservados|tutti i diritti riservati)\b",
    re.IGNORECASE,
)
MAX_COPYRIGHT_CHARS = 400
MAX_RIGHTS_RESERVED_CHARS = 120
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


def is_copyright_notice(line: str) -> bool:
    """A copyright, rights-reserved or personal-use notice (never article text)."""
    if len(line) <= MAX_COPYRIGHT_CHARS and COPYRIGHT_OPENING.search(line):
        return True
    return len(line) <= MAX_RIGHTS_RESERVED_CHARS and bool(RIGHTS_RESERVED.search(line))


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
        if BARE_ADDRESS_LINE.fullmatch(line) or is_copyright_notice(line):
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
    """The precision candidate plus the recall candidate's prose lines, in page order.

    A recall-only line whose text the precision candidate already holds, split or
    joined at other line breaks (paragraphs glued by a ``<br>``), is not added again.
    """
    params = params or merge_params()
    base, extra = _lines(precise), _lines(recall)
    if not base:
        return "\n".join(drop_boilerplate(extra, params.max_boilerplate_chars, links))
    in_base, in_extra = set(base), set(extra)
    # a prose line already in the base text, cut into lines elsewhere, is not added twice
    # (the squashed base is built for the first candidate line only: most pages have none)
    squashed_base: str | None = None
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
            if squashed_base is None:
                squashed_base = squash("".join(base))
            if squash(line) not in squashed_base:
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


@dataclass(frozen=True)
class ProseBlock:
    """A paragraph of prose of the page and the container it sits in."""

    text: str
    #: (tag, class) of a ``<p>``'s parent, or of the block itself, and the block's tag:
    #: the paragraphs of one article body share it
    container: tuple[str, str | None, str]


def prose_blocks(tree: HtmlElement, min_chars: int) -> Iterator[ProseBlock]:
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
            holder = element.getparent() if element.tag == "p" else element
            holder = element if holder is None else holder
            yield ProseBlock(text, (str(holder.tag), holder.get("class"), str(element.tag)))


def prose_paragraphs(tree: HtmlElement, min_chars: int) -> Iterator[str]:
    """The texts of ``prose_blocks``."""
    for block in prose_blocks(tree, min_chars):
        yield block.text


def lacks_prose(
    tree: HtmlElement, text: str, min_chars: int, paragraphs: Iterable[str] | None = None
) -> bool:
    """Whether the page holds a paragraph of prose (``prose_paragraphs``) ``text`` lacks.

    ``paragraphs``: the page's ``prose_paragraphs`` when already at hand.
    """
    flat = " ".join(text.split())
    found = prose_paragraphs(tree, min_chars) if paragraphs is None else paragraphs
    return any(paragraph not in flat for paragraph in found)


def recall_gate(
    precise: str, paragraphs: Iterable[str], short_below: int, missing_share: float
) -> bool:
    """Whether the recall candidate runs, given the page's paragraphs of prose.

    Always for a ``precise`` text under ``RECALL_ALWAYS_BELOW`` characters; otherwise
    only when it lacks a paragraph of ``paragraphs`` and is either shorter than
    ``short_below`` or lacks more than ``missing_share`` of its own length in such
    paragraphs. A long text lacking one stray paragraph (a caption-like aside, an
    author note) is the common case where the recall run changes nothing: on the
    training half ~90% of ungated runs left the text as it was.
    """
    if len(precise) < RECALL_ALWAYS_BELOW:
        return True
    flat = " ".join(precise.split())
    missing = sum(len(paragraph) for paragraph in paragraphs if paragraph not in flat)
    if not missing:
        return False
    return len(precise) < short_below or missing > missing_share * len(precise)


def recall_can_add(
    tree: HtmlElement, precise: str, min_chars: int, paragraphs: Iterable[str] | None = None
) -> bool:
    """Whether the recall candidate may change the merged text of this page.

    ``recall_gate`` with the trained thresholds (``models/text_merge.py``) over the
    (unpruned) ``tree``'s paragraphs of prose (``prose_paragraphs``), or ``paragraphs``
    when already at hand.
    """
    found = prose_paragraphs(tree, min_chars) if paragraphs is None else paragraphs
    return recall_gate(
        precise, found, text_merge.RECALL_SHORT_BELOW, text_merge.RECALL_MISSING_SHARE
    )


#: Characters of a paragraph looked for in the text to call it present.
_PRESENT_PREFIX = 80


def fill_gaps(text: str, blocks: Sequence[ProseBlock], min_chars: int) -> str:
    """``text`` with the paragraphs of its own article body that both candidates missed.

    trafilatura keeps one body container; an article split over sibling containers of
    the same kind (Wired's ``body__inner-container``s, a live blog's entries) loses all
    but the first. A paragraph of prose at least ``min_chars`` long (0: none added),
    missing from ``text``, after the first paragraph ``text`` holds and in a container
    (``ProseBlock.container``) of a paragraph ``text`` holds, is put after the line of
    the paragraph before it. Comments, bios and teasers sit in other containers.
    """
    if min_chars <= 0 or not blocks:
        return text
    flat = " ".join(text.split())
    present = [block.text[:_PRESENT_PREFIX] in flat for block in blocks]
    if not any(present):
        return text
    kept = {block.container for block, here in zip(blocks, present, strict=True) if here}
    lines = text.split("\n")
    flat_lines = [" ".join(line.split()) for line in lines]
    after: dict[int, list[str]] = {}
    line = -1  # the line of the last present paragraph found
    seen = False
    for block, here in zip(blocks, present, strict=True):
        if here:
            seen = True
            key = block.text[:_PRESENT_PREFIX]
            line = next((i for i in range(max(line, 0), len(lines)) if key in flat_lines[i]), line)
        elif seen and len(block.text) >= min_chars and block.container in kept:
            after.setdefault(line, []).append(block.text)
    if not after:
        return text
    out: list[str] = []
    for i, current in enumerate(lines):
        out.append(current)
        out.extend(after.get(i, ()))
    out.extend(after.get(-1, ()))
    return "\n".join(out)


def _escalate(
    tree: HtmlElement,
    url: str | None,
    merged: str,
    min_chars: int,
    paragraphs: Iterable[str] | None = None,
) -> str | None:
    """trafilatura's balanced run, when the merged text covers little of a page.

    Both candidates can stop at a teaser when the body sits in a container they prune;
    trafilatura's balanced mode then re-runs in recall mode and with jusText (its own
    "escalation", ~100 ms on such a page). Only for a merged text under
    ``ESCALATE_BELOW_CHARS`` that lacks a paragraph of prose of the page and holds less
    than ``ESCALATE_PAGE_SHARE`` of the page's whole text (trafilatura's ``html2txt``),
    cheapest test first: about one article page in fifty on the shared data.
    """
    if len(merged) >= text_merge.ESCALATE_BELOW_CHARS:
        return None
    if not lacks_prose(tree, merged, min_chars, paragraphs):
        return None
    if len(merged) >= text_merge.ESCALATE_PAGE_SHARE * len(html2txt(tree)):
        return None
    try:
        document = _run(tree, url, with_metadata=False)
    except (RecursionError, ValueError, TypeError, AttributeError, IndexError) as err:
        LOGGER.debug("balanced candidate failed for %s: %r", url, err)
        return None
    return (getattr(document, "text", None) or "") if document is not None else None


#: Class words of a lead paragraph (standfirst, deck, teaser, chapô, …).
_LEAD_CLASS = re.compile(
    r"lead|intro|teaser|summary|deck|subtitle|sub-?headline|standfirst|chapo|excerpt"
    r"|preface|abstract|description|strapline|sapo|bajada|entradilla",
    re.IGNORECASE,
)
#: Leads follow the headline: only this many elements after each of the page's first
#: ``<h1>``s are looked at (a bounded walk instead of a search of the whole tree).
LEAD_WINDOW = 60


def _after(element: HtmlElement, limit: int) -> Iterator[HtmlElement]:
    """The first ``limit`` elements after ``element`` in page order (not its own)."""
    count = 0
    node: HtmlElement | None = element
    while node is not None:
        for sibling in node.itersiblings():
            for following in sibling.iter():
                if not isinstance(following.tag, str):
                    continue
                yield following
                count += 1
                if count >= limit:
                    return
        node = node.getparent()


#: Classes that name something else than a lead although they hold a lead word
#: (``leaderboard`` ads, image captions, author boxes, teaser lists, sign-up forms).
_NOT_LEAD_CLASS = re.compile(
    r"leader|leading|caption|credit|\bads?\b|ad-|advert|login|subscri|newsletter|source"
    r"|media|image|photo|author|byline|meta|related|list|card|item|nav|menu|footer|comment",
    re.IGNORECASE,
)
_LEAD_TAGS = frozenset({"p", "div", "h2", "h3", "h4", "section", "header", "span", "strong"})
#: A lead is not inside these (links, captions, list items, page furniture).
_NOT_LEAD_ANCESTORS = _OUTSIDE_CONTENT - {"header"} | {"a", "figure", "figcaption", "li"}
#: Longest lead (longer "summaries" are whole article bodies or listings).
MAX_LEAD_CHARS = 1500
#: A lead element with more children than this is a container, not a paragraph.
MAX_LEAD_CHILDREN = 12
#: Largest share of a lead's text that may be link text.
MAX_LEAD_LINK_SHARE = 0.3


def lead_candidates(tree: HtmlElement) -> Iterator[str]:
    """Texts of the elements that look like the article's lead, in page order.

    Among the ``LEAD_WINDOW`` elements after each of the first two ``<h1>``: an element
    whose class reads like a lead (``_LEAD_CLASS``, not ``_NOT_LEAD_CLASS``), a
    paragraph-like tag with few children, not inside a link, caption, list item or
    footer/aside/nav/form, without script, ending like a sentence, at most
    ``MAX_LEAD_CHARS`` long and mostly not link text. A search of the whole tree for
    such classes costs ~10 ms on a large page; this walk costs well under one.
    """
    seen: set[HtmlElement] = set()
    for headline in islice(tree.iter("h1"), 2):
        for element in _after(headline, LEAD_WINDOW):
            if element in seen or element.tag not in _LEAD_TAGS:
                continue
            seen.add(element)
            cls = element.get("class")
            if not cls or not _LEAD_CLASS.search(cls) or _NOT_LEAD_CLASS.search(cls):
                continue
            if len(element) > MAX_LEAD_CHILDREN:
                continue
            text = " ".join(element.text_content().split())
            if not text or len(text) > MAX_LEAD_CHARS or text[-1] not in _SENTENCE_END:
                continue
            if element.find(".//script") is not None:
                continue
            if any(parent.tag in _NOT_LEAD_ANCESTORS for parent in element.iterancestors()):
                continue
            links = sum(len(" ".join(a.text_content().split())) for a in element.iter("a"))
            if links > MAX_LEAD_LINK_SHARE * len(text):
                continue
            yield text


def article_lead(leads: Iterable[str], text: str, min_chars: int) -> str | None:
    """The first lead at least ``min_chars`` long, unless ``text`` already holds it.

    ``leads`` come from ``lead_candidates``, lazily: the search stops at the first
    candidate long enough. A lead already in the text (its first 60 characters, spaces
    collapsed) means the candidates kept it: nothing is added.
    """
    if min_chars <= 0:
        return None
    flat = " ".join(text.split())
    for lead in leads:
        if len(lead) < min_chars:
            continue
        return None if lead[:60] in flat else lead
    return None


#: Lines at the top of the text looked at for a repeated headline.
HEADLINE_LINES = 3
#: Similarity (``difflib`` ratio over squashed texts) from which a line is the headline.
HEADLINE_SIMILARITY = 0.8


def _is_headline(line: str, headline: str) -> bool:
    squashed = squash(line)
    if not squashed or len(squashed) > 2 * len(headline):
        return False
    if len(headline) >= 20 and headline in squashed and len(squashed) < 1.3 * len(headline):
        return True  # the headline with a kicker or the site name glued to it
    matcher = SequenceMatcher(None, squashed, headline, autojunk=False)
    return matcher.real_quick_ratio() >= HEADLINE_SIMILARITY and (
        matcher.ratio() >= HEADLINE_SIMILARITY
    )


def drop_headline_lines(text: str, headlines: Iterable[str | None]) -> str:
    """``text`` without the headline repeated in its first lines.

    trafilatura keeps the ``<h1>`` (or a related story's headline) when it sits inside
    the body container; the headline is the article's title field, not its text, and
    no benchmark's gold body holds it. A line among the first ``HEADLINE_LINES`` that is
    one of ``headlines`` (the chosen title, the page's ``<title>`` and ``<h1>``), squashed
    and at least ``HEADLINE_SIMILARITY`` alike, is dropped; the text keeps at least one
    line. On the training half of the three datasets: 107 such lines were not in the
    gold text, 7 were.
    """
    keys = {squash(headline) for headline in headlines if headline}
    keys.discard("")
    if not keys:
        return text
    lines = text.split("\n")
    top = [
        i
        for i, line in enumerate(lines[:HEADLINE_LINES])
        if any(_is_headline(line, key) for key in keys)
    ]
    if not top or len(top) >= len([line for line in lines if line.strip()]):
        return text
    drop = set(top)
    return "\n".join(line for i, line in enumerate(lines) if i not in drop)


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
    # one walk of the page for the recall gate, the escalation and the gap filling
    blocks = list(prose_blocks(tree, params.min_extra_chars))
    paragraphs = [block.text for block in blocks]
    recall = None
    if recall_can_add(tree, precise_text, params.min_extra_chars, paragraphs):
        try:
            recall = _run(tree, url, with_metadata=False, favor_recall=True, fast=True)
        except (RecursionError, ValueError, TypeError, AttributeError, IndexError) as err:
            LOGGER.debug("recall candidate failed for %s: %r", url, err)
    recall_text = (getattr(recall, "text", None) or "") if recall is not None else ""
    if not precise_text and not recall_text:
        return TextResult("")
    merged = merge_candidates(precise_text, recall_text, params, links)
    lead = article_lead(lead_candidates(tree), merged, text_merge.LEAD_MIN_CHARS)
    if lead:
        merged = f"{lead}\n{merged}"
    balanced = _escalate(tree, url, merged, params.min_extra_chars, paragraphs)
    if balanced:
        # its prose lines join the text as the recall candidate's do
        merged = merge_candidates(merged, balanced, params, links)
    merged = fill_gaps(merged, blocks, text_merge.GAP_MIN_CHARS)
    return TextResult(merged, recall_text if len(recall_text) > len(precise_text) else precise_text)
