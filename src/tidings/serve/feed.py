"""The feed API: a reader's ranked stories with "why this", and the reader's controls.

``GET /api/v1/feed`` serves the personal feed (or ``top`` / ``latest``) one entry per
story, each with its honest headline (the headline bandit's choice), its outlets and
its explanation; every page served is logged as impressions (position, slot, the
headline shown), which the ranking and headline learners read back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.datastructures import State
from starlette.responses import JSONResponse

from tidings.pipeline.candidates import CandidatePool
from tidings.pipeline.rank import FeedService
from tidings.records import RankedStory, StoredArticle
from tidings.serve import coverage
from tidings.serve import headlines as shown_headlines
from tidings.serve.deps import StoreDep, app_singleton, reader_for_api
from tidings.serve.headlines import ShownHeadline
from tidings.serve.learning import MAX_EVENTS_IN_REQUEST, Learned, learn_now, shared_ranker
from tidings.serve.schemas import ShownHeadlineOut, reader_path, story_path
from tidings.store.base import NewEvent, Store

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1", tags=["feed"])

ReaderId = Annotated[str, Path(min_length=1, max_length=200, description="Reader id.")]


#: The candidate pool's neighbour index, beside the database (``pipeline.pool_index``).
POOL_INDEX_FILE = "pool-index.usearch"


def shared_pool(request: Request, store: Store) -> CandidatePool:
    """One candidate pool per app, refreshed in its own background thread."""
    return _pool(request.app.state, store)


def _pool(state: State, store: Store) -> CandidatePool:
    def make() -> CandidatePool:
        return CandidatePool(store, index_path=store.cache_path(POOL_INDEX_FILE))

    return app_singleton(state, "candidate_pool", make)


def warm_pool(state: State, store: Store) -> None:
    """Load the app's candidate pool (at start, so no reader waits for it)."""
    try:
        _pool(state, store).snapshot(datetime.now(UTC))
    except Exception:  # the first feed request tries again
        log.exception("could not load the feed's candidate pool")


class ReadyOut(BaseModel):
    ready: bool = Field(
        description="The feed's candidate pool is loaded and its neighbour index built."
    )
    pool_stories: int = Field(description="Stories in the candidate pool.")


ready_router = APIRouter(tags=["health"])


@ready_router.get(
    "/readyz",
    response_model=ReadyOut,
    summary="Readiness: whether feed pages are complete and fast yet",
    responses={503: {"model": ReadyOut, "description": "Still loading."}},
)
def readyz(request: Request, store: StoreDep) -> JSONResponse:
    """503 while the server loads its candidate pool and builds the pool's neighbour
    index (about a minute on 100,000 stories); pages are served meanwhile, without the
    interest neighbours. For load balancers and benchmarks."""
    pool = shared_pool(request, store)
    out = ReadyOut(ready=pool.ready, pool_stories=pool.stories)
    return JSONResponse(out.model_dump(), status_code=200 if out.ready else 503)


class FeedItemOut(BaseModel):
    story_id: int
    article_id: int = Field(description="The article shown for the story.")
    headline: ShownHeadlineOut
    topic: str | None
    outlets: list[str] = Field(description="Every outlet covering the story.")
    story_size: int
    published_at: str | None
    slot: str = Field(
        description="`personal`, `perspective` (an outlet you seldom read), `explore`, "
        "`top` or `latest`."
    )
    score: float
    why: list[str] = Field(description="Why this story, in words, strongest reason first.")
    reader_url: str
    story_url: str


class FeedOut(BaseModel):
    reader: str | None
    mode: str = Field(description="The feed served: `personal`, `top` or `latest`.")
    items: list[FeedItemOut]


class ControlIn(BaseModel):
    kind: Literal["source", "topic", "entity", "keyword", "story"]
    value: str = Field(min_length=1, max_length=300)
    action: Literal["mute", "boost"] | None = Field(description="None removes the control.")


class ControlsOut(BaseModel):
    reader: str
    personalized: bool
    muted: list[tuple[str, str]]
    boosted: list[tuple[str, str]]
    hidden_stories: list[int]
    region: str | None = Field(description="The country the reader reads from, if set.")


class SettingsIn(BaseModel):
    personalized: bool | None = Field(
        default=None, description="Personalisation on or off (left as it is if absent)."
    )
    region: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z]{2}$",
        description='ISO 3166-1 alpha-2 country the reader reads from, for "popular in '
        'your region"; null clears it, absent leaves it as it is.',
    )


@router.get("/feed", response_model=FeedOut, summary="A reader's feed: ranked stories, why each")
def feed(
    request: Request,
    store: StoreDep,
    user: Annotated[str | None, Query(max_length=200, description="Reader id.")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 30,
    mode: Annotated[Literal["personal", "top", "latest"], Query()] = "personal",
) -> FeedOut:
    """One entry per story (never five copies of one event). `personal` learns from the
    reader's events within seconds; with personalisation switched off, or without a
    reader, the editorial `top` feed is served. Mutes and hidden stories always apply."""
    user = reader_for_api(request, user)
    served = serve_feed(request, store, user, mode=mode, limit=limit)
    items = [
        FeedItemOut(
            story_id=entry.candidate.story_id,
            article_id=article.id,
            headline=ShownHeadlineOut.from_shown(shown),
            topic=entry.candidate.topic,
            outlets=list(entry.candidate.outlets),
            story_size=entry.candidate.story_size,
            published_at=entry.candidate.published_at,
            slot=entry.slot,
            score=round(entry.score, 5),
            why=list(entry.reasons),
            reader_url=reader_path(article.id),
            story_url=story_path(entry.candidate.story_id),
        )
        for entry, article, shown in served.entries
    ]
    return FeedOut(reader=user, mode=served.mode, items=items)


@dataclass(frozen=True)
class ServedFeed:
    """A feed page as served: the mode actually used, and each entry with its article
    and the headline shown for it."""

    mode: str
    entries: list[tuple[RankedStory, StoredArticle, ShownHeadline]]


def serve_feed(
    request: Request, store: Store, reader: str | None, *, mode: str, limit: int
) -> ServedFeed:
    """Rank a page for ``reader``, choose each story's headline, and log the page's
    impressions (for the API and the HTML page alike)."""
    ranker = shared_ranker(request.app.state, store)
    service = FeedService(store, ranker, shared_pool(request, store))
    page, served = service.feed(reader, mode=mode, limit=limit)
    articles = store.get_articles([p.candidate.article_id for p in page])
    choices = shown_headlines.choose_for(store, articles, coverage.article_briefs(store, articles))
    by_id = {a.id: a for a in articles}
    entries = [
        (entry, article, shown_headlines.shown(article, choices.get(article.id)))
        for entry in page
        if (article := by_id.get(entry.candidate.article_id)) is not None
    ]
    events = [
        impression(entry, article.id, position, served, reader, shown.headline_id)
        for position, (entry, article, shown) in enumerate(entries)
    ]
    try:
        store.record_events(events)
    except Exception:  # the page is served even when the log cannot be written
        log.exception("could not log %d feed impressions", len(events))
    return ServedFeed(served, entries)


def impression(
    entry: RankedStory,
    article_id: int,
    position: int,
    served: str,
    reader: str | None,
    headline_id: int | None,
) -> NewEvent:
    """The log entry of one feed item shown: what, where, in which slot, under which
    headline (the ranking and the headline learners both read it)."""
    return NewEvent(
        "impression",
        article_id=article_id,
        reader=reader,
        data={
            "feed": served,
            "story_id": entry.candidate.story_id,
            "position": position,
            "slot": entry.slot,
            "headline_id": headline_id,
        },
    )


def learn(request: Request, store: Store) -> Learned:
    """Fold new events into the headline records and the ranker (see ``learning``)."""
    return learn_now(request.app.state, store, max_events=MAX_EVENTS_IN_REQUEST)


@router.get("/readers/{reader}/controls", response_model=ControlsOut, summary="A reader's controls")
def get_controls(request: Request, store: StoreDep, reader: ReaderId) -> ControlsOut:
    return _controls(store, _own(request, reader))


@router.post(
    "/readers/{reader}/controls",
    response_model=ControlsOut,
    summary="Mute or boost a source, topic, entity or keyword; hide a story",
)
def set_control(
    request: Request, store: StoreDep, reader: ReaderId, control: ControlIn
) -> ControlsOut:
    reader = _own(request, reader)
    try:
        store.set_control(reader, control.kind, control.value, control.action)
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    return _controls(store, reader)


@router.put(
    "/readers/{reader}/settings",
    response_model=ControlsOut,
    summary="Switch personalisation on or off; set the reader's region",
)
def set_settings(
    request: Request, store: StoreDep, reader: ReaderId, settings: SettingsIn
) -> ControlsOut:
    reader = _own(request, reader)
    if settings.personalized is not None:
        store.set_personalized(reader, settings.personalized)
    if "region" in settings.model_fields_set:
        store.set_region(reader, settings.region.upper() if settings.region else None)
    return _controls(store, reader)


def _own(request: Request, reader: str) -> str:
    """``reader``, if the caller may act for them (``deps.reader_for_api``)."""
    return reader_for_api(request, reader) or reader


def _controls(store: Store, reader: str) -> ControlsOut:
    controls = store.reader_controls(reader)
    return ControlsOut(
        reader=reader,
        personalized=controls.personalized,
        muted=sorted(controls.muted),
        boosted=sorted(controls.boosted),
        hidden_stories=sorted(controls.hidden),
        region=controls.region,
    )
