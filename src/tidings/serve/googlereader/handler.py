"""The Google Reader API's routes for logging in, streams and items (the subscription
and folder routes are in ``subscriptions``).

This is the subset reader apps (NetNewsWire, Reeder, Read You, FocusReader,
Newsflash) use with FreshRSS and Miniflux, spoken as they speak it: form-encoded
POSTs, query parameters, JSON with ``output=json`` (the only output), errors in plain
text. Endpoints doing store work are plain ``def`` (run in the thread pool).
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from tidings.records import ReaderItem
from tidings.serve import accounts
from tidings.serve.deps import StoreDep
from tidings.serve.googlereader import response
from tidings.serve.googlereader.middleware import (
    ChangingSessionDep,
    Params,
    ParamsDep,
    ReaderRoute,
    SessionDep,
    bad_request,
)
from tidings.serve.googlereader.response import JSON, KEPT_UNREAD, READ, STARRED
from tidings.serve.googlereader.streams import (
    MAX_CONTENTS,
    MAX_IDS,
    iso_of_epoch,
    item_ids,
    normalize,
    parse_int,
    parse_query,
    parse_stream,
    stream_page,
    visible_ids,
    visible_items,
)
from tidings.serve.login import client_address, login_failures
from tidings.store.base import Store

log = logging.getLogger(__name__)

router = APIRouter(route_class=ReaderRoute, include_in_schema=False)
API = "/reader/api/0"


def check_output(params: Params) -> None:
    """JSON is the only output this server speaks (no Atom, no XML)."""
    if params.get("output", "json") not in ("", "json"):
        raise bad_request("only output=json is supported")


# --- logging in -------------------------------------------------------------------


@router.api_route("/accounts/ClientLogin", methods=["GET", "POST"])
def client_login(request: Request, store: StoreDep, params: ParamsDep) -> Response:
    """``Email`` and ``Passwd`` (form, or query on GET) for an API token, given as both
    ``SID`` and ``Auth``; ``output=json`` gives the same as JSON. Failed logins count
    with the web form's (``login.login_failures``): too many from one address get 429."""
    failures, client = login_failures(request), client_address(request)
    if failures.too_many(client):
        return PlainTextResponse("Error=TooManyAttempts\n", status_code=429)
    username, password = params.get("Email", ""), params.get("Passwd", "")
    account = None
    if username and password and len(username) <= 64 and len(password) <= 1024:
        account = accounts.authenticate(store, username, password)
    if account is None:
        failures.add(client)
        return PlainTextResponse("Error=BadAuthentication\n", status_code=401)
    token = accounts.open_session(store, account, kind="api").token
    log.info("Google Reader API login: %s", account.username)
    if params.get("output") == "json":
        return JSONResponse({"SID": token, "LSID": None, "Auth": token})
    return PlainTextResponse(f"SID={token}\nLSID=null\nAuth={token}\n")


@router.get(f"{API}/token")
def token(session: SessionDep) -> Response:
    """The session's CSRF token, which every changing call sends back as ``T``."""
    return PlainTextResponse(session.csrf)


@router.get(f"{API}/user-info")
def user_info(session: SessionDep, params: ParamsDep) -> JSON:
    check_output(params)
    account = session.account
    return {
        "userId": str(account.id),
        "userName": account.username,
        "userProfileId": str(account.id),
        "userEmail": account.username,
    }


# --- streams and items ----------------------------------------------------------


@router.get(f"{API}/unread-count")
def unread_count(store: StoreDep, session: SessionDep, params: ParamsDep) -> JSON:
    """Unread articles per subscription, per folder, and in all (``reading-list``)."""
    check_output(params)
    counts = store.unread_counts(session.account.id)
    entries: list[JSON] = []
    folders: dict[str, tuple[int, str]] = {}
    total, newest = 0, ""
    for sub in store.subscriptions(session.account.id):
        count, latest = counts.get(sub.source.id, (0, ""))
        entries.append(_count(response.feed_stream_id(sub.source.id), count, latest))
        total += count
        newest = max(newest, latest)
        if sub.folder:
            before = folders.get(sub.folder, (0, ""))
            folders[sub.folder] = (before[0] + count, max(before[1], latest))
    for folder, (count, latest) in sorted(folders.items()):
        entries.append(_count(response.label_stream_id(folder), count, latest))
    entries.append(_count(response.READING_LIST, total, newest))
    return {"max": total, "unreadcounts": entries}


def _count(stream_id: str, count: int, newest: str) -> JSON:
    return {"id": stream_id, "count": count, "newestItemTimestampUsec": response.usec(newest)}


@router.api_route(f"{API}/stream/items/ids", methods=["GET", "POST"])
def stream_item_ids(store: StoreDep, session: SessionDep, params: ParamsDep) -> JSON:
    """The ids of a stream's items, newest crawled first (``r=o``: oldest first)."""
    check_output(params)
    account_id = session.account.id
    stream = parse_stream(_required(params, "s"), account_id)
    query = parse_query(stream, params, cap=MAX_IDS)
    refs, continuation = stream_page(
        store, account_id, query, store.reader_item_times, lambda ref: ref[0]
    )
    answer: JSON = {"itemRefs": [response.item_ref(*ref) for ref in refs]}
    if continuation:
        answer["continuation"] = continuation
    return answer


@router.api_route(f"{API}/stream/items/contents", methods=["GET", "POST"])
def stream_items_contents(store: StoreDep, session: SessionDep, params: ParamsDep) -> JSON:
    """The items ``i`` names (either id spelling) that the account can see."""
    check_output(params)
    account_id = session.account.id
    items = visible_items(store, account_id, item_ids(params))
    return _contents(store, account_id, response.READING_LIST, items, None)


@router.get(f"{API}/stream/contents")
def stream_contents_by_param(store: StoreDep, session: SessionDep, params: ParamsDep) -> JSON:
    return _stream_contents(store, session.account.id, params, params.get("s") or "")


@router.get(f"{API}/stream/contents/{{stream_id:path}}")
def stream_contents(
    stream_id: str, store: StoreDep, session: SessionDep, params: ParamsDep
) -> JSON:
    """A stream's items with their content; the stream id is in the path."""
    return _stream_contents(store, session.account.id, params, stream_id)


def _stream_contents(store: Store, account_id: int, params: Params, stream_id: str) -> JSON:
    check_output(params)
    if not stream_id:
        raise bad_request("give a stream (s)")
    stream = parse_stream(stream_id, account_id)
    items, continuation = stream_page(
        store,
        account_id,
        parse_query(stream, params, cap=MAX_CONTENTS),
        store.reader_items,
        lambda item: item.article.id,
    )
    return _contents(store, account_id, stream.id, items, continuation)


def _contents(
    store: Store,
    account_id: int,
    stream_id: str,
    items: list[ReaderItem],
    continuation: str | None,
) -> JSON:
    subscriptions = {sub.source.id: sub for sub in store.subscriptions(account_id)}
    answer: JSON = {
        "id": stream_id,
        "updated": int(time.time()),
        "items": [response.item(i, subscriptions) for i in items],
    }
    if continuation:
        answer["continuation"] = continuation
    return answer


@router.post(f"{API}/edit-tag")
def edit_tag(store: StoreDep, session: ChangingSessionDep, params: ParamsDep) -> Response:
    """Mark items read or unread (``a``/``r`` = ``.../read``), starred or not."""
    read: bool | None = None
    starred: bool | None = None
    changes = [(t, True) for t in params.getlist("a")] + [(t, False) for t in params.getlist("r")]
    for given, adding in changes:
        tag = normalize(given.strip(), session.account.id)
        if tag == READ:
            wanted: tuple[bool | None, bool | None] = (adding, None)
        elif tag == STARRED:
            wanted = (None, adding)
        elif tag == KEPT_UNREAD:
            wanted = (False if adding else None, None)
        elif tag.startswith(response.LABEL_PREFIX):
            raise bad_request("labels on single items are not supported (only folders of feeds)")
        else:
            raise bad_request(f"unsupported tag: {tag[:200]} (use {READ} or {STARRED})")
        read = _merge(read, wanted[0], "read")
        starred = _merge(starred, wanted[1], "starred")
    if read is None and starred is None:
        raise bad_request(f"add (a) or remove (r) {READ} or {STARRED}")
    account_id = session.account.id
    ids = visible_ids(store, account_id, item_ids(params))
    store.set_article_state(account_id, ids, read=read, starred=starred)
    return PlainTextResponse("OK")


def _merge(current: bool | None, wanted: bool | None, what: str) -> bool | None:
    if wanted is None:
        return current
    if current is not None and current != wanted:
        raise bad_request(f"cannot both add and remove {what}")
    return wanted


@router.post(f"{API}/mark-all-as-read")
def mark_all_as_read(store: StoreDep, session: ChangingSessionDep, params: ParamsDep) -> Response:
    """Mark a stream read, up to ``ts`` (µs) if given: what arrived since stays unread."""
    account_id = session.account.id
    stream = parse_stream(_required(params, "s"), account_id)
    where = stream.where()
    ts = parse_int(params, "ts")
    if ts is not None:
        where = replace(where, crawled_before=iso_of_epoch(ts // 1_000_000, "ts"))
    marked = store.mark_read(account_id, where)
    log.debug("marked %d items of %s read", marked, stream.id)
    return PlainTextResponse("OK")


def _required(params: Params, name: str) -> str:
    value = params.get(name, "").strip()
    if not value:
        raise bad_request(f"give {name}")
    return value
