"""Logging in and out of the web reader, and the gate of an instance with accounts.

With ``TIDINGS_AUTH=accounts`` every page and the JSON API need a logged-in account
(``/login``), and a reader can act only as themselves; with the default
(``TIDINGS_AUTH=none``, a personal instance) nobody logs in and each browser is an
anonymous reader, as before. Reader apps log in through their own protocols
(``/accounts/ClientLogin``, ``/fever/``) in both modes.

The session cookie is HttpOnly, SameSite=Lax, Secure over HTTPS, and lasts
``accounts.SESSION_DAYS``; every form carries the CSRF token of the session (or, for
an anonymous reader, of its CSRF cookie), checked with the request's ``Origin``.
Failed logins are limited per client address (``LOGIN_FAILURES`` in
``LOGIN_WINDOW`` seconds, then 429), per server process.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tidings.serve import accounts
from tidings.serve.deps import (
    SESSION_COOKIE,
    StoreDep,
    app_singleton,
    auth_required,
    csrf_ok,
    remember,
    session_of,
    visitor,
)
from tidings.serve.web import render, render_error

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

LOGIN_FAILURES = 10
LOGIN_WINDOW = 15 * 60.0
#: Paths open without logging in on an instance with accounts.
OPEN_PREFIXES = (
    "/login",
    "/static/",
    "/healthz",
    "/readyz",
    "/accounts/ClientLogin",
    "/reader/api/",
    "/fever",
)


class LoginFailures:
    """Recent failed logins per client address, one per app (and server process)."""

    def __init__(self) -> None:
        self._recent: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def too_many(self, client: str) -> bool:
        with self._lock:
            recent = self._recent[client]
            while recent and recent[0] < time.monotonic() - LOGIN_WINDOW:
                recent.popleft()
            if not recent:
                del self._recent[client]  # the table holds only clients failing now
            return len(recent) >= LOGIN_FAILURES

    def add(self, client: str) -> None:
        with self._lock:
            self._recent[client].append(time.monotonic())


def login_failures(request: Request) -> LoginFailures:
    """The app's failed-login record (the web form, Google Reader's ClientLogin and
    Fever's key share it)."""
    return app_singleton(request.app.state, "login_failures", LoginFailures)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "-"


def require_login(request: Request) -> None:
    """Dependency of every page and API route: on an instance with accounts, a visitor
    who has not logged in is sent to ``/login`` (pages) or refused (401, the API)."""
    if not auth_required(request) or request.url.path.startswith(OPEN_PREFIXES):
        return
    if session_of(request) is not None:
        return
    if request.url.path.startswith("/api/"):
        raise HTTPException(status_code=401, detail="log in first")
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    raise HTTPException(status_code=303, headers={"Location": f"/login?next={_quote(target)}"})


@router.get("/login")
def login_page(
    request: Request, next: Annotated[str, Query(max_length=2000)] = "/for-you"
) -> Response:
    who = visitor(request)
    page = render(request, "login.html", {"title": "Log in", "next": _local(next), "error": None})
    return remember(request, page, who)


@router.post("/login")
def login(
    request: Request,
    store: StoreDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/for-you",
) -> Response:
    if not csrf_ok(request, csrf):
        return render_error(request, 400, "That form has expired or came from another site.")
    client = client_address(request)
    if login_failures(request).too_many(client):
        page = render(
            request,
            "login.html",
            {"title": "Log in", "next": _local(next), "error": "Too many attempts: wait a while."},
            status_code=429,
        )
        return page
    account = accounts.authenticate(store, username, password)
    if account is None:
        login_failures(request).add(client)
        return render(
            request,
            "login.html",
            {"title": "Log in", "next": _local(next), "error": "Wrong username or password."},
            status_code=401,
        )
    opened = accounts.open_session(store, account, kind="web")
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        opened.token,
        max_age=accounts.SESSION_DAYS * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/logout")
def logout(
    request: Request, store: StoreDep, csrf: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    if not csrf_ok(request, csrf):
        return render_error(request, 400, "That form has expired or came from another site.")
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        accounts.close_session(store, token)
    response = RedirectResponse("/login" if auth_required(request) else "/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _local(path: str) -> str:
    """Only paths on this site (no open redirect)."""
    ok = path.startswith("/") and not path.startswith(("//", "/\\"))
    return path if ok else "/for-you"


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")
