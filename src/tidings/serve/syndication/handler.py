"""Feeds of Tidings itself, in Atom (``.atom``) and JSON Feed (``.json``), so that feed
readers (and other Tidings) can follow it: the latest articles, the top stories, one
source's, one topic's, and a logged-in account's subscriptions (``/feeds/me``).

Public feeds list each article under the headline the web pages show for it (the
headline bandit's honest choice), drawn with a fixed seed: a feed reader polling
every few minutes gets the same titles, and the same ``ETag``, while nothing
changed. A poll is not a reader seeing a page, so no impression is logged (the
bandit would learn that headlines are never clicked). ``/feeds/me`` shows the
outlets' own titles, as the reader APIs do.

Errors (unknown feed, refused login) are answered in plain text, never an HTML page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from fastapi import APIRouter, Request
from starlette.responses import PlainTextResponse, Response

from tidings.errors import NotFoundError
from tidings.pipeline.rank import FeedService
from tidings.records import Account, StoredArticle
from tidings.serve import coverage
from tidings.serve import headlines as shown_headlines
from tidings.serve.deps import StoreDep, auth_required
from tidings.serve.feed import shared_pool
from tidings.serve.learning import shared_ranker
from tidings.serve.syndication import atom, jsonfeed
from tidings.serve.syndication.access import Refused, feed_reader
from tidings.serve.syndication.conditional import feed_response
from tidings.serve.syndication.entries import Feed, Site, feed_of
from tidings.store.base import ItemFilter, Store

log = logging.getLogger(__name__)

#: Entries in every feed.
FEED_SIZE = 50
#: The seed of the headline draw (see the module's docstring).
HEADLINE_SEED = 0

WRITERS: dict[str, tuple[Callable[[Feed], bytes], str]] = {
    "atom": (atom.write_atom, atom.MEDIA_TYPE),
    "json": (jsonfeed.write_json_feed, jsonfeed.MEDIA_TYPE),
}
_FORMATS: dict[int | str, dict[str, Any]] = {
    200: {"content": {atom.MEDIA_TYPE.split(";")[0]: {}, jsonfeed.MEDIA_TYPE.split(";")[0]: {}}},
    304: {"description": "Not modified (conditional GET)."},
    401: {"description": "A login is needed (HTTP Basic auth or the web session)."},
    404: {"description": "No such feed."},
}

router = APIRouter(prefix="/feeds", tags=["feeds"], responses=_FORMATS)

#: Builds a feed for the account reading it (None: anonymous); None if there is none.
Build = Callable[[Account | None], Feed | None]


def _answer(request: Request, fmt: str, build: Build, *, own: bool = False) -> Response:
    """The feed ``build`` makes, written as ``fmt``, to a reader allowed to read it
    (``own``: the account's own feed, which always needs a login)."""
    writer = WRITERS.get(fmt)
    if writer is None:
        return PlainTextResponse("no such feed: feeds end in .atom or .json", status_code=404)
    try:
        account = feed_reader(request, required=own or auth_required(request))
    except Refused as exc:
        return PlainTextResponse(exc.message, status_code=exc.status, headers=exc.headers)
    feed = build(account)
    if feed is None:
        return PlainTextResponse("no such feed", status_code=404)
    write, media_type = writer
    modified = feed.updated if feed.entries else None  # an empty feed never changed
    return feed_response(request, write(feed), media_type, modified, private=account is not None)


def _site(request: Request) -> Site:
    return Site.of(str(request.base_url), getattr(request.app.state, "title", "Tidings"))


def _self_url(request: Request) -> str:
    return str(request.url.replace(query=""))


def _public(
    request: Request,
    store: Store,
    key: str,
    title: str,
    home_path: str,
    articles: Sequence[StoredArticle],
) -> Feed:
    """A public feed of ``articles``, each under the headline the site shows for it."""
    briefs = coverage.article_briefs(store, articles)
    rng = np.random.default_rng(HEADLINE_SEED)
    choices = shown_headlines.choose_for(store, articles, briefs, rng=rng)
    titles = {a.id: shown_headlines.shown(a, choices.get(a.id)).text for a in articles}
    return feed_of(
        _site(request),
        key,
        title,
        home_path=home_path,
        self_url=_self_url(request),
        articles=articles,
        titles=titles,
        topics={a.id: briefs[a.id].topic for a in articles},
    )


@router.get("/latest.{fmt}", summary="The newest articles (Atom or JSON Feed)")
def latest(request: Request, store: StoreDep, fmt: str) -> Response:
    """The 50 newest articles, duplicates hidden, as on the "Latest" page."""

    def build(_: Account | None) -> Feed:
        articles = store.list_articles(limit=FEED_SIZE).items
        return _public(request, store, "latest", "Latest", "/", articles)

    return _answer(request, fmt, build)


@router.get("/top.{fmt}", summary="The top stories (Atom or JSON Feed)")
def top(request: Request, store: StoreDep, fmt: str) -> Response:
    """The editorial top stories, one entry per story, as on the "Top stories" page."""

    def build(_: Account | None) -> Feed:
        service = FeedService(
            store, shared_ranker(request.app.state, store), shared_pool(request, store)
        )
        page, _mode = service.feed(None, mode="top", limit=FEED_SIZE)
        ids = [entry.candidate.article_id for entry in page]
        by_id = {a.id: a for a in store.get_articles(ids)}
        articles = [by_id[i] for i in ids if i in by_id]
        return _public(request, store, "top", "Top stories", "/top", articles)

    return _answer(request, fmt, build)


@router.get("/sources/{source_id}.{fmt}", summary="One source's newest articles")
def source(request: Request, store: StoreDep, source_id: str, fmt: str) -> Response:
    def build(_: Account | None) -> Feed | None:
        if not source_id.isdecimal() or len(source_id) > 18:
            return None
        try:
            found = store.get_source(int(source_id))
        except NotFoundError:
            return None
        articles = store.list_articles(limit=FEED_SIZE, source_id=found.id).items
        title = found.title or found.url
        path = f"/sources/{found.id}"
        return _public(request, store, f"source/{found.id}", title, path, articles)

    return _answer(request, fmt, build)


@router.get("/topics/{topic}.{fmt}", summary="One topic's newest articles")
def topic(request: Request, store: StoreDep, topic: str, fmt: str) -> Response:
    """The newest articles the language stage gave ``topic`` (empty for a topic
    nothing has: topics are open-ended, an unknown one is not an error)."""

    def build(_: Account | None) -> Feed | None:
        if len(topic) > 100:
            return None
        articles = store.list_articles(limit=FEED_SIZE, topic=topic).items
        return _public(request, store, f"topic/{topic}", topic.capitalize(), "/", articles)

    return _answer(request, fmt, build)


@router.get("/me.{fmt}", summary="Your subscriptions' newest articles (needs a login)")
def me(request: Request, store: StoreDep, fmt: str) -> Response:
    """The newest articles of the logged-in account's subscriptions (one of each
    duplicate), under the outlets' own titles. HTTP Basic auth or the web session."""

    def build(account: Account | None) -> Feed | None:
        if account is None:  # _answer refuses anonymous readers first
            return None
        items = store.reader_items(account.id, ItemFilter(limit=FEED_SIZE))
        return feed_of(
            _site(request),
            f"account/{account.id}",
            f"{account.username}'s subscriptions",
            home_path="/",
            self_url=_self_url(request),
            articles=[item.article for item in items],
        )

    return _answer(request, fmt, build, own=True)
