"""The main-text step: the tree it is given stays intact, the recall gate, the escalation."""

from __future__ import annotations

import lxml.html
import pytest

from tidings.extract import text as text_module
from tidings.extract.models import text_merge
from tidings.extract.text import _escalate, extract_text, prose_paragraphs, recall_can_add

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
