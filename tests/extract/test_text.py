"""The main-text step: the tree it is given stays intact, and the recall gate."""

from __future__ import annotations

import lxml.html

from tidings.extract.fields.dates import date_params
from tidings.extract.text import extract_text, recall_can_add

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
    result = extract_text(tree, "https://news.example.org/2024/05/tram", date_params(None))
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
