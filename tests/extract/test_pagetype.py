"""Page types: articles vs listings, error pages, bot challenges, cookie walls, paywalls."""

from __future__ import annotations

import gzip
from types import ModuleType

import pytest

from tests.extract.conftest import DATA, needs
from tidings.extract import extract_article
from tidings.records import ExtractedArticle, NotAnArticle

EXPECTED_REASON = {
    "error": "error_page",
    "challenge": "bot_challenge",
    "cookie_wall": "cookie_wall",
    "paywall": "paywall",
}


def test_hand_written_non_articles_are_rejected_with_their_reason(bench: ModuleType) -> None:
    for kind, url, html in bench.synthetic_non_articles():
        result = extract_article(html, url=url)
        assert isinstance(result, NotAnArticle), (kind, url)
        assert result.reason == EXPECTED_REASON[kind], (kind, url, result.reason)


def test_demo_front_about_and_404_pages_are_not_articles(bench: ModuleType) -> None:
    pages = bench.demo_listing_pages()
    assert len(pages) >= 10
    for kind, url, html in pages:
        result = extract_article(html, url=url)
        assert isinstance(result, NotAnArticle), (kind, url)
        if kind == "listing":
            assert result.reason == "listing", (url, result.reason)


def test_an_article_that_mentions_cookies_and_subscriptions_stays_an_article() -> None:
    paragraphs = "".join(
        f"<p>Paragraph {i}: the regulator said on Monday that websites must let readers "
        "reject cookies as easily as they accept them, and that subscription offers may "
        "not hide the price. Already a subscriber? The rule applies to everyone.</p>"
        for i in range(8)
    )
    html = (
        "<html><head><title>Regulator tightens cookie rules | The Daily Example</title>"
        '<meta property="og:type" content="article"></head><body><article>'
        f"<h1>Regulator tightens cookie rules</h1>{paragraphs}</article></body></html>"
    )
    result = extract_article(html, url="https://news.example.org/2025/01/cookie-rules")
    assert isinstance(result, ExtractedArticle), result


@needs(DATA / "scrapinghub" / "ground-truth.json")
def test_real_articles_are_articles(bench: ModuleType) -> None:
    pages = bench.load_scrapinghub(DATA)[::6]
    articles = sum(
        isinstance(extract_article(page.html, url=page.url), ExtractedArticle) for page in pages
    )
    assert articles >= 0.95 * len(pages), f"{articles}/{len(pages)}"


@needs(DATA / "fundus-parser" / "pages")
@pytest.mark.parametrize("country", ["jp", "cn", "tw", "de"])
def test_real_cjk_and_german_pages_are_articles(country: str) -> None:
    pages = sorted((DATA / "fundus-parser" / "pages" / country).glob("*.html.gz"))[:3]
    if not pages:
        pytest.skip(f"no {country} pages")
    for path in pages:
        result = extract_article(gzip.decompress(path.read_bytes()))
        if isinstance(result, NotAnArticle) and result.reason == "paywall":
            # Chunichi Shimbun serves a 370-character teaser ending in "…" and declares
            # isAccessibleForFree: false: a paywall stub, rightly not an article
            assert result.partial is not None and len(result.partial.text) < 600
            continue
        assert isinstance(result, ExtractedArticle), (path.name, result)
