"""FastAPI dependencies shared by the API and HTML routers."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar, cast

from fastapi import Depends, HTTPException, Request
from starlette.datastructures import State
from starlette.responses import Response

from tidings.config import CrawlSettings
from tidings.records import Account
from tidings.serve.accounts import session_account
from tidings.store.base import Store


def get_store(request: Request) -> Store:
    """The store ``create_app`` was given (kept on ``app.state``)."""
    return cast(Store, request.app.state.store)


StoreDep = Annotated[Store, Depends(get_store)]


def get_crawl(request: Request) -> CrawlSettings:
    """How sources readers add are fetched (``create_app``'s ``crawl``)."""
    return cast(CrawlSettings, request.app.state.crawl)


CrawlDep = Annotated[CrawlSettings, Depends(get_crawl)]

T = TypeVar("T")
_STATE_LOCK = threading.Lock()


def app_singleton(state: State, name: str, make: Callable[[], T]) -> T:
    """``state.<name>``, made by ``make`` on first use: one per app (the candidate pool,
    the ranker, the learners' guard), however many requests ask at once.

    ``make`` runs under the lock: a second request waits for the first one's object
    instead of building another (a pool or a model is megabytes to load).
    """
    with _STATE_LOCK:
        found = getattr(state, name, None)
        if found is None:
            found = make()
            setattr(state, name, found)
        return cast(T, found)


#: The cookie naming an anonymous reader (no account logged in).
READER_COOKIE = "tidings_reader"
#: The cookie holding a logged-in account's session token (``serve.accounts``).
SESSION_COOKIE = "tidings_session"
#: The cookie holding an anonymous visitor's CSRF token (double-submit: forms echo it).
CSRF_COOKIE = "tidings_csrf"


@dataclass(frozen=True)
class Visitor:
    """Who is at the browser: a logged-in account, or an anonymous reader."""

    #: The reader id their events, controls and profile are kept under.
    reader: str
    account: Account | None
    #: The token every form of theirs must carry (the session's, else the cookie's).
    csrf: str
    #: Cookies to set on the response (a new anonymous reader or CSRF token).
    set_cookies: tuple[tuple[str, str], ...] = ()


def auth_required(request: Request) -> bool:
    """Whether this instance wants readers to log in (``TIDINGS_AUTH=accounts``)."""
    return bool(getattr(request.app.state, "auth_required", False))


def session_of(request: Request) -> tuple[Account, str] | None:
    """The logged-in account of the session cookie and its CSRF token (once a request)."""
    cached = getattr(request.state, "session", False)
    if cached is not False:
        return cast("tuple[Account, str] | None", cached)
    token = request.cookies.get(SESSION_COOKIE, "")
    found = session_account(get_store(request), token, kind="web") if token else None
    request.state.session = found
    return found


def visitor(request: Request) -> Visitor:
    """The logged-in account, else the anonymous reader of the cookie (a new one on a
    first visit; its cookies are set by :func:`remember`). The same one all request."""
    found = getattr(request.state, "visitor", None)
    if found is None:
        found = request.state.visitor = _visitor(request)
    return cast(Visitor, found)


def _visitor(request: Request) -> Visitor:
    session = session_of(request)
    if session is not None:
        account, csrf = session
        return Visitor(account.reader, account, csrf)
    cookies: list[tuple[str, str]] = []
    reader = cookie_reader(request)
    if reader is None:
        reader = secrets.token_urlsafe(18)
        cookies.append((READER_COOKIE, reader))
    csrf = request.cookies.get(CSRF_COOKIE, "")
    if not 32 <= len(csrf) <= 64:
        csrf = secrets.token_urlsafe(32)
        cookies.append((CSRF_COOKIE, csrf))
    return Visitor(reader, None, csrf, tuple(cookies))


def cookie_reader(request: Request) -> str | None:
    """The logged-in account's reader, else the reader id in the cookie if it is a
    well-formed one."""
    session = session_of(request)
    if session is not None:
        return session[0].reader
    value = request.cookies.get(READER_COOKIE, "")
    if 16 <= len(value) <= 64 and value.replace("-", "").replace("_", "").isalnum():
        return value
    return None


def same_site(request: Request) -> bool:
    """Whether a form post comes from this site (no ``Origin``: not a cross-site post
    by any browser that matters, and the SameSite cookie is not sent either)."""
    origin = request.headers.get("origin")
    return not origin or origin.split("://", 1)[-1] == request.headers.get("host", "")


def csrf_ok(request: Request, token: str) -> bool:
    """Whether a form post carries the visitor's CSRF token and comes from this site."""
    expected = visitor(request).csrf
    return same_site(request) and secrets.compare_digest(token.encode(), expected.encode())


def remember(request: Request, response: Response, who: Visitor) -> Response:
    """Set the cookies a new anonymous visitor needs (reader id, CSRF token)."""
    for name, value in who.set_cookies:
        response.set_cookie(
            name,
            value,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )
    return response


def reader_for_api(request: Request, reader: str | None) -> str | None:
    """The reader an API call acts for: on an instance with accounts, the logged-in
    account's own reader (naming another is refused with 403 unless an admin does it);
    otherwise whoever the call names, or the logged-in account if it names nobody."""
    session = session_of(request)
    if not auth_required(request):
        return reader if reader is not None or session is None else session[0].reader
    if session is None:
        raise HTTPException(status_code=401, detail="log in first")
    account = session[0]
    if reader is None or reader == account.reader:
        return account.reader
    if account.is_admin:
        return reader
    raise HTTPException(status_code=403, detail="a reader can only read and change their own data")


def may_manage_sources(request: Request, who: Visitor) -> bool:
    """Whether this visitor may remove sources from the instance and start crawls: an
    admin, or anyone on a personal instance."""
    if who.account is not None:
        return who.account.is_admin or not auth_required(request)
    return not auth_required(request)
