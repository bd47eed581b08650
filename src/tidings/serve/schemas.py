"""Pydantic models of the JSON API (they document ``/openapi.json``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from tidings.records import ArticleAnalysis, ArticleBrief, Source, SourceKind, StoredArticle, Story
from tidings.serve.coverage import StoryEntity
from tidings.serve.formatting import excerpt
from tidings.serve.headlines import ShownHeadline

#: The largest id SQLite stores (a signed 64-bit integer): an id past it is not a row
#: that could exist, and is refused as invalid rather than reaching the store.
MAX_ROW_ID = 2**63 - 1


def reader_path(article_id: int) -> str:
    """Path of an article's HTML reader view."""
    return f"/articles/{article_id}"


def story_path(story_id: int) -> str:
    """Path of a story's HTML page."""
    return f"/stories/{story_id}"


class ArticleBase(BaseModel):
    id: int = Field(description="Article id.")
    url: str = Field(description="The URL the article was fetched from.")
    canonical_url: str | None = Field(description="The page's declared canonical URL.")
    title: str | None = Field(description="Headline.")
    authors: list[str] = Field(description="Bylines, in page order.")
    date: str | None = Field(description="Publication day (`YYYY-MM-DD`), from the page.")
    published_at: str | None = Field(
        description="Best known publication time, ISO 8601 UTC (feed timestamp, else page date)."
    )
    language: str | None = Field(description="ISO 639-1 language code.")
    image: str | None = Field(description="Lead image URL.")
    site_name: str | None = Field(description="Publication name, from the page.")
    source_id: int | None = Field(description="Id of the source that led to the article.")
    source_title: str | None = Field(description="Title of that source.")
    created_at: str = Field(description="When Tidings first stored the article, ISO 8601 UTC.")
    duplicate_of: int | None = Field(
        description="Id of the original when this is the same text under another URL."
    )
    reader_url: str = Field(description="Path of the HTML reader view.")
    topic: str | None = Field(
        description="Topic the language stage gave the article; null until it is analysed."
    )
    story_id: int | None = Field(
        description="Id of the story (same event, other outlets and languages) it belongs to."
    )
    story_size: int | None = Field(
        description="Number of articles in that story (1 when no other outlet covered it)."
    )

    @staticmethod
    def _fields(article: StoredArticle) -> dict[str, object]:
        return {
            "id": article.id,
            "url": article.url,
            "canonical_url": article.canonical_url,
            "title": article.title,
            "authors": list(article.authors),
            "date": article.date,
            "published_at": article.published_at,
            "language": article.language,
            "image": article.image,
            "site_name": article.site_name,
            "source_id": article.source_id,
            "source_title": article.source_title,
            "created_at": article.created_at,
            "duplicate_of": article.duplicate_of,
            "reader_url": reader_path(article.id),
        }


class ShownHeadlineOut(BaseModel):
    """The headline to show for an article: faithful, not clickbait, learned from readers."""

    text: str = Field(description="The headline.")
    headline_id: int | None = Field(
        description="Pass it back in `impression`, `click` and `dwell` events "
        "(`POST /api/v1/events`) so readers' feedback reaches this headline."
    )
    policy: str = Field(
        description="How it was chosen: `original` (the outlet's own passed both gates), "
        "`only`, `thompson` (Thompson sampling among honest candidates) or `fallback` "
        "(nothing passed; the outlet's own title)."
    )
    reason: str = Field(description="Why this headline, in words.")
    origin: str | None = Field(
        description="`original`, `outlet`, `extractive` or `generated`; null before the "
        "headline stage ran."
    )
    original_title: str | None = Field(
        description="The outlet's own title when another headline replaced it."
    )

    @classmethod
    def from_shown(cls, item: ShownHeadline) -> ShownHeadlineOut:
        return cls(
            text=item.text,
            headline_id=item.headline_id,
            policy=item.policy,
            reason=item.reason,
            origin=item.origin,
            original_title=item.original,
        )


class ArticleSummary(ArticleBase):
    """An article in a list: metadata and a short excerpt (no full text)."""

    excerpt: str = Field(description="The first ~300 characters of the text.")
    headline: ShownHeadlineOut | None = Field(
        default=None, description="The headline to show (see `ShownHeadlineOut`)."
    )

    @classmethod
    def from_record(
        cls,
        article: StoredArticle,
        brief: ArticleBrief | None,
        headline: ShownHeadlineOut | None = None,
    ) -> ArticleSummary:
        brief = brief or ArticleBrief()
        return cls.model_validate(
            {
                **cls._fields(article),
                "excerpt": excerpt(article.text),
                "topic": brief.topic,
                "story_id": brief.story_id,
                "story_size": brief.story_size,
                "headline": headline,
            }
        )


class EntityOut(BaseModel):
    """A person, organisation or place the article names."""

    text: str = Field(description="The most frequent spelling in the article.")
    label: str = Field(description="`person`, `organization` or `place`.")
    normalized: str = Field(description="Stable key, the same across articles and languages.")
    count: int = Field(description="Mentions in the article.")


class ArticleDetail(ArticleBase):
    """One article with its full clean text and what the language stage found in it."""

    text: str = Field(description="The clean article text, paragraphs separated by newlines.")
    summary: str | None = Field(description="A short summary; null until analysed.")
    keywords: list[str] = Field(description="Key phrases (empty until analysed).")
    entities: list[EntityOut] = Field(
        description="People, organisations and places named (empty until analysed)."
    )

    @classmethod
    def from_record(
        cls, article: StoredArticle, analysis: ArticleAnalysis | None, story: Story | None
    ) -> ArticleDetail:
        return cls.model_validate(
            {
                **cls._fields(article),
                "text": article.text,
                "topic": analysis.topic if analysis else None,
                "summary": analysis.summary if analysis else None,
                "keywords": list(analysis.keywords) if analysis else [],
                "entities": [
                    {"text": e.text, "label": e.label, "normalized": e.normalized, "count": e.count}
                    for e in (analysis.entities if analysis else ())
                ],
                "story_id": story.id if story else None,
                "story_size": len(story.members) if story else None,
            }
        )


class StoryMemberOut(BaseModel):
    """One article covering a story."""

    id: int = Field(description="Article id.")
    title: str | None = Field(description="Headline.")
    url: str = Field(description="The URL the article was fetched from.")
    source_title: str | None = Field(description="Title of the source that led to it.")
    site_name: str | None = Field(description="Publication name, from the page.")
    language: str | None = Field(description="ISO 639-1 language code.")
    published_at: str | None = Field(description="Best known publication time, ISO 8601 UTC.")
    reader_url: str = Field(description="Path of the HTML reader view.")
    duplicate_of: int | None = Field(
        description="Id of the original when this is the same (or nearly the same) text."
    )

    @classmethod
    def from_record(cls, article: StoredArticle) -> StoryMemberOut:
        return cls(
            id=article.id,
            title=article.title,
            url=article.url,
            source_title=article.source_title,
            site_name=article.site_name,
            language=article.language,
            published_at=article.published_at,
            reader_url=reader_path(article.id),
            duplicate_of=article.duplicate_of,
        )


class StoryEntityOut(BaseModel):
    """An entity the story's articles name."""

    text: str = Field(description="Spelling, as the representative article writes it.")
    normalized: str = Field(description="Stable key, the same across articles and languages.")
    articles: int = Field(description="Member articles naming it.")


class StoryOut(BaseModel):
    """One event as covered by several articles (outlets, languages)."""

    id: int = Field(description="Story id.")
    representative: int = Field(description="Id of the article that best represents the story.")
    first_published: str | None = Field(description="Earliest member publication, ISO 8601 UTC.")
    last_published: str | None = Field(description="Latest member publication, ISO 8601 UTC.")
    languages: list[str] = Field(description="Languages of the members.")
    member_count: int = Field(description="Number of member articles.")
    members: list[StoryMemberOut] = Field(
        description="Member articles, newest first (at most the latest 200 to join)."
    )
    entities: list[StoryEntityOut] = Field(description="Entities most members name, top first.")
    story_url: str = Field(description="Path of the HTML story page.")

    @classmethod
    def from_records(
        cls, story: Story, members: list[StoredArticle], entities: list[StoryEntity]
    ) -> StoryOut:
        return cls(
            id=story.id,
            representative=story.representative,
            first_published=story.first_published,
            last_published=story.last_published,
            languages=list(story.languages),
            member_count=len(story.members),
            members=[StoryMemberOut.from_record(a) for a in members],
            entities=[
                StoryEntityOut(text=e.text, normalized=e.normalized, articles=e.articles)
                for e in entities
            ],
            story_url=story_path(story.id),
        )


class ArticleList(BaseModel):
    """A page of articles, newest first."""

    items: list[ArticleSummary] = Field(description="Articles, newest first.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next (older) page; null on the last page."
    )


class SourceOut(BaseModel):
    """A source with its crawl health."""

    id: int = Field(description="Source id.")
    url: str = Field(description="The feed, sitemap or page URL.")
    kind: SourceKind = Field(description="`feed`, `sitemap` or `page`.")
    title: str | None = Field(description="Title (given by the user or read from the feed).")
    site_url: str | None = Field(description="Home page of the site.")
    added_at: str = Field(description="When the source was added, ISO 8601 UTC.")
    last_fetched_at: str | None = Field(description="Last fetch of the source's own URL.")
    last_status: str | None = Field(description="Outcome of that fetch.")
    error_count: int = Field(description="Consecutive failed fetches (0 when healthy).")
    article_count: int = Field(description="Articles stored from this source (no duplicates).")

    @classmethod
    def from_record(cls, source: Source) -> SourceOut:
        return cls(
            id=source.id,
            url=source.url,
            kind=source.kind,
            title=source.title,
            site_url=source.site_url,
            added_at=source.added_at,
            last_fetched_at=source.last_fetched_at,
            last_status=source.last_status,
            error_count=source.error_count,
            article_count=source.article_count,
        )


class StatusOut(BaseModel):
    """Counts describing the store."""

    articles: int = Field(description="Articles, duplicates excluded.")
    duplicates: int = Field(description="Pages whose text duplicates another article.")
    sources: int = Field(description="Sources.")
    stories: int = Field(description="Stories (events covered by one or more articles).")
    frontier: dict[str, int] = Field(
        description="URLs in the crawl frontier per state (queued, in_progress, done, failed)."
    )
    schema_version: int = Field(description="Database schema version.")


class HealthOut(BaseModel):
    ok: bool = Field(description="Always true when the server answers.")


class ErrorOut(BaseModel):
    detail: str = Field(description="What went wrong.")


class HeadlineCandidateOut(BaseModel):
    """A candidate headline with both gates' verdicts and its readers' record."""

    id: int
    text: str
    origin: str = Field(description="`original`, `outlet`, `extractive` or `generated`.")
    author: str | None = Field(description="Outlet, extraction method or model.")
    language: str | None
    clickbait: float | None = Field(description="Clickbait score in [0, 1] (1 = clickbait).")
    faithful: bool = Field(description="Supported by the article.")
    support: float | None = Field(description="Semantic support by the article in [0, 1].")
    reasons: list[str] = Field(description="Why the faithfulness gate rejected it.")
    eligible: bool = Field(description="Passed both gates, so it may be shown.")
    impressions: int
    clicks: int
    reward: float = Field(description="Dwell-weighted clicks (a bounce earns 0).")
    expected_rate: float = Field(description="Posterior mean dwell-weighted click rate.")


class ArticleHeadlinesOut(BaseModel):
    """Every headline candidate of an article and the one the bandit picks now."""

    article_id: int
    title: str | None = Field(description="The outlet's own title.")
    chosen: ShownHeadlineOut
    candidates: list[HeadlineCandidateOut]


EventKind = Literal[
    "impression",
    "click",
    "dwell",
    "scroll",
    "hide",
    "less_like_this",
    "follow",
    "mute",
    "share",
]


class EventIn(BaseModel):
    """One reader interaction."""

    kind: EventKind = Field(description="What happened.")
    article_id: int | None = Field(
        default=None, ge=1, le=MAX_ROW_ID, description="The article concerned."
    )
    headline_id: int | None = Field(
        default=None,
        ge=1,
        le=MAX_ROW_ID,
        description="The headline shown (from `headline.headline_id`).",
    )
    position: int | None = Field(
        default=None, ge=0, le=10_000, description="Rank in the list shown."
    )
    seconds: float | None = Field(
        default=None, ge=0, le=86400, description="Dwell time on the article (`dwell`)."
    )
    depth: float | None = Field(default=None, ge=0, le=1, description="Scroll depth (`scroll`).")
    reader: str | None = Field(default=None, max_length=200, description="Reader id.")


class EventBatchIn(BaseModel):
    """Events sent together (up to 500)."""

    events: list[EventIn] = Field(max_length=500)


class EventsAccepted(BaseModel):
    accepted: int = Field(description="Events appended to the log.")
    learned: int = Field(description="Feedback events the headline learner applied.")
