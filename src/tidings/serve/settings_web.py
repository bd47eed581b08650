"""The reader's settings page: sources and subscriptions, OPML, the feed's switches,
mutes and follows, and their own data (download it, erase it).

Who may do what: a logged-in account adds feeds by URL (autodiscovered, fetched under
the crawler's rules, SSRF guard included) and they become its subscriptions; removing
a source from the instance is for an admin, or anyone on a personal instance
(``TIDINGS_AUTH=none``), where the sources are the instance's. Every form carries the
visitor's CSRF token (``deps.csrf_ok``).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from tidings.errors import FetchError, NotFoundError, ParseError
from tidings.pipeline import add_source, export_opml, import_opml
from tidings.serve import accounts
from tidings.serve.crawl_web import crawl_state
from tidings.serve.deps import (
    READER_COOKIE,
    CrawlDep,
    StoreDep,
    auth_required,
    csrf_ok,
    may_manage_sources,
    visitor,
)
from tidings.serve.web import RowId, render, render_error

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

#: Largest OPML file accepted from the form.
MAX_OPML_BYTES = 2 * 1024 * 1024
_FORGED = "That form has expired or came from another site: reload the page and try again."

CsrfForm = Annotated[str, Form(max_length=100)]


@router.get("/settings")
def settings_page(request: Request, store: StoreDep, done: str = "") -> Response:
    who = visitor(request)
    sources = store.list_sources()
    week_ago = (datetime.now(UTC) - timedelta(days=7)).isoformat(timespec="seconds")
    activity = store.source_activity(since=week_ago)
    return render(
        request,
        "settings.html",
        {
            "title": "Settings",
            "nav": "settings",
            "who": who,
            "subscriptions": store.subscriptions(who.account.id) if who.account else [],
            "sources": sources,
            "per_day": {s.id: activity.get(s.id, 0) / 7 for s in sources},
            "manage": may_manage_sources(request, who),
            "controls": store.reader_controls(who.reader),
            "done": done[:200],
            "crawl": crawl_state(request),
        },
    )


@router.post("/settings/sources")
async def add_feed(
    request: Request,
    store: StoreDep,
    crawl: CrawlDep,
    url: Annotated[str, Form(max_length=2000)],
    csrf: CsrfForm = "",
    folder: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Add a feed by its URL or its site's (autodiscovered); a logged-in account
    subscribes to it."""
    if not csrf_ok(request, csrf):
        return render_error(request, 400, _FORGED)
    who = visitor(request)
    if who.account is None and auth_required(request):
        return render_error(request, 400, "Log in to add sources.")
    try:
        added = await add_source(store, url.strip(), crawl)
    except (FetchError, ParseError) as exc:
        return render_error(request, 400, f"Could not add {url}: {exc}")
    if who.account is not None:
        await run_in_threadpool(
            store.subscribe, who.account.id, added.source.id, folder=folder.strip() or None
        )
    verb = "Added" if added.created else "Already known:"
    return _back(f"{verb} {added.source.title or added.source.url}")


@router.post("/settings/sources/{source_id}/remove")
def remove_source(
    request: Request, store: StoreDep, source_id: RowId, csrf: CsrfForm = ""
) -> Response:
    if not csrf_ok(request, csrf):
        return render_error(request, 400, _FORGED)
    if not may_manage_sources(request, visitor(request)):
        return render_error(request, 400, "Only an admin removes sources.")
    try:
        store.remove_source(source_id)
    except NotFoundError:
        return render_error(request, 404, "There is no such source.")
    return _back("Source removed (its articles stay)")


@router.post("/settings/subscriptions/{source_id}/remove")
def unsubscribe(
    request: Request, store: StoreDep, source_id: RowId, csrf: CsrfForm = ""
) -> Response:
    who = visitor(request)
    if not csrf_ok(request, csrf) or who.account is None:
        return render_error(request, 400, _FORGED)
    store.unsubscribe(who.account.id, source_id)
    return _back("Unsubscribed")


@router.post("/settings/opml")
async def opml_import(
    request: Request, store: StoreDep, file: UploadFile, csrf: Annotated[str, Form()] = ""
) -> Response:
    """Import an OPML file: its feeds become sources (and the account's subscriptions,
    in the file's folders)."""
    if not csrf_ok(request, csrf):
        return render_error(request, 400, _FORGED)
    who = visitor(request)
    if who.account is None and auth_required(request):
        return render_error(request, 400, "Log in to import sources.")
    data = await file.read(MAX_OPML_BYTES + 1)
    if len(data) > MAX_OPML_BYTES:
        return render_error(request, 400, "That OPML file is too large (2 MB at most).")
    account_id = who.account.id if who.account else None
    try:
        added, existing = await run_in_threadpool(
            lambda: import_opml(store, data, account_id=account_id)
        )
    except ParseError as exc:
        return render_error(request, 400, f"That is not an OPML file: {exc}")
    return _back(f"Imported {added} new feeds ({existing} known already)")


@router.get("/settings/opml")
def opml_export(request: Request, store: StoreDep) -> Response:
    who = visitor(request)
    opml = export_opml(store, account_id=who.account.id if who.account else None)
    return Response(
        opml,
        media_type="text/x-opml; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="tidings.opml"'},
    )


@router.get("/settings/export")
def export_data(request: Request, store: StoreDep) -> Response:
    """Everything Tidings keeps about this reader, as one JSON download."""
    who = visitor(request)
    history = store.reader_history(who.reader, who.account.id if who.account else None)
    if who.account is not None:
        history["account"] = {"username": who.account.username, "since": who.account.created_at}
    body = json.dumps(history, ensure_ascii=False, indent=1)
    return Response(
        body,
        media_type="application/json",
        headers={"content-disposition": 'attachment; filename="tidings-my-data.json"'},
    )


@router.post("/settings/erase")
def erase(
    request: Request,
    store: StoreDep,
    csrf: CsrfForm = "",
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Erase the reader's history (events, controls, settings, profile, marks); an
    anonymous reader also gets a new id, as an account does (``erase_reader_history``)."""
    if not csrf_ok(request, csrf):
        return render_error(request, 400, _FORGED)
    if confirm != "yes":
        return render_error(request, 400, "Tick the box to confirm the erasure.")
    who = visitor(request)
    store.erase_reader_history(who.reader, account_id=who.account.id if who.account else None)
    response = _back("Your reading history is erased")
    if who.account is None:
        response.delete_cookie(READER_COOKIE, path="/")  # the next visit is a new reader
    return response


@router.post("/settings/password")
def change_password(
    request: Request,
    store: StoreDep,
    current: Annotated[str, Form(max_length=1024)],
    new: Annotated[str, Form(max_length=1024)],
    csrf: CsrfForm = "",
) -> Response:
    """A new password for the logged-in account; every session ends, this one too."""
    who = visitor(request)
    if not csrf_ok(request, csrf) or who.account is None:
        return render_error(request, 400, _FORGED)
    if accounts.authenticate(store, who.account.username, current) is None:
        return render_error(request, 400, "The current password is not right.")
    try:
        accounts.change_password(store, who.account, new)
    except accounts.AccountError as exc:
        return render_error(request, 400, str(exc))
    return RedirectResponse("/login", status_code=303)


def _back(message: str) -> Response:
    from urllib.parse import quote

    return RedirectResponse(f"/settings?done={quote(message)}", status_code=303)
