"""A real store (SQLite, or PostgreSQL with ``TIDINGS_TEST_DATABASE_URL``) with a few
sources and articles, served on a real socket."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.pipeline.test_headlines import CLICKBAIT_QUAKE
from tests.pipeline.test_process import FLOOD_EN, QUAKE_EN, QUAKE_ZH, add
from tests.stores import TestStores
from tidings.pipeline.headlines import HeadlineJob
from tidings.pipeline.process import ProcessJob
from tidings.records import (
    ArticleAnalysis,
    ArticleSaved,
    DuplicateArticle,
    Entity,
    ExtractedArticle,
    SourceKind,
    SourceSpec,
    Story,
)
from tidings.serve import RunningServer, serve_in_background
from tidings.store import FetchLog, Store

XSS_TITLE = "Breaking <script>alert(1)</script> news"
XSS_TEXT = "First line <img src=x onerror=alert(1)>\n\nSecond <script>alert(2)</script> line"
CHINESE_TEXT = "北京时间今天上午，新的政策正式发布。\n\n专家表示，这将影响数百万人。"
XSS_SUMMARY = "Hostile <script>alert(5)</script> summary <img src=x onerror=alert(6)>"
STORY_ID = 41
#: The scripts the reader serves: dwell time for the headline learner, keyboard keys.
OWN_SCRIPTS = frozenset(
    {
        '<script src="/static/dwell.js" defer></script>',
        '<script src="/static/keys.js" defer></script>',
    }
)


def foreign_scripts(html: str) -> list[str]:
    """Script tags in ``html`` other than the reader's own (an injected one shows here)."""
    tags = re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE)
    return [t for t in tags if t + "</script>" not in OWN_SCRIPTS]


SOLO_STORY_ID = 42


@dataclass
class Corpus:
    wire_id: int
    zh_source_id: int
    #: Non-duplicate English wire articles, newest first.
    english: list[int] = field(default_factory=list)
    duplicate_id: int = 0
    original_id: int = 0
    chinese_id: int = 0
    xss_id: int = 0
    #: Every non-duplicate article, newest first.
    newest_first: list[int] = field(default_factory=list)


def story_text(day: int) -> str:
    return f"Story {day} opening paragraph.\n\nStory {day} second paragraph. " * 6


def save(
    store: Store,
    *,
    url: str,
    source_id: int | None,
    title: str | None,
    text: str,
    published_at: str | None,
    language: str | None = "en",
    authors: tuple[str, ...] = (),
    image: str | None = None,
) -> ArticleSaved | DuplicateArticle:
    fetch_id = store.log_fetch(
        FetchLog(url=url, source_id=source_id, outcome="ok", status=200, body=b"<html></html>")
    )
    article = ExtractedArticle(
        url=url,
        canonical_url=url,
        title=title,
        text=text,
        authors=authors,
        date=published_at[:10] if published_at else None,
        language=language,
        image=image,
        site_name="Example Wire",
    )
    return store.save_article(
        article,
        url=url,
        source_id=source_id,
        fetch_id=fetch_id,
        published_at=published_at,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )


def set_crawl_times(store: Store, crawled: Mapping[int, str]) -> None:
    """Pretend each article was crawled at its time (the crawler stamps "now"), on
    whichever engine: through the store's own SQL connection."""
    with store._tx() as conn:  # type: ignore[attr-defined]
        conn.executemany(
            "UPDATE article SET created_at = ? WHERE id = ?", [(t, i) for i, t in crawled.items()]
        )


def populate(store: Store) -> Corpus:
    wire, _ = store.add_source(
        SourceSpec(url="https://wire.example/feed.xml", kind=SourceKind.FEED, title="Wire Feed")
    )
    zh, _ = store.add_source(
        SourceSpec(url="https://zh.example/sitemap.xml", kind=SourceKind.SITEMAP, title="中文日报")
    )
    store.update_source(zh.id, status="HTTP 503", ok=False)
    corpus = Corpus(wire_id=wire.id, zh_source_id=zh.id)
    for day in range(1, 8):
        saved = save(
            store,
            url=f"https://wire.example/story-{day}",
            source_id=wire.id,
            title=f"Story number {day}",
            text=story_text(day),
            published_at=f"2024-03-0{day}T09:00:00Z",
            authors=("Ada Reporter", "Bo Writer"),
            image="https://img.example/lead.jpg" if day == 7 else None,
        )
        assert isinstance(saved, ArticleSaved)
        corpus.english.insert(0, saved.article_id)
    corpus.original_id = corpus.english[-1]  # story 1
    dup = save(
        store,
        url="https://mirror.example/copied-story-1",
        source_id=wire.id,
        title="Story number 1 (mirror)",
        text=story_text(1),
        published_at="2024-03-10T09:00:00Z",
    )
    assert isinstance(dup, DuplicateArticle)
    corpus.duplicate_id = dup.article_id
    zh_saved = save(
        store,
        url="https://zh.example/news/1",
        source_id=zh.id,
        title="新政策发布",
        text=CHINESE_TEXT,
        published_at="2024-03-08T09:00:00Z",
        language="zh",
    )
    corpus.chinese_id = zh_saved.article_id
    xss = save(
        store,
        url="https://evil.example/x",
        source_id=wire.id,
        title=XSS_TITLE,
        text=XSS_TEXT,
        published_at="2024-03-09T09:00:00Z",
        authors=("<script>alert(3)</script>",),
        image="javascript:alert(4)",
    )
    corpus.xss_id = xss.article_id
    corpus.newest_first = [corpus.xss_id, corpus.chinese_id, *corpus.english]
    return corpus


@dataclass
class Analysed:
    """Which articles ``analyse`` gave a topic, summary and story."""

    story_id: int
    #: Members of the multi-article story, in the order they joined.
    members: list[int]
    representative: int
    solo_story_id: int
    #: Articles left without analysis (as before the language stage ran).
    unanalysed: list[int]


def analyse(store: Store, corpus: Corpus) -> Analysed:
    """Store the language stage's results for a few articles, without any model."""
    story7, story6 = corpus.english[0], corpus.english[1]

    def analysis(article_id: int, language: str, **fields: object) -> ArticleAnalysis:
        bare = ArticleAnalysis(
            article_id=article_id, language=language, embedding=None, embed_model=None, minhash=None
        )
        return replace(bare, **fields)

    analyses = [
        analysis(
            story7,
            "en",
            topic="science",
            topic_score=0.91,
            summary="Ada Lovelace's notes were found in a London archive.",
            keywords=("notes", "archive"),
            entities=(
                Entity(text="Ada Lovelace", label="person", normalized="ada lovelace", count=2),
                Entity(text="London", label="place", normalized="london", count=1),
            ),
        ),
        analysis(corpus.chinese_id, "zh", topic="science", summary="新政策正式发布。"),
        analysis(story6, "en", topic="history"),
        analysis(corpus.xss_id, "en", topic="crime", summary=XSS_SUMMARY),
    ]
    stories = [
        Story(
            id=STORY_ID,
            members=(story7, corpus.chinese_id, story6),
            representative=story7,
            first_published="2024-03-06T09:00:00+00:00",
            last_published="2024-03-08T09:00:00+00:00",
            languages=("en", "zh"),
            entities=(("ada lovelace", 3), ("#1843", 3), ("london", 2)),
        ),
        Story(
            id=SOLO_STORY_ID,
            members=(corpus.xss_id,),
            representative=corpus.xss_id,
            first_published="2024-03-09T09:00:00+00:00",
            last_published="2024-03-09T09:00:00+00:00",
            languages=("en",),
        ),
    ]
    store.save_analyses([(a, None) for a in analyses], stories=stories)
    return Analysed(
        story_id=STORY_ID,
        members=[story7, corpus.chinese_id, story6],
        representative=story7,
        solo_story_id=SOLO_STORY_ID,
        unanalysed=[*corpus.english[2:], corpus.duplicate_id],
    )


@pytest.fixture
def store(stores: TestStores) -> Store:
    return stores.open()


@pytest.fixture
def corpus(store: Store) -> Corpus:
    return populate(store)


@pytest.fixture
def analysed(store: Store, corpus: Corpus) -> Analysed:
    return analyse(store, corpus)


@pytest.fixture
def server(store: Store, corpus: Corpus) -> Iterator[RunningServer]:
    with serve_in_background(store, "127.0.0.1", 0, title="Test Tidings") as running:
        yield running


@pytest.fixture
def client(server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10.0) as http:
        yield http


# --- a processed store with headlines, for the feed tests --------------------------


def hours_ago(hours: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).isoformat(timespec="seconds")


@dataclass
class FeedSite:
    url: str
    store: Store
    quake: int
    flood: int


@pytest.fixture(scope="module")
def feed_site(module_stores: TestStores) -> Iterator[FeedSite]:
    store = module_stores.open("feed.db")
    quake = add(store, "http://a/quake", *QUAKE_EN, "en", hours_ago(30))
    add(store, "http://b/quake", *QUAKE_ZH, "zh", hours_ago(29))
    add(store, "http://d/quake", *CLICKBAIT_QUAKE, "en", hours_ago(28))
    flood = add(store, "http://c/flood", *FLOOD_EN, "en", hours_ago(2))
    ProcessJob(store).run()
    HeadlineJob(store).run()
    with serve_in_background(store) as server:
        yield FeedSite(server.url, store, quake, flood)
