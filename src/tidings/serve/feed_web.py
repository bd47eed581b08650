"""The reader's feeds in HTML: "For you", "Top stories", and the reader's controls.

Until accounts arrive, a reader is an anonymous id kept in a cookie (HttpOnly,
SameSite=Lax), created on the first visit. Forms post mutes, boosts, "less like
this" and the personalisation switch; a post whose ``Origin`` is another site is
refused, and the SameSite cookie is not sent by cross-site posts, so another site
cannot act for the reader.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tidings.serve.deps import READER_COOKIE, StoreDep, reader_of
from tidings.serve.feed import learn, serve_feed
from tidings.serve.web import render, render_error
from tidings.store.base import NewEvent, Store

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

PAGE_SIZE = 30
_ONE_YEAR = 365 * 24 * 3600


def _remember(response: Response, reader: str, new: bool) -> Response:
    if new:
        response.set_cookie(
            READER_COOKIE, reader, max_age=_ONE_YEAR, httponly=True, samesite="lax", path="/"
        )
    return response


def _same_site(request: Request) -> bool:
    origin = request.headers.get("origin")
    return not origin or origin.split("://", 1)[-1] == request.headers.get("host", "")


def _page(request: Request, store: Store, mode: str, title: str, nav: str) -> Response:
    reader, new = reader_of(request)
    served = serve_feed(request, store, reader, mode=mode, limit=PAGE_SIZE)
    controls = store.reader_controls(reader)
    response = render(
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
        },
    )
    return _remember(response, reader, new)


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
) -> Response:
    """Mute, boost, or (``action=clear``) remove a control; back to the page."""
    if not _same_site(request):
        return render_error(request, 400, "That form came from another site.")
    reader, new = reader_of(request)
    try:
        store.set_control(reader, kind, value, None if action == "clear" else action)
    except ValueError as exc:
        return render_error(request, 400, str(exc))
    return _remember(RedirectResponse(_local(back), status_code=303), reader, new)


@router.post("/feedback")
def feedback(
    request: Request,
    store: StoreDep,
    kind: Annotated[str, Form()],
    article_id: Annotated[int, Form()],
    back: Annotated[str, Form()] = "/for-you",
) -> Response:
    """ "Less like this" or "hide" on a story: logged, learned from at once."""
    if not _same_site(request) or kind not in ("less_like_this", "hide"):
        return render_error(request, 400, "That feedback is not valid.")
    reader, new = reader_of(request)
    store.record_events([NewEvent(kind, article_id=article_id, reader=reader)])
    learn(request, store)
    return _remember(RedirectResponse(_local(back), status_code=303), reader, new)


@router.post("/settings/personalization")
def personalization(
    request: Request, store: StoreDep, on: Annotated[str, Form()] = "off"
) -> Response:
    if not _same_site(request):
        return render_error(request, 400, "That form came from another site.")
    reader, new = reader_of(request)
    store.set_personalized(reader, on == "on")
    return _remember(RedirectResponse("/for-you", status_code=303), reader, new)


@router.post("/settings/region")
def region(
    request: Request, store: StoreDep, region: Annotated[str, Form(max_length=2)] = ""
) -> Response:
    """The country the reader reads from ("popular in your region"); empty clears it."""
    if not _same_site(request):
        return render_error(request, 400, "That form came from another site.")
    reader, new = reader_of(request)
    try:
        store.set_region(reader, region.strip().upper() or None)
    except ValueError:
        return render_error(request, 400, "A region is a two-letter country code, like GB.")
    return _remember(RedirectResponse("/for-you", status_code=303), reader, new)


def _local(path: str) -> str:
    """Only paths on this site (no open redirect)."""
    return path if path.startswith("/") and not path.startswith("//") else "/for-you"
