"""Full-text search over articles: ``GET /api/v1/search`` (JSON) and ``GET /search`` (HTML).

The store finds and ranks the articles and cuts a plain-text snippet around the
matches, with the matches' offsets. The HTML page escapes the snippet piece by piece
and wraps only the matches in ``<mark>``: no article text is ever marked up unescaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape
from pydantic import BaseModel, Field

from tidings.serve import coverage
from tidings.serve.deps import StoreDep
from tidings.serve.schemas import ArticleSummary
from tidings.serve.web import PAGE_SIZE, marks, render
from tidings.store.base import SearchPage

api_router = APIRouter(prefix="/api/v1", tags=["api"])
router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

#: Deepest offset a search pages to (a reader refines the query long before).
MAX_OFFSET = 10_000

QUERY_HELP = (
    "The words to find, all of them, in titles and text (accents and case ignored). "
    '`"a phrase"` in quotes keeps the words together; the last word also matches '
    "words it begins; Chinese, Japanese and Korean are found inside sentences. "
    "Everything else is a word or ignored, never an operator. "
    "Only the first 200 characters are read."
)


class SearchResultOut(BaseModel):
    """One matching article with the part of its text that matched."""

    article: ArticleSummary = Field(
        description="The article, as `/api/v1/articles` lists it (its own title: `headline` "
        "is null here, the title being what the query matched)."
    )
    snippet: str = Field(
        description="Plain text around the matches (`…` where it is cut). Not HTML: escape "
        "it before showing it."
    )
    highlights: list[tuple[int, int]] = Field(
        description="The matched words in `snippet` as `[start, end)` offsets in Unicode "
        "code points, in order (JavaScript counts UTF-16 units: they differ only after "
        "a character beyond U+FFFF)."
    )


class SearchOut(BaseModel):
    """A page of search results, best first."""

    query: str = Field(description="The query, as received.")
    total: int = Field(description="How many articles match in all.")
    results: list[SearchResultOut] = Field(
        description="Best match first: title matches weigh more than text matches, ties "
        "newest first. Duplicates of other articles are left out."
    )
    next_offset: int | None = Field(description="`offset` of the next page; null on the last page.")


@api_router.get(
    "/search",
    response_model=SearchOut,
    summary="Search articles' titles and text",
    responses={422: {"description": "No query (`q` missing, empty or only spaces)."}},
)
def search_api(
    store: StoreDep,
    q: Annotated[str, Query(min_length=1, pattern=r"\S", description=QUERY_HELP)],
    limit: Annotated[int, Query(ge=1, le=100, description="Page size.")] = 20,
    offset: Annotated[
        int, Query(ge=0, le=MAX_OFFSET, description="`next_offset` of the previous page.")
    ] = 0,
) -> SearchOut:
    """Articles whose title or text contains every word of `q`, with a snippet of the
    text around the matches. Queries never fail: quotes, `AND`, `*`, `-` and other
    search-engine syntax are read as plain words or ignored."""
    page = store.search_articles(q, limit=limit, offset=offset)
    briefs = coverage.article_briefs(store, [hit.article for hit in page.hits])
    return SearchOut(
        query=q,
        total=page.total,
        results=[
            SearchResultOut(
                article=ArticleSummary.from_record(hit.article, briefs.get(hit.article.id)),
                snippet=hit.snippet,
                highlights=list(hit.highlights),
            )
            for hit in page.hits
        ],
        next_offset=page.next_offset,
    )


@router.get("/search")
def search_page(
    request: Request,
    store: StoreDep,
    q: Annotated[str, Query(description=QUERY_HELP)] = "",
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> HTMLResponse:
    query = q.strip()
    page = (
        store.search_articles(query, limit=PAGE_SIZE, offset=offset)
        if query
        else SearchPage(hits=(), total=0, next_offset=None)
    )
    articles = [hit.article for hit in page.hits]
    return render(
        request,
        "search.html",
        {
            "query": query,
            "search_query": query,
            "articles": articles,
            "snippets": {
                hit.article.id: snippet_html(hit.snippet, hit.highlights) for hit in page.hits
            },
            "briefs": coverage.article_briefs(store, articles),
            "marks": marks(request, store, [a.id for a in articles]),
            "total": page.total,
            "offset": offset,
            "previous_offset": max(offset - PAGE_SIZE, 0) if offset else None,
            "next_offset": page.next_offset,
        },
    )


def snippet_html(snippet: str, highlights: Sequence[tuple[int, int]]) -> Markup:
    """``snippet`` escaped, with each highlighted span (after escaping) in ``<mark>``."""
    parts: list[str] = []
    done = 0
    for start, end in highlights:
        if start < done or end <= start:
            continue  # overlapping or empty: never produce broken markup
        parts.append(escape(snippet[done:start]))
        parts.append(Markup("<mark>%s</mark>") % snippet[start:end])
        done = end
    parts.append(escape(snippet[done:]))
    return Markup("").join(parts)
