"""The publication day: htmldate's answer checked against the page's own statements.

Each page below is a small hand-written reproduction of a pattern found on the training
half of htmldate-eval, fundus and trafilatura-eval (bench/extraction.py).
"""

from __future__ import annotations

import json

import lxml.html

from tidings.extract.fields.dates import byline_day, pick_date, to_day, url_day
from tidings.extract.structured import PageMeta, read_page_meta


def page(head: str = "", body: str = "", jsonld: dict[str, object] | None = None) -> PageMeta:
    script = ""
    if jsonld is not None:
        script = f'<script type="application/ld+json">{json.dumps(jsonld)}</script>'
    html = f"<html><head>{head}{script}</head><body>{body}<p>Story.</p></body></html>"
    return read_page_meta(lxml.html.fromstring(html))


def article(**fields: str) -> dict[str, object]:
    return {"@type": "NewsArticle", "headline": "A story", **fields}


def test_microdata_and_first_time_element_are_read() -> None:
    meta = page(
        body='<time datetime="2022-01-26">26. Jan 2022</time>'
        '<span itemprop="datePublished" content="2022-01-14 10:31:00">Januar 2022</span>'
        '<time itemprop="datePublished" datetime="2022-01-13">13.01.2022</time>'
    )
    assert meta.microdata_published == "2022-01-14 10:31:00"
    assert meta.time_datetime == "2022-01-26"
    # <meta itemprop> is a declaration (meta["datepublished"]), not body microdata
    meta = page(head='<meta itemprop="datePublished" content="2022-01-14">')
    assert meta.microdata_published is None
    assert meta.meta["datepublished"] == "2022-01-14"


def test_local_day_of_a_declared_timestamp_beats_its_utc_day() -> None:
    # htmldate read the UTC <meta>; the JSON-LD writes the same instant in local time
    meta = page(
        head='<meta property="article:published_time" content="2020-12-24T23:59:50+00:00">',
        jsonld=article(datePublished="2020-12-25T01:59:50+02:00"),
    )
    assert pick_date(meta, "2020-12-24", None) == "2020-12-25"
    # a US station: UTC in the JSON-LD, Eastern time in the visible <time> microdata
    meta = page(
        body='<time itemprop="datePublished" datetime="2023-11-08T21:11:03-05:00">'
        "November 8, 2023</time>",
        jsonld=article(datePublished="2023-11-09T02:11:03+00:00"),
    )
    assert pick_date(meta, "2023-11-09", None) == "2023-11-08"
    # the written day is the day, never converted to UTC
    assert to_day("2020-06-29T00:16:15+03:00") == "2020-06-29"
    meta = page(jsonld=article(datePublished="2020-06-29T00:16:15+03:00"))
    assert pick_date(meta, "2020-06-29", None) == "2020-06-29"


def test_central_european_midnight_written_in_utc_is_the_next_day() -> None:
    meta = page(head='<meta property="article:published_time" content="2021-11-04T23:00Z">')
    assert pick_date(meta, "2021-11-04", None) == "2021-11-05"
    # an ordinary evening time in UTC stays on its day
    meta = page(head='<meta property="article:published_time" content="2021-11-04T23:16Z">')
    assert pick_date(meta, "2021-11-04", None) == "2021-11-04"


def test_two_agreeing_sources_outvote_an_unsupported_search() -> None:
    # htmldate took the day shown in the site header (the day of the visit)
    meta = page(
        body='<span itemprop="datePublished" content="2019-10-18T17:08:11+02:00"></span>',
        jsonld=article(datePublished="2019-10-18T18:11:44+02:00"),
    )
    assert pick_date(meta, "2019-10-19", None) == "2019-10-18"
    # the URL day supports htmldate; the declared day and the <time> agree on the next one
    meta = page(
        body='<time datetime="2020-02-19T18:37:32+01:00">19 FEB 2020</time>',
        jsonld=article(datePublished="2020-02-19T18:37:32+01:00"),
    )
    url = "https://news.example.com/2020/02/18/ciencia/story.html"
    assert pick_date(meta, "2020-02-18", url) == "2020-02-19"


def test_a_single_declared_day_does_not_overrule_a_supported_search() -> None:
    # a blog declares another day in JSON-LD alone: htmldate's day (= URL day) stands
    meta = page(jsonld=article(datePublished="2020-01-03T09:48:24Z"))
    assert pick_date(meta, "2020-01-06", "https://example.org/2020/01/06/post/") == "2020-01-06"
    # without support either, one declared day is not enough (modified dates live there)
    meta = page(jsonld=article(datePublished="2020-01-03T09:48:24Z"))
    assert pick_date(meta, "2020-01-06", None) == "2020-01-06"
    assert pick_date(page(), "2020-01-06", None) == "2020-01-06"


def test_explicit_publication_markup_beats_an_unsupported_search() -> None:
    meta = page(body='<span itemprop="datePublished" content="2022-01-14 10:31:00"></span>')
    assert pick_date(meta, "2022-01-21", None) == "2022-01-14"
    meta = page(
        body='<p class="date">Written: 2023-11-07 15:03:30 / Updated: 2023-11-07</p>'
        '<aside><p class="date">2023-11-03</p></aside>'
    )
    assert pick_date(meta, "2023-11-03", None) == "2023-11-07"
    # the byline and a <time> agree against htmldate's day, which came from og:updated_time
    meta = page(
        head='<meta property="og:updated_time" content="2022-01-27T18:34:20+0100">',
        body='<span>Erschienen am</span> <time datetime="2022-01-26">26. Jan 2022</time>',
    )
    assert pick_date(meta, "2022-01-27", None) == "2022-01-26"


def test_byline_dates_in_several_forms_and_languages() -> None:
    def day(body: str) -> str | None:
        return byline_day(lxml.html.fromstring(f"<html><body>{body}</body></html>"))

    assert day("<p>Published May 17, 2024 at 9:00</p>") == "2024-05-17"
    assert day("<p>Veröffentlicht am 17. Mai 2024</p>") == "2024-05-17"
    assert day("<p>Publié le 3 mars 2021</p>") == "2021-03-03"
    assert day("<div><label>Erstellt:</label><div>01.11.2023</div></div>") == "2023-11-01"
    assert day("<p>Posted 13/05/2024</p>") == "2024-05-13"
    assert day("<p>Posted 05/06/2024</p>") is None  # month first or day first?
    # posts listed with their own days: no single publication day
    assert day("<li>Published 2021-09-30</li><li>Published 2021-10-02</li>") is None
    assert day("<p>Unpublished draft 2021-09-30</p>") is None
    assert day('<script>{"datePublished": "2021-09-30"}</script>') is None
    assert byline_day(None) is None


def test_without_a_search_the_declared_day_then_markup_then_url() -> None:
    meta = page(jsonld=article(datePublished="2024-03-05T18:30:00+01:00"))
    assert pick_date(meta, None, None) == "2024-03-05"
    meta = page(body='<time itemprop="datePublished" datetime="2024-03-06">6 March</time>')
    assert pick_date(meta, None, None) == "2024-03-06"
    assert pick_date(page(body="<p>Published 7 March 2024</p>"), None, None) == "2024-03-07"
    assert pick_date(page(), None, "https://example.org/2024/03/08/a") == "2024-03-08"
    assert pick_date(page(), None, None) is None


def test_url_days() -> None:
    assert url_day("https://example.org/2023/11/07/story") == "2023-11-07"
    assert url_day("https://example.org/news/20231107-story") == "2023-11-07"
    assert url_day("https://www.befifty.de/home/2017/7/12/unter-uns") == "2017-07-12"
    assert url_day("https://example.org/2023/11/story") is None
    assert url_day("https://example.org/2023/13/40/story") is None
