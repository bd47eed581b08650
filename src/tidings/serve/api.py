"""The JSON API, under ``/api/v1``, documented at ``/openapi.json`` and ``/docs``."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request

from tidings.errors import NotFoundError
from tidings.serve import coverage, feed
from tidings.serve import headlines as shown_headlines
from tidings.serve.deps import StoreDep, cookie_reader, reader_for_api
from tidings.serve.schemas import (
    MAX_ROW_ID,
    ArticleDetail,
    ArticleHeadlinesOut,
    ArticleList,
    ArticleSummary,
    ErrorOut,
    EventBatchIn,
    EventsAccepted,
    HeadlineCandidateOut,
    HealthOut,
    ShownHeadlineOut,
    SourceOut,
    StatusOut,
    StoryOut,
)
from tidings.store.base import NewEvent

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1", tags=["api"])
health_router = APIRouter(tags=["health"])

_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No such item."}
}


@router.get(
    "/articles",
    response_model=ArticleList,
    summary="List articles, newest first",
    responses={400: {"model": ErrorOut, "description": "Invalid cursor."}},
)
def list_articles(
    store: StoreDep,
    limit: Annotated[int, Query(ge=1, le=200, description="Page size.")] = 50,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page.")] = None,
    source_id: Annotated[int | None, Query(description="Only this source's articles.")] = None,
    include_duplicates: Annotated[
        bool, Query(description="Also list pages whose text duplicates another article.")
    ] = False,
) -> ArticleList:
    """Articles newest first (by publication time, else first-seen time), paged by cursor.

    Items carry an `excerpt`, their `topic` and `story_id`/`story_size`; fetch
    `/api/v1/articles/{id}` for the full text and analysis.
    """
    try:
        page = store.list_articles(
            limit=limit,
            cursor=cursor or None,
            source_id=source_id,
            include_duplicates=include_duplicates,
        )
    except ValueError as exc:
        raise HTTPException(
            status_code=400,
            detail="invalid cursor: pass the next_cursor of a previous page unchanged",
        ) from exc
    briefs = coverage.article_briefs(store, page.items)
    choices = shown_headlines.choose_for(store, page.items, briefs)
    return ArticleList(
        items=[
            ArticleSummary.from_record(
                a,
                briefs.get(a.id),
                ShownHeadlineOut.from_shown(shown_headlines.shown(a, choices.get(a.id))),
            )
            for a in page.items
        ],
        next_cursor=page.next_cursor,
    )


@router.get(
    "/articles/{article_id}",
    response_model=ArticleDetail,
    summary="One article with its full text and analysis",
    responses=_NOT_FOUND,
)
def get_article(
    store: StoreDep,
    article_id: Annotated[int, Path(description="Article id.", ge=1, le=MAX_ROW_ID)],
) -> ArticleDetail:
    """The article, its topic, summary, keywords and entities (null or empty until the
    language stage has analysed it) and the story it belongs to."""
    try:
        article = store.get_article(article_id)
    except NotFoundError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    return ArticleDetail.from_record(
        article, store.get_analysis(article_id), store.story_of(article_id)
    )


@router.get(
    "/articles/{article_id}/headlines",
    response_model=ArticleHeadlinesOut,
    summary="An article's headline candidates, their gates and readers' record",
    responses=_NOT_FOUND,
)
def article_headlines(
    store: StoreDep,
    article_id: Annotated[int, Path(description="Article id.", ge=1, le=MAX_ROW_ID)],
) -> ArticleHeadlinesOut:
    """Every candidate (the outlet's title, other outlets', extractive, generated) with
    the faithfulness and clickbait verdicts, impressions, dwell-weighted clicks and the
    bandit's estimate, plus the headline it would pick now and why."""
    try:
        article = store.get_article(article_id)
    except NotFoundError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    briefs = coverage.article_briefs(store, [article])
    choice = shown_headlines.choose_for(store, [article], briefs).get(article.id)
    stored = store.headlines_of([article.id]).get(article.id, [])
    return ArticleHeadlinesOut(
        article_id=article.id,
        title=article.title,
        chosen=ShownHeadlineOut.from_shown(shown_headlines.shown(article, choice)),
        candidates=[
            HeadlineCandidateOut.model_validate(shown_headlines.explain(h)) for h in stored
        ],
    )


@router.post(
    "/events",
    response_model=EventsAccepted,
    summary="Record reader events (impressions, clicks, dwell time...) in a batch",
    responses={
        400: {"model": ErrorOut, "description": "Not a valid batch of events."},
        403: {"model": ErrorOut, "description": "Sent from another site."},
    },
)
def post_events(request: Request, store: StoreDep, batch: EventBatchIn) -> EventsAccepted:
    """Append the events to the log (never lost: one transaction), then let the headline
    learner fold impressions, clicks and dwell times into each headline's record, so the
    next choice already reflects them. The body must be JSON (so a cross-site form
    cannot post it); requests whose `Origin` is another site are refused."""
    origin = request.headers.get("origin")
    if origin and origin.split("://", 1)[-1] != request.headers.get("host", ""):
        raise HTTPException(status_code=403, detail="events must come from this site")
    named = [e.article_id for e in batch.events if e.article_id is not None]
    unknown = sorted(set(named) - store.existing_articles(named))
    if unknown:  # the whole batch is refused: nothing half-recorded
        raise HTTPException(status_code=400, detail=f"no such articles: {unknown[:20]}")
    # The reader view's own script reports dwell for the reader in the cookie.
    default_reader = cookie_reader(request)
    events = [
        NewEvent(
            e.kind,
            article_id=e.article_id,
            reader=reader_for_api(request, e.reader or default_reader),
            data={
                k: v
                for k, v in e.model_dump(exclude={"kind", "article_id", "reader"}).items()
                if v is not None
            },
        )
        for e in batch.events
    ]
    accepted = store.record_events(events)
    learned = feed.learn(request, store)
    return EventsAccepted(accepted=accepted, learned=learned.headlines)


@router.get(
    "/stories/{story_id}",
    response_model=StoryOut,
    summary="One story: the articles covering an event",
    responses=_NOT_FOUND,
)
def get_story(
    store: StoreDep, story_id: Annotated[int, Path(description="Story id.", ge=1, le=MAX_ROW_ID)]
) -> StoryOut:
    """The story's member articles (newest first), languages, time span and top entities."""
    try:
        story = store.get_story(story_id)
    except NotFoundError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    return StoryOut.from_records(
        story, coverage.story_members(store, story), coverage.top_entities(store, story)
    )


@router.get("/sources", response_model=list[SourceOut], summary="List sources with their health")
def list_sources(store: StoreDep) -> list[SourceOut]:
    return [SourceOut.from_record(s) for s in store.list_sources()]


@router.get(
    "/sources/{source_id}",
    response_model=SourceOut,
    summary="One source with its health",
    responses=_NOT_FOUND,
)
def get_source(
    store: StoreDep, source_id: Annotated[int, Path(description="Source id.", ge=1, le=MAX_ROW_ID)]
) -> SourceOut:
    try:
        return SourceOut.from_record(store.get_source(source_id))
    except NotFoundError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc


@router.get("/status", response_model=StatusOut, summary="Store counts")
def status(store: StoreDep) -> StatusOut:
    """Articles, duplicates, sources, stories, crawl frontier per state and schema version."""
    articles = store.count_articles()
    return StatusOut(
        articles=articles,
        duplicates=store.count_articles(include_duplicates=True) - articles,
        sources=len(store.list_sources()),
        stories=store.count_stories(),
        frontier=store.frontier_counts(),
        schema_version=store.schema_version(),
    )


@health_router.get("/healthz", response_model=HealthOut, summary="Liveness check")
def healthz() -> HealthOut:
    return HealthOut(ok=True)
