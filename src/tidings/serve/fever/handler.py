"""The Fever API endpoint, ``/fever/?api``: reads and marks, as Reeder, Unread, Fiery
Feeds, ReadKit and Read You speak it to Miniflux and FreshRSS.

One URL answers everything; the parameters say what to do. Several read verbs may be
combined in one call (``?api&groups&feeds``) and all are answered; a ``mark`` is
applied before the reads. What an account sees: the articles of the sources it
subscribes to (one of each cross-feed duplicate), plus the articles it starred.

Not supported, deliberately: Sparks and hot links (``links`` is always empty, no feed
is a spark), real favicons (a placeholder), XML answers (``api=xml`` gets JSON),
and adding or editing feeds and groups (Fever has no verbs for that).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from tidings.records import ReaderItem
from tidings.serve.deps import StoreDep
from tidings.serve.fever import response
from tidings.serve.fever.middleware import AccountDep, FeverParams, ParamsDep, bad_request
from tidings.serve.visible import visible_ids, visible_items
from tidings.store.base import ItemFilter, Store

log = logging.getLogger(__name__)

router = APIRouter(tags=["fever"])

_ITEM_MARKS = {
    "read": {"read": True},
    "unread": {"read": False},
    "saved": {"starred": True},
    "unsaved": {"starred": False},
}


@router.get("/fever/", summary="The Fever API", operation_id="fever_get")
@router.post("/fever/", summary="The Fever API", operation_id="fever_post")
@router.api_route("/fever", methods=["GET", "POST"], include_in_schema=False)
def fever(params: ParamsDep, account: AccountDep, store: StoreDep) -> JSONResponse:
    """Every Fever call: `?api` plus verbs (`groups`, `feeds`, `favicons`, `items`,
    `links`, `unread_item_ids`, `saved_item_ids`, `mark`), the `api_key` usually in a
    form-encoded POST body. A wrong key gets `{"api_version": 3, "auth": 0}`."""
    if account is None:
        return JSONResponse(response.unauthenticated())
    account_id = account.id
    body: dict[str, object] = {}
    if params.has("mark"):
        body.update(_mark(store, account_id, params))
    subscriptions = store.subscriptions(account_id)
    answer = response.envelope(subscriptions)
    if params.has("groups"):
        answer["groups"] = response.groups(subscriptions)
    if params.has("groups") or params.has("feeds"):
        answer["feeds_groups"] = response.feeds_groups(subscriptions)
    if params.has("feeds"):
        answer["feeds"] = [response.feed(s) for s in subscriptions]
    if params.has("favicons"):
        answer["favicons"] = [response.favicon(s) for s in subscriptions]
    if params.has("items"):
        answer["items"] = [response.item(i) for i in _items(store, account_id, params)]
        answer["total_items"] = len(visible_ids(store, account_id, ItemFilter()))
    if params.has("links"):
        answer["links"] = []  # no Sparks, so no hot links
    if params.has("unread_item_ids"):
        body["unread_item_ids"] = _unread_ids(store, account_id)
    if params.has("saved_item_ids"):
        body["saved_item_ids"] = _saved_ids(store, account_id)
    answer.update(body)
    return JSONResponse(answer)


def _items(store: Store, account_id: int, params: FeverParams) -> list[ReaderItem]:
    """At most 50 items: after ``since_id`` (ascending), before ``max_id`` (descending;
    ``max_id=0``: the newest), exactly ``with_ids``, or with none of these the 50
    newest (descending, as ``max_id=0``; Miniflux gives the oldest instead, but a
    client that asks for items without saying which wants the fresh ones)."""
    page = response.MAX_ITEMS
    if params.has("since_id"):
        since = params.number("since_id", minimum=0, default=0)
        where = ItemFilter(after_id=since, by_id=True, oldest_first=True, limit=page)
    elif params.has("max_id"):
        before = params.number("max_id", minimum=0, default=0)
        where = ItemFilter(before_id=before or None, by_id=True, limit=page)
    elif params.has("with_ids"):
        ids = params.ids("with_ids", limit=page)
        if not ids:
            return []
        where = ItemFilter(ids=ids, by_id=True, oldest_first=True)
    else:
        where = ItemFilter(by_id=True, limit=page)
    return visible_items(store, account_id, where)


def _unread_ids(store: Store, account_id: int) -> str:
    return response.id_string(visible_ids(store, account_id, ItemFilter(unread=True)))


def _saved_ids(store: Store, account_id: int) -> str:
    ids = store.reader_item_ids(account_id, ItemFilter(starred=True, by_id=True, oldest_first=True))
    return response.id_string(ids)


def _mark(store: Store, account_id: int, params: FeverParams) -> dict[str, object]:
    """Apply ``mark=item|feed|group``; returns the id list Fever sends back after it
    (``unread_item_ids`` after a read or unread mark, ``saved_item_ids`` after saved
    or unsaved). Ids the account does not see change nothing, as in Fever: a client
    replaying marks for items since deleted is not an error."""
    kind, state = params.text("mark"), params.text("as")
    if kind == "item":
        if state not in _ITEM_MARKS:
            raise bad_request("as must be read, unread, saved or unsaved for mark=item")
        item_id = params.number("id", minimum=1)
        if visible_ids(store, account_id, ItemFilter(ids=(item_id,))):
            store.set_article_state(account_id, [item_id], **_ITEM_MARKS[state])
        else:
            log.debug("fever: account %d marked item %d it does not see", account_id, item_id)
        if state in ("saved", "unsaved"):
            return {"saved_item_ids": _saved_ids(store, account_id)}
        return {"unread_item_ids": _unread_ids(store, account_id)}
    if kind not in ("feed", "group"):
        raise bad_request("mark must be item, feed or group")
    if state != "read":
        raise bad_request(f"as must be read for mark={kind}")
    before = _crawl_bound(params)
    if kind == "feed":
        feed_id = params.number("id", minimum=1)
        store.mark_read(account_id, ItemFilter(source_ids=(feed_id,), crawled_before=before))
    else:
        group = params.number("id", minimum=response.SPARKS_GROUP)
        if group == response.ALL_GROUP:
            store.mark_read(account_id, ItemFilter(crawled_before=before))
        elif group != response.SPARKS_GROUP:
            folder = response.folders(store.subscriptions(account_id)).get(group)
            if folder is not None:
                store.mark_read(account_id, ItemFilter(folder=folder, crawled_before=before))
    return {"unread_item_ids": _unread_ids(store, account_id)}


def _crawl_bound(params: FeverParams) -> str:
    """``before`` (Unix seconds: the client's last items call) as the store's ISO crawl
    time: items crawled at or before it are marked, newer ones the client has not
    seen stay unread."""
    before = params.number("before", minimum=0)
    try:
        moment = datetime.fromtimestamp(before, UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise bad_request("before must be a Unix time in seconds") from exc
    return moment.isoformat(timespec="seconds")
