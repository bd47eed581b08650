"""The main-text step: the tree it is given stays intact, the recall gate, the escalation."""

from __future__ import annotations

from types import ModuleType

import lxml.html
import pytest

from tests.extract.conftest import DATA, needs
from tidings.extract import decode_html
from tidings.extract import text as text_module
from tidings.extract.article import _parse
from tidings.extract.models import text_merge
from tidings.extract.text import (
    ProseBlock,
    _escalate,
    article_lead,
    extract_text,
    fill_gaps,
    lead_candidates,
    prose_paragraphs,
    recall_can_add,
    recall_gate,
)

SENTENCE = "The council voted on Tuesday to extend the tram line to the northern suburbs. "
BODY = "".join(f"<p>{SENTENCE * 3} Paragraph {i}.</p>" for i in range(8))
FOOTER_PROSE = f"<footer><p>{SENTENCE * 3}</p></footer>"


def _tree(extra: str = "") -> lxml.html.HtmlElement:
    return lxml.html.fromstring(
        f"<html><head><title>Tram line</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Tram line extended</h1>{BODY}{extra}</article>{FOOTER_PROSE}</body></html>"
    )


def test_extract_text_leaves_the_tree_intact() -> None:
    tree = _tree()
    before = lxml.html.tostring(tree)
    result = extract_text(tree, "https://news.example.org/2024/05/tram")
    assert result is not None and "Paragraph 7." in result.text
    assert lxml.html.tostring(tree) == before


def test_recall_runs_only_when_it_can_add_prose() -> None:
    tree = _tree()
    precise = "\n".join(f"{SENTENCE * 3} Paragraph {i}." for i in range(8))
    # every paragraph is there; the footer's prose does not count
    assert not recall_can_add(tree, precise, 150)
    # a paragraph the precision text lacks
    missing = (
        "<div><p>" + "A witness described the scene at length, in many words. " * 4 + "</p></div>"
    )
    assert recall_can_add(_tree(missing), precise, 150)
    # a short precision text always gets the recall candidate
    assert recall_can_add(tree, "Paragraph 1.", 150)


def test_recall_gate_skips_a_long_text_missing_little() -> None:
    witness = "A witness described the scene at length, in many words. " * 4
    long_text = "\n".join(f"{SENTENCE * 3} Paragraph {i}." for i in range(40))
    assert len(long_text) > 2 * text_merge.RECALL_SHORT_BELOW
    # one stray paragraph missing from a long text: the recall run would change nothing
    assert not recall_gate(long_text, [witness], 2200, 0.2)
    # many missing paragraphs: a large share of the text
    assert recall_gate(long_text, [f"{witness} {i}." for i in range(12)], 2200, 0.2)
    # a text under the short threshold missing one paragraph
    assert recall_gate(long_text[:2000], [witness], 2200, 0.2)
    # nothing missing: never, however short the threshold would allow
    assert not recall_gate(long_text, [" ".join(long_text.split())[:300]], 10**9, 0.0)
    # (0, 0.0): whenever any paragraph is missing
    assert recall_gate(long_text, [witness], 0, 0.0)


def test_escalation_runs_only_for_a_short_text_lacking_the_pages_prose(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tree = _tree()
    url = "https://news.example.org/2024/05/tram"
    paragraphs = list(prose_paragraphs(tree, 150))
    assert len(paragraphs) == 8  # the footer's prose is not the page's

    def no_page_text(_tree: object) -> str:
        raise AssertionError("the page's text is measured only when it can matter")

    with monkeypatch.context() as patch:
        patch.setattr(text_module, "html2txt", no_page_text)
        # long enough: no escalation, nothing measured
        assert _escalate(tree, url, "x" * text_merge.ESCALATE_BELOW_CHARS, 150) is None
        # short, but every paragraph of prose is in it (a short article)
        short_page = _tree().xpath("//article")[0]
        for extra in short_page.xpath("p")[2:]:
            short_page.remove(extra)
        short_text = "\n".join(prose_paragraphs(short_page, 150))
        assert len(short_text) < text_merge.ESCALATE_BELOW_CHARS
        assert _escalate(short_page, url, short_text, 150) is None
    # a teaser on a long page: trafilatura's balanced run is the third candidate
    balanced = _escalate(tree, url, "Tram line extended.", 150)
    assert balanced is not None and "Paragraph 7." in balanced


LEAD = (
    "The city will spend two hundred million on the northern tram extension, the council "
    "decided after a long debate."
)


def _lead_tree(lead_html: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(
        f"<html><body><nav><div class='teaser'><a href='/x'>{SENTENCE}</a></div></nav>"
        f"<article><header><h1>Tram line extended</h1>{lead_html}</header>{BODY}</article>"
        f"{FOOTER_PROSE}</body></html>"
    )


def test_lead_candidates_find_the_standfirst_not_page_furniture() -> None:
    tree = _lead_tree(f"<p class='article-lead'>{LEAD}</p>")
    # the linked teaser in the navigation is not a lead; the header's standfirst is
    assert list(lead_candidates(tree)) == [LEAD]
    # image captions and ad slots whose class holds a lead word are not leads
    for cls in ("lead-image__caption", "ad-leaderboard", "teaser-list"):
        assert not list(lead_candidates(_lead_tree(f"<p class='{cls}'>{LEAD}</p>")))


def test_article_lead_is_added_once_and_only_when_long_enough() -> None:
    body = "\n".join(f"{SENTENCE * 3} Paragraph {i}." for i in range(8))
    assert article_lead([LEAD], body, 40) == LEAD
    # already in the text (kept by a candidate): nothing to add
    assert article_lead([LEAD], f"{LEAD}\n{body}", 40) is None
    # shorter than the trained minimum, or the lead step switched off
    assert article_lead([LEAD], body, len(LEAD) + 1) is None
    assert article_lead([LEAD], body, 0) is None


def test_extract_text_puts_the_lead_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_merge, "LEAD_MIN_CHARS", 40)
    tree = _lead_tree(f"<div class='teaser-text'><p>{LEAD}</p></div>")
    text = extract_text(tree, "https://news.example.org/2024/05/tram").text
    assert text.startswith(LEAD) and text.count(LEAD) == 1
    assert "Paragraph 7." in text


@needs(DATA / "scrapinghub" / "ground-truth.json")
def test_a_paragraph_split_differently_by_the_candidates_is_kept_once(bench: ModuleType) -> None:
    """jpost.com: the precision run breaks a ``<br>`` the recall run glues; one copy only."""
    url = "Son-of-former-German-president-stabbed-to-death-in-Berlin-608399"
    (page,) = [p for p in bench.load_scrapinghub(DATA) if p.url.endswith(url)]
    tree = _parse(decode_html(page.html).text)
    text = extract_text(tree, page.url).text
    assert text.count("stabbed to death") == 1
    assert bench.shingle_f1(page.gold["body"], text) > 0.95


@needs(DATA / "trafilatura-eval" / "pages.tar.gz")
def test_the_lead_both_candidates_prune_is_put_first(bench: ModuleType) -> None:
    """zeit.de: the summary sits in the article's ``<header>``, which trafilatura prunes."""
    (page,) = [
        p for p in bench.load_trafilatura_eval(DATA) if "klimaschutz-banken-unternehmen" in p.url
    ]
    tree = _parse(decode_html(page.html).text)
    text = extract_text(tree, page.url).text
    assert text.startswith("Weltweit finanzieren Banken und Investoren Unternehmungen")
    assert bench.segment_counts(page.gold, text)[2] == 0  # every "with" segment is there


def test_fill_gaps_puts_back_the_body_containers_missed_paragraphs_in_page_order() -> None:
    body, comments = ("div", "body-part", "p"), ("div", "comment-text", "p")
    kicker, first, second, third = (f"Part {i}. {SENTENCE * 3}".strip() for i in range(4))
    reply = f"A reader replies. {SENTENCE * 3}".strip()
    blocks = [
        ProseBlock(kicker, body),  # before the first paragraph the text holds
        ProseBlock(first, body),
        ProseBlock(second, body),
        ProseBlock(reply, comments),  # another kind of container
        ProseBlock(third, body),
    ]
    text = f"Tram line extended\n{first}\nThe council's statement."
    assert fill_gaps(text, blocks, 150) == (
        f"Tram line extended\n{first}\n{second}\n{third}\nThe council's statement."
    )
    # shorter than the trained minimum, switched off, or nothing of the body in the text
    assert fill_gaps(text, blocks, len(second) + 1) == text
    assert fill_gaps(text, blocks, 0) == text
    assert fill_gaps("Tram line extended", blocks, 150) == "Tram line extended"


@needs(DATA / "scrapinghub" / "ground-truth.json")
def test_an_article_split_over_sibling_containers_is_whole(bench: ModuleType) -> None:
    """wired.com: the story sits in several ``body__inner-container``s; trafilatura keeps one."""
    url = "wired.com/story/the-future-of-banking-is-youre-broke/"
    (page,) = [p for p in bench.load_scrapinghub(DATA) if p.url.endswith(url)]
    tree = _parse(decode_html(page.html).text)
    text = extract_text(tree, page.url).text
    precision, recall, _ = bench.shingle_scores(page.gold["body"], text)
    assert recall > 0.9 and precision > 0.9
