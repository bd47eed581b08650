"""trafilatura's metadata searched only where needed, the faster byline search, the
element cap and the language sample: the speed-ups of the extraction step keep its
answers."""

from __future__ import annotations

import json
from types import ModuleType

import lxml.html
import pytest
from trafilatura.metadata import extract_author, extract_meta_json, extract_title
from trafilatura.settings import Document

from tests.extract.conftest import DATA, needs
from tidings.extract import article as article_module
from tidings.extract import decode_html, extract_article
from tidings.extract.article import MAX_ELEMENTS, _may_be_too_large, _parse
from tidings.extract.fields import fallback
from tidings.extract.fields.byline import find_byline
from tidings.records import ExtractedArticle, NotAnArticle

PARAGRAPH = (
    "The harbour authority approved the new ferry timetable on Monday after a long "
    "consultation with residents, commuters and the operators of the island routes. "
)
BYLINE_PAGES = {
    "specific": '<div class="author-name">Jane Doe</div>',
    "rel": '<a rel="author" href="/jane">Jane Doe</a>',
    "generic": '<span class="post-author">By John Roe</span>',
    "any element": '<em class="writer">Ana Lima</em>',
    "inside comments only": '<div id="comments"><span class="author">Troll</span></div>',
    "inside a sidebar": '<aside><div class="sidebar"><p class="author">Ed Side</p></div></aside>'
    '<p class="byline">Mia Main</p>',
    "date inside": '<div class="author">Kim Lee <time>12 May 2024</time></div>',
    "too long": '<div class="author">' + "word " * 40 + "</div>",
    "none": "<p>No byline here.</p>",
}


def _page(body: str, head: str = "") -> str:
    return (
        f"<html><head><title>Ferry timetable</title>{head}</head><body><article>"
        f"<h1>Ferry timetable approved</h1>{body}<p>{PARAGRAPH * 4}</p>"
        f"<p>{PARAGRAPH * 3}</p></article></body></html>"
    )


@pytest.mark.parametrize("name", sorted(BYLINE_PAGES))
def test_byline_search_gives_trafilaturas_answer(name: str) -> None:
    tree = lxml.html.fromstring(_page(BYLINE_PAGES[name]))
    before = lxml.html.tostring(tree)
    assert find_byline(tree) == extract_author(tree)
    assert lxml.html.tostring(tree) == before  # the page is left intact


def test_byline_search_finds_the_name() -> None:
    def byline(name: str) -> str | None:
        return find_byline(lxml.html.fromstring(_page(BYLINE_PAGES[name])))

    assert byline("specific") == "Jane Doe"
    assert byline("generic") == "John Roe"
    assert byline("inside comments only") is None
    assert byline("inside a sidebar") == "Mia Main"
    assert byline("date inside") == "Kim Lee"
    assert byline("too long") is None


@needs(DATA / "scrapinghub" / "ground-truth.json")
@needs(DATA / "fundus-parser" / "pages")
def test_byline_search_agrees_with_trafilatura_on_real_pages(bench: ModuleType) -> None:
    pages = bench.load_scrapinghub(DATA)[::3] + bench.load_fundus(DATA)[::4]
    found = 0
    for page in pages:
        tree = _parse(decode_html(page.html).text)
        assert tree is not None
        expected = extract_author(tree)
        assert find_byline(tree) == expected, page.key
        found += expected is not None
    assert found >= len(pages) // 4  # the comparison is not vacuous


def test_trafilatura_searches_run_only_for_fields_the_page_leaves_empty(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []

    def spy(name: str, real: object) -> object:
        def wrapped(tree: lxml.html.HtmlElement) -> object:
            calls.append(name)
            return real(tree)  # type: ignore[operator]

        return wrapped

    monkeypatch.setattr(fallback, "find_byline", spy("byline", find_byline))
    monkeypatch.setattr(fallback, "extract_title", spy("title", extract_title))

    def json_spy(tree: lxml.html.HtmlElement, metadata: Document) -> Document:
        calls.append("json")
        return extract_meta_json(tree, metadata)

    monkeypatch.setattr(fallback, "extract_meta_json", json_spy)
    jsonld = json.dumps(
        {
            "@type": "NewsArticle",
            "headline": "Ferry timetable approved",
            "author": {"@type": "Person", "name": "Jane Doe"},
            "datePublished": "2024-05-17T09:00:00Z",
            "publisher": {"@type": "NewsMediaOrganization", "name": "Harbour Times"},
        }
    )
    declared = _page(
        '<span class="author">Someone Else</span>',
        f'<script type="application/ld+json">{jsonld}</script>',
    )
    url = "https://news.example.org/ferry"
    result = extract_article(declared.encode(), url=url)
    assert isinstance(result, ExtractedArticle)
    assert result.authors == ("Jane Doe",) and result.title == "Ferry timetable approved"
    assert result.site_name == "Harbour Times"  # the JSON-LD publisher, read by Tidings
    assert calls == []  # no byline, title or trafilatura JSON-LD search

    bare = _page('<span class="author">Someone Else</span>')
    result = extract_article(bare, url=url)
    assert isinstance(result, ExtractedArticle)
    assert result.authors == ("Someone Else",) and result.title == "Ferry timetable approved"
    assert sorted(calls) == ["byline", "json", "title"]


def test_only_long_pages_are_counted_against_the_element_cap() -> None:
    assert not _may_be_too_large("<p>" * (MAX_ELEMENTS // 4))
    assert _may_be_too_large("<p>" * (MAX_ELEMENTS // 2))
    assert _may_be_too_large("<b></b>" * MAX_ELEMENTS)
    huge = "<html><body>" + "<b>x</b>" * (MAX_ELEMENTS + 10) + "</body></html>"
    result = extract_article(huge, url="https://news.example.org/huge")
    assert isinstance(result, NotAnArticle) and result.reason == "too_large"


def test_language_is_read_from_the_start_of_a_long_text() -> None:
    german = (
        "Die Hafenbehörde hat am Montag den neuen Fahrplan für die Fähren beschlossen, "
        "nachdem Anwohner, Pendler und die Betreiber der Inselrouten angehört wurden. "
    )
    page = _page(f"<p>{german * 30}</p>").replace(PARAGRAPH, german)
    assert len(german * 30) > article_module.LANGUAGE_SAMPLE_CHARS
    result = extract_article(page, url="https://news.example.org/faehre")
    assert isinstance(result, ExtractedArticle) and result.language == "de"
