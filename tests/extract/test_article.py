"""extract_article on pages written here, hostile input, and content_hash."""

from __future__ import annotations

import json
import os

import pytest

from tidings.extract import content_hash, extract_article
from tidings.records import ExtractedArticle, NotAnArticle

PARAGRAPHS = [
    "The city council voted on Tuesday evening to approve a new budget that sets aside "
    "money for repairing bridges, extending bus routes and hiring more teachers.",
    "Council members debated the plan for more than four hours before the final vote, "
    "which passed by seven votes to two after a series of amendments were rejected.",
    "The mayor said the budget was the most ambitious in a decade and promised that "
    "residents would see the first road repairs before the end of the summer.",
    "Opponents argued that the spending would require higher property taxes next year "
    "and warned that the transport plan relied on grants that were not yet confirmed.",
]

JSON_LD = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": "Council approves record budget",
    "datePublished": "2024-03-05T18:30:00+01:00",
    "author": [
        {"@type": "Person", "name": "Jane Doe"},
        {"@type": "Person", "name": "John Roe"},
    ],
}


def _page(*, head_extra: str = "", byline: str = "By Jane Doe; Staff; news@example.com") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Council approves record budget | Springfield Gazette</title>
<meta property="og:title" content="Council approves record budget | Springfield Gazette">
<meta property="og:site_name" content="Springfield Gazette">
<meta property="og:image" content="/images/council.jpg">
<meta name="description" content="The council passed the budget by seven votes to two.">
<link rel="canonical" href="/news/2024/council-budget">
<script type="application/ld+json">{json.dumps(JSON_LD)}</script>
{head_extra}
</head>
<body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Council approves record budget</h1>
<p class="byline">{byline}</p>
{body}
</article>
<footer>Copyright 2024 Springfield Gazette. All rights reserved.</footer>
</body>
</html>"""


URL = "https://www.springfield-gazette.example/news/2024/council-budget?utm_source=rss"


def test_extracts_text_and_metadata() -> None:
    result = extract_article(_page().encode("utf-8"), url=URL)
    assert isinstance(result, ExtractedArticle), result
    assert result.url == URL
    assert (
        result.canonical_url == "https://www.springfield-gazette.example/news/2024/council-budget"
    )
    assert result.title == "Council approves record budget"
    for paragraph in PARAGRAPHS:
        assert paragraph in result.text
    assert "All rights reserved" not in result.text
    assert result.date == "2024-03-05"
    assert result.language == "en"
    assert result.image == "https://www.springfield-gazette.example/images/council.jpg"
    assert result.site_name == "Springfield Gazette"
    assert result.description == "The council passed the budget by seven votes to two."
    assert "Jane Doe" in result.authors
    for junk in result.authors:
        assert "@" not in junk
        assert junk.lower() not in ("staff", "by")


def test_author_junk_is_dropped() -> None:
    from tidings.extract.article import clean_authors

    assert clean_authors("By Jane Doe; Staff; news@example.com; John Roe; jane doe") == (
        "Jane Doe",
        "John Roe",
    )
    assert clean_authors("By") == ()
    assert clean_authors(None) == ()


def test_title_suffix_stripping() -> None:
    from tidings.extract.article import strip_site_suffix

    url = "https://www.theguardian.com/world/x"
    assert strip_site_suffix("Storm hits coast | The Guardian", "The Guardian", url) == (
        "Storm hits coast"
    )
    assert strip_site_suffix("Storm hits coast - The Guardian", None, url) == "Storm hits coast"
    assert (
        strip_site_suffix(
            "Post-Vac: what we know – DW – 13.06.2023", "Deutsche Welle", "https://www.dw.com/de/a"
        )
        == "Post-Vac: what we know"
    )
    # a suffix that is not the site name stays
    assert strip_site_suffix("Arsenal - Chelsea", "The Guardian", url) == "Arsenal - Chelsea"


def test_hints_are_fallbacks_only() -> None:
    hints = {"title": "Feed title", "published": "2020-01-01T00:00:00+00:00"}
    result = extract_article(_page(), url=URL, hints=hints)
    assert isinstance(result, ExtractedArticle)
    assert result.title == "Council approves record budget"
    assert result.date == "2024-03-05"

    bare = "<html><body><div>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div></body></html>"
    result = extract_article(bare, url="https://example.org/story", hints=hints)
    assert isinstance(result, ExtractedArticle)
    assert result.title == "Feed title"
    assert result.date == "2020-01-01"


def test_str_input_and_charset_argument() -> None:
    page = _page().replace(
        "Council approves record budget</h1>", "Council approves récord budget</h1>"
    )
    result = extract_article(page.encode("utf-8"), url=URL, charset="iso-8859-1")
    assert isinstance(result, ExtractedArticle)
    assert "Ã" not in result.text


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty"),
        (b"   \n  ", "empty"),
        (b"<html><body><p>Hello world, a short page.</p></body></html>", "too_short"),
    ],
)
def test_not_articles(body: bytes, reason: str) -> None:
    result = extract_article(body, url="https://example.com/x")
    assert isinstance(result, NotAnArticle)
    assert result.reason == reason
    assert result.url == "https://example.com/x"


def test_garbage_bytes() -> None:
    result = extract_article(os.urandom(20_000), url="https://example.com/g")
    assert isinstance(result, NotAnArticle)
    result = extract_article(b"\x00" * 50_000)
    assert isinstance(result, NotAnArticle)


def test_deeply_nested_html_returns() -> None:
    para = "<p>" + " ".join(PARAGRAPHS) + "</p>"
    for tag in ("div", "b", "span"):
        html = "<html><body>" + f"<{tag}>" * 10_000 + para + f"</{tag}>" * 10_000 + "</body></html>"
        result = extract_article(html.encode(), url="https://example.com/deep")
        assert isinstance(result, ExtractedArticle | NotAnArticle)


def test_ten_megabyte_page_returns() -> None:
    filler = "<div class='ad'><span>advert</span></div>" * 200_000  # ~8 MB of markup
    html = _page().replace("<footer>", filler + "<footer>")
    assert len(html) > 8_000_000
    result = extract_article(html.encode(), url=URL)
    assert isinstance(result, ExtractedArticle | NotAnArticle)


def test_chinese_short_threshold() -> None:
    zh = (
        "新华社北京电，国家航天局表示将继续深化国际交流合作，加快航天强国建设，为构建外空领域人类命运共同体作出新的贡献。"
        * 3
    )
    page = (
        "<html lang='zh-CN'><head><title>航天合作</title></head>"
        f"<body><article><p>{zh}</p></article></body></html>"
    )
    result = extract_article(page.encode("utf-8"), url="https://example.cn/a")
    assert isinstance(result, ExtractedArticle), result
    assert result.language == "zh"


def test_content_hash() -> None:
    text = "The Council voted on Tuesday.\n\nIt passed by 7 votes to 2."
    assert content_hash(text) == content_hash(
        "  the council   voted on tuesday. it passed by 7 votes to 2 "
    )
    assert content_hash(text) == content_hash(
        "THE COUNCIL VOTED ON TUESDAY — IT PASSED BY 7 VOTES TO 2!"
    )
    assert content_hash("ｆｕｌｌ ｗｉｄｔｈ") == content_hash("full width")
    assert content_hash(text) != content_hash(
        "The Council voted on Wednesday. It passed by 7 votes to 2."
    )
    assert len(content_hash(text)) == 64


def _listing_page() -> str:
    items = "".join(
        f"<li><h2><a href='/news/{i}'>Council approves plan number {i} for the harbour "
        f"district after a long public consultation</a></h2></li>"
        for i in range(12)
    )
    return (
        "<html><head><title>Latest news</title></head><body><main><h1>Latest news</h1>"
        f"<ul>{items}</ul></main></body></html>"
    )


def test_a_page_of_headline_links_is_a_listing() -> None:
    result = extract_article(_listing_page(), url="https://news.example/section/local")
    assert isinstance(result, NotAnArticle) and result.reason == "listing"


def test_a_site_front_page_is_a_listing() -> None:
    # Even a front page that reads like an article (a lead story in full) lists news.
    assert isinstance(extract_article(_page(), url=URL), ExtractedArticle)
    for url in ("https://news.example/", "https://news.example/index.html"):
        result = extract_article(_page(), url=url)
        assert isinstance(result, NotAnArticle) and result.reason == "listing"
