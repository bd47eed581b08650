"""Full-text search through the store, on whichever engine the run uses: words, prefixes,
ranking, CJK, duplicates, hostile queries, snippets and paging."""

from __future__ import annotations

import pytest

from tests.stores import TestStores
from tidings.records import ArticleAnalysis, ArticleSaved, DuplicateArticle, ExtractedArticle
from tidings.store import Store
from tidings.store.search_text import parse_snippet


def save(
    store: Store,
    url: str,
    title: str,
    text: str,
    published: str = "2024-03-01T09:00:00Z",
) -> int:
    saved = store.save_article(
        ExtractedArticle(url=url, canonical_url=None, title=title, text=text),
        url=url,
        source_id=None,
        fetch_id=None,
        published_at=published,
        content_hash=f"hash:{text}",
    )
    return saved.article_id


def found(store: Store, query: str, **kwargs: int) -> list[int]:
    return [hit.article.id for hit in store.search_articles(query, **kwargs).hits]


@pytest.fixture
def store(stores: TestStores) -> Store:
    return stores.open()


def test_english_words_are_found_whatever_their_case_and_accents(store: Store) -> None:
    volcano = save(store, "http://a/1", "Volcano erupts", "Lava reached the café at dawn.")
    save(store, "http://a/2", "Markets calm", "Shares closed flat on Tuesday.")
    assert found(store, "volcano") == [volcano]
    assert found(store, "LAVA dawn") == [volcano]  # every word, anywhere
    assert found(store, "cafe") == [volcano]  # diacritics ignored
    assert found(store, "lava tuesday") == []


def test_the_last_word_matches_as_a_prefix(store: Store) -> None:
    volcano = save(store, "http://a/1", "Volcano erupts", "Lava reached the town.")
    assert found(store, "volc") == [volcano]
    assert found(store, "lava rea") == [volcano]
    assert found(store, "volc lava") == []  # only the last word is a prefix
    assert found(store, "volc ") == []  # a finished word is a whole word


def test_titles_outrank_text_and_ties_go_newest_first(store: Store) -> None:
    in_text = save(
        store, "http://a/1", "Weather", "A storm hit the coast. " * 3, "2024-03-05T09:00:00Z"
    )
    in_title = save(
        store, "http://a/2", "Storm warning", "Rain is expected.", "2024-03-01T09:00:00Z"
    )
    assert found(store, "storm") == [in_title, in_text]
    older = save(store, "http://a/3", "Quiet day", "Nothing happened here.", "2024-01-01T09:00:00Z")
    newer = save(
        store, "http://a/4", "Quiet night", "Nothing happened here!", "2024-02-01T09:00:00Z"
    )
    assert found(store, "nothing happened") == [newer, older]


def test_chinese_words_are_found_inside_sentences(store: Store) -> None:
    article = save(store, "http://zh/1", "新政策发布", "北京时间今天上午，新的政策正式发布。")
    other = save(store, "http://zh/2", "天气", "上海今天下雨。")
    assert found(store, "北京") == [article]
    assert found(store, "政策") == [article]
    assert set(found(store, "今天")) == {article, other}
    assert found(store, "京北") == []  # characters in that order, not anywhere
    hit = store.search_articles("政策").hits[0]
    assert "\u200b" not in hit.snippet
    [(start, end)] = hit.highlights
    assert hit.snippet[start:end] == "政策"


def test_duplicates_are_not_returned(store: Store) -> None:
    text = "The bridge reopened after repairs."
    original = save(store, "http://a/1", "Bridge reopens", text)
    copy = store.save_article(
        ExtractedArticle(url=None, canonical_url=None, title="Bridge reopens (copy)", text=text),
        url="http://mirror/1",
        source_id=None,
        fetch_id=None,
        published_at="2024-03-02T09:00:00Z",
        content_hash=f"hash:{text}",
    )
    assert isinstance(copy, DuplicateArticle)
    assert found(store, "bridge") == [original]
    # a near-duplicate found later by the language stage leaves the results too
    near = save(store, "http://b/1", "Bridge reopens today", "The bridge reopened, repairs done.")
    assert set(found(store, "bridge")) == {original, near}
    bare = ArticleAnalysis(
        article_id=near, language="en", embedding=None, embed_model=None, minhash=None
    )
    store.save_analyses([(bare, original)])
    assert found(store, "bridge") == [original]
    assert store.search_articles("bridge").total == 1


@pytest.mark.parametrize(
    "query",
    ['"', "*", "NEAR(", "NEAR(a b)", "AND OR", "')--", "-", "a OR", '"unbalanced', "x" * 300,
     "title:storm", "^storm", "storm AND", "(storm", "", "   ", "\ue000", "。"],
)  # fmt: skip
def test_hostile_queries_never_raise(store: Store, query: str) -> None:
    save(store, "http://a/1", "Storm warning", "A storm is coming AND it is big.")
    page = store.search_articles(query)
    assert page.total == len(page.hits)


def test_operators_are_words_or_dropped_never_syntax(store: Store) -> None:
    storm = save(store, "http://a/1", "Storm warning", "Rain and wind, not snow.")
    assert found(store, "storm AND rain") == [storm]
    assert found(store, "storm OR nothere") == []  # OR is not an operator: all words count
    assert found(store, "storm NOT rain") == [storm]
    assert found(store, "-rain storm") == [storm]  # a minus is punctuation
    assert found(store, '"rain and wind"') == [storm]  # a quoted phrase stays one
    assert found(store, '"wind and rain"') == []


def test_snippets_are_plain_text_with_match_offsets(store: Store) -> None:
    text = "Before <b>the</b> storm.\n\nThe storm <script>x</script> passed."
    save(store, "http://a/1", "Weather", text)
    hit = store.search_articles("storm").hits[0]
    assert "<script>x</script>" in hit.snippet  # plain text: escaping is the page's job
    assert "\n" not in hit.snippet
    assert [hit.snippet[s:e] for s, e in hit.highlights] == ["storm", "storm"]


def test_paging_by_offset_covers_every_match_once(store: Store) -> None:
    ids = [
        save(store, f"http://a/{i}", f"Report {i}", f"Flood {i}.", f"2024-03-{i + 10}T09:00:00Z")
        for i in range(7)
    ]
    pages: list[list[int]] = []
    offset: int | None = 0
    while offset is not None:
        page = store.search_articles("flood", limit=3, offset=offset)
        assert page.total == 7
        pages.append([hit.article.id for hit in page.hits])
        offset = page.next_offset
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [i for p in pages for i in p] == ids[::-1]  # equal scores: newest first


def test_edited_articles_are_searched_by_their_new_text(store: Store) -> None:
    article_id = save(store, "http://a/1", "Old title", "Old words here.")
    saved = store.save_article(
        ExtractedArticle(url=None, canonical_url=None, title="New title", text="Fresh words."),
        url="http://a/1",
        source_id=None,
        fetch_id=None,
        published_at=None,
        content_hash="hash:new",
    )
    assert isinstance(saved, ArticleSaved) and saved.article_id == article_id
    assert found(store, "fresh") == [article_id]
    assert found(store, "old") == []


def test_snippet_markers_become_merged_offsets() -> None:
    text, spans = parse_snippet("a \ue000北\u200b京\ue001\u200b\ue000时\ue001  b\n\nc")
    assert text == "a 北京时 b c"
    assert spans == ((2, 5),)
