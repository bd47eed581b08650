"""The Google Reader API's routes for subscriptions and folders ("labels").

A folder exists by having subscriptions in it (the store keeps one folder per
subscription), so renaming or dissolving a folder rewrites those subscriptions.
Adding a feed by URL goes through ``pipeline.add_source``: autodiscovery from a page,
and the crawler's rules on which addresses may be fetched (no private networks).
"""

from __future__ import annotations

import logging

import anyio.from_thread
from fastapi import APIRouter
from starlette.responses import PlainTextResponse, Response

from tidings.config import CrawlSettings
from tidings.errors import TidingsError
from tidings.pipeline import add_source
from tidings.records import Source, SourceKind, Subscription
from tidings.serve.deps import CrawlDep, StoreDep
from tidings.serve.googlereader import response
from tidings.serve.googlereader.handler import API, check_output
from tidings.serve.googlereader.middleware import (
    ChangingSessionDep,
    ParamsDep,
    ReaderAPIError,
    ReaderRoute,
    SessionDep,
    bad_request,
)
from tidings.serve.googlereader.response import JSON
from tidings.serve.googlereader.streams import Stream, label_name, parse_stream
from tidings.store.base import Store

log = logging.getLogger(__name__)

router = APIRouter(route_class=ReaderRoute, include_in_schema=False)


@router.get(f"{API}/subscription/list")
def subscription_list(store: StoreDep, session: SessionDep, params: ParamsDep) -> JSON:
    check_output(params)
    subs = store.subscriptions(session.account.id)
    return {"subscriptions": [response.subscription(sub) for sub in subs]}


@router.post(f"{API}/subscription/quickadd")
def quickadd(
    store: StoreDep, crawl: CrawlDep, session: ChangingSessionDep, params: ParamsDep
) -> JSON:
    """Subscribe to ``quickadd`` (a feed, or a page advertising one). A URL that cannot
    be added is answered 200 with ``numResults: 0`` and the reason, for the app to
    show."""
    check_output(params)
    query = params.get("quickadd", "").strip()
    url = query.removeprefix(response.FEED_PREFIX)
    try:
        if not url.startswith(("http://", "https://")):
            raise bad_request("give the http(s) URL of a feed or of a page that links one")
        source = add_feed(store, url, crawl)
    except ReaderAPIError as exc:
        return {"numResults": 0, "query": query, "error": exc.message}
    account_id = session.account.id
    old = next((s for s in store.subscriptions(account_id) if s.source.id == source.id), None)
    sub = old or _subscribe(store, account_id, source, title=None, folder=None)
    return {
        "numResults": 1,
        "query": query,
        "streamId": response.feed_stream_id(source.id),
        "streamName": sub.display_title,
    }


@router.post(f"{API}/subscription/edit")
def subscription_edit(
    store: StoreDep, crawl: CrawlDep, session: ChangingSessionDep, params: ParamsDep
) -> Response:
    """``ac=subscribe|unsubscribe|edit`` the feeds ``s`` (``feed/<id>``, or to subscribe
    ``feed/<url>``), with ``t`` a new title, ``a``/``r`` a folder to put them in/take
    them out of. Unsubscribing leaves the source to the other accounts."""
    account_id = session.account.id
    action = params.get("ac", "").strip()
    if action not in ("subscribe", "unsubscribe", "edit"):
        raise bad_request("ac is subscribe, unsubscribe or edit")
    streams = [parse_stream(s, account_id, allow_url=True) for s in params.getlist("s")]
    if not streams or any(s.kind != "feed" for s in streams):
        raise bad_request("give the feeds to change as s=feed/<id>")
    title = params.get("t", "").strip() or None
    added = params.get("a", "").strip()
    removed = params.get("r", "").strip()
    to_folder = label_name(added) if added else None
    from_folder = label_name(removed) if removed else None
    current = {sub.source.id: sub for sub in store.subscriptions(account_id)}
    for stream in streams:
        if action == "subscribe":
            source = (
                add_feed(store, stream.url, crawl)
                if stream.url
                else _existing_source(store, stream)
            )
            old = current.get(source.id)
            _subscribe(
                store,
                account_id,
                source,
                title=title or (old.title if old else None),
                folder=to_folder or (old.folder if old else None),
            )
            continue
        sub = _subscription(current, stream)
        if action == "unsubscribe":
            if sub is not None:
                store.unsubscribe(account_id, sub.source.id)
            continue
        if sub is None:
            raise ReaderAPIError(404, f"not subscribed to {stream.id}")
        folder = None if from_folder is not None and sub.folder == from_folder else sub.folder
        store.subscribe(
            account_id, sub.source.id, title=title or sub.title, folder=to_folder or folder
        )
    return PlainTextResponse("OK")


@router.get(f"{API}/tag/list")
def tag_list(store: StoreDep, session: SessionDep, params: ParamsDep) -> JSON:
    """The starred state and the account's folders."""
    check_output(params)
    folders = sorted({sub.folder for sub in store.subscriptions(session.account.id) if sub.folder})
    tags: list[JSON] = [{"id": response.STARRED}]
    tags += [{"id": response.label_stream_id(f), "type": "folder"} for f in folders]
    return {"tags": tags}


@router.post(f"{API}/rename-tag")
def rename_tag(store: StoreDep, session: ChangingSessionDep, params: ParamsDep) -> Response:
    """Rename the folder ``s`` to ``dest`` (merging them if ``dest`` exists)."""
    account_id = session.account.id
    old = label_name(params.get("s", "").strip())
    new = label_name(params.get("dest", "").strip())
    moved = _move_folder(store, account_id, old, new)
    if not moved:
        raise ReaderAPIError(404, f"no folder named {old[:200]}")
    return PlainTextResponse("OK")


@router.post(f"{API}/disable-tag")
def disable_tag(store: StoreDep, session: ChangingSessionDep, params: ParamsDep) -> Response:
    """Dissolve the folder ``s``: its feeds stay subscribed, outside any folder (a folder
    that is already gone is fine)."""
    _move_folder(store, session.account.id, label_name(params.get("s", "").strip()), None)
    return PlainTextResponse("OK")


def add_feed(store: Store, url: str, crawl: CrawlSettings) -> Source:
    """The source for ``url`` (a feed or sitemap, or the feed a page links to), added
    if new; 400 with the reason when it cannot be fetched or has no feed.

    Runs ``add_source`` on the event loop from this worker thread.
    """
    try:
        added = anyio.from_thread.run(add_source, store, url, crawl)
    except (TidingsError, ValueError, OSError) as exc:
        log.info("Google Reader API: cannot add %s: %s", url, exc)
        raise bad_request(f"cannot add {url}: {exc}") from exc
    if added.source.kind is SourceKind.PAGE:
        if added.created:  # a page is not something to subscribe to: leave no trace
            store.remove_source(added.source.id)
        raise bad_request(f"no feed found at {url}")
    return added.source


def _existing_source(store: Store, stream: Stream) -> Source:
    try:
        return store.get_source(stream.source_id or 0)
    except TidingsError as exc:
        raise ReaderAPIError(404, f"no feed {stream.id}") from exc


def _subscription(current: dict[int, Subscription], stream: Stream) -> Subscription | None:
    if stream.source_id is not None:
        return current.get(stream.source_id)
    return next((s for s in current.values() if s.source.url == stream.url), None)


def _subscribe(
    store: Store, account_id: int, source: Source, *, title: str | None, folder: str | None
) -> Subscription:
    store.subscribe(account_id, source.id, title=title, folder=folder)
    return Subscription(source, title, folder)


def _move_folder(store: Store, account_id: int, old: str, new: str | None) -> int:
    """Move every subscription in folder ``old`` to ``new`` (None: no folder)."""
    moved = 0
    for sub in store.subscriptions(account_id):
        if sub.folder == old:
            store.subscribe(account_id, sub.source.id, title=sub.title, folder=new)
            moved += 1
    return moved
