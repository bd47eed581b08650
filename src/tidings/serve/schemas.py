"""Pydantic models of the JSON API (they document ``/openapi.json``)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tidings.records import Source, SourceKind, StoredArticle
from tidings.serve.formatting import excerpt


def reader_path(article_id: int) -> str:
    """Path of an article's HTML reader view."""
    return f"/articles/{article_id}"


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


class ArticleSummary(ArticleBase):
    """An article in a list: metadata and a short excerpt (no full text)."""

    excerpt: str = Field(description="The first ~300 characters of the text.")

    @classmethod
    def from_record(cls, article: StoredArticle) -> ArticleSummary:
        return cls.model_validate({**cls._fields(article), "excerpt": excerpt(article.text)})


class ArticleDetail(ArticleBase):
    """One article with its full clean text."""

    text: str = Field(description="The clean article text, paragraphs separated by newlines.")

    @classmethod
    def from_record(cls, article: StoredArticle) -> ArticleDetail:
        return cls.model_validate({**cls._fields(article), "text": article.text})


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
    frontier: dict[str, int] = Field(
        description="URLs in the crawl frontier per state (queued, in_progress, done, failed)."
    )
    schema_version: int = Field(description="Database schema version.")


class HealthOut(BaseModel):
    ok: bool = Field(description="Always true when the server answers.")


class ErrorOut(BaseModel):
    detail: str = Field(description="What went wrong.")
