"""The reader's feeds in HTML: "For you", "Top stories", and the reader's controls.

The reader is the logged-in account, or (on an instance without accounts) an anonymous
id kept in a cookie (HttpOnly, SameSite=Lax), created on the first visit. Forms post
mutes, boosts, "less like this" and the personalisation switch, each with the
visitor's CSRF token (``deps.csrf_ok``); a post without it, or whose ``Origin`` is
another site, is refused.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from tidings.serve.deps import StoreDep, csrf_ok, remember, visitor
from tidings.serve.feed import learn, serve_feed
from tidings.serve.web import RowId, marks, render, render_error
from tidings.store.base import NewEvent, Store

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

PAGE_SIZE = 30
#: A form without the visitor's CSRF token, or from another site.
_FORGED = "That form has expired or came from another site: reload the page and try again."

CsrfForm = Annotated[str, Form(max_length=100)]


def _page(request: Request, store: Store, mode: str, title: str, nav: str) -> Response:
    reader = visitor(request).reader
    served = serve_feed(request, store, reader, mode=mode, limit=PAGE_SIZE)
    controls = store.reader_controls(reader)
    return render(
        request,
        "feed.html",
        {
            "title": title,
            "nav": nav,
            "mode": served.mode,
            "entries": [(entry, article) for entry, article, _ in served.entries],
            "headlines": {article.id: shown for _, article, shown in served.entries},
            "controls": controls,
            "path": request.url.path,
            "marks": marks(request, store, [article.id for _, article, _ in served.entries]),
        },
    )


@router.get("/for-you")
def for_you(request: Request, store: StoreDep) -> Response:
    return _page(request, store, "personal", "For you", "for-you")


@router.get("/top")
def top(request: Request, store: StoreDep) -> Response:
    return _page(request, store, "top", "Top stories", "top")


@router.post("/controls")
def control(
    request: Request,
    store: StoreDep,
    kind: Annotated[str, Form()],
    value: Annotated[str, Form(max_length=300)],
    action: Annotated[str, Form()],
    back: Annotated[str, Form()] = "/for-you",
    csrf: CsrfForm = "",
) -> Response:
    """Mute, boost, or (``action=clear``) remove a control; back to the page."""
    if not csrf_ok(request, csrf):
        return render_error(request, 400, _FORGED)
    who = visitor(request)
    try:
        store.set_control(who.reader, kind, value, None if action == "clear" else action)
    except ValueError as exc:
        return render_error(request, 400, str(exc))
    return remember(request, RedirectResponse(_local(back), status_code=303), who)


@router.post("/feedback")
def feedback(
    request: Request,
    store: StoreDep,
    kind: Annotated[str, Form()],
    article_id: Annotated[int, Form()],
    back: Annotated[str, Form()] = "/for-you",
    csrf: CsrfForm = "",
) -> Response:
    """ "Less like this" or "hide" on a story: logged, learned from at once."""
    if not csrf_ok(request, csrf):
        return render_error(request, 400, _FORGED)
    if kind not in ("less_like_this", "hide"):
        return render_error(request, 400, "That feedback is not valid.")
    who = visitor(request)
    store.record_events([NewEvent(kind, article_id=article_id, reader=who.reader)])
    learn(request, store)
    return remember(request, RedirectResponse(_local(back), status_code=303), who)


@router.post("/settings/personalization")
def personalization(
    request: Request, store: StoreDep, on: Annotated[str, Form()] = "off", csrf: CsrfForm = ""
) -> Response:
    if not csrf_ok(request, csrf):
        return render_error(request, 400, _FORGED)
    who = visitor(request)
    store.set_personalized(who.reader, on == "on")
    return remember(request, RedirectResponse("/for-you", status_code=303), who)


@router.post("/settings/region")
def region(
    request: Request,
    store: StoreDep,
    region: Annotated[str, Form(max_length=2)] = "",
    csrf: CsrfForm = "",
) -> Response:
    """The country the reader reads from ("popular in your region"); empty clears it."""
    if not csrf_ok(request, csrf):
        return render_error(request, 400, _FORGED)
    who = visitor(request)
    try:
        store.set_region(who.reader, region.strip().upper() or None)
    except ValueError:
        return render_error(request, 400, "A region is a two-letter country code, like GB.")
    return remember(request, RedirectResponse("/for-you", status_code=303), who)


def _local(path: str) -> str:
    """Only paths on this site (no open redirect)."""
    return path if path.startswith("/") and not path.startswith("//") else "/for-you"


@router.post("/articles/{article_id}/read")
def mark_read(
    request: Request,
    store: StoreDep,
    article_id: RowId,
    read: Annotated[str, Form(max_length=1)] = "1",
    back: Annotated[str, Form(max_length=2000)] = "/for-you",
    csrf: CsrfForm = "",
) -> Response:
    """Mark an article read (``read=1``) or unread for the logged-in account; a script
    asking for JSON gets ``{"read": ...}`` instead of the page again."""
    who = visitor(request)
    if not csrf_ok(request, csrf) or who.account is None:
        return render_error(request, 400, _FORGED)
    is_read = read == "1"
    if not store.set_article_state(who.account.id, [article_id], read=is_read):
        return render_error(request, 404, "There is no such article.")
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"article_id": article_id, "read": is_read})
    return RedirectResponse(_local(back), status_code=303)
