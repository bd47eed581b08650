"""Who is calling the Google Reader API, and what they sent.

Reader apps log in at ``/accounts/ClientLogin`` and then send
``Authorization: GoogleLogin auth=<token>`` with every call (an ``api`` session of
``serve.accounts``). Calls that change something must also carry the session's CSRF
token as the form field ``T`` (from ``/reader/api/0/token``), as FreshRSS requires; a
wrong one is answered 401 with ``Google-Bad-Token: true``, which tells clients to
fetch a new token and retry.

Errors are answered in plain text, as the protocol's clients expect, by
:class:`ReaderRoute` (the app's own handlers would answer JSON).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from starlette.datastructures import ImmutableMultiDict
from starlette.responses import PlainTextResponse, Response

from tidings.records import Account
from tidings.serve.accounts import session_account
from tidings.serve.deps import StoreDep

Params = ImmutableMultiDict[str, str]
#: Form fields a call may send: up to 10000 item ids (``i``) and a few others.
MAX_FIELDS = 10100


@dataclass
class ReaderAPIError(Exception):
    """A call refused: answered ``status`` with ``message`` as plain text."""

    status: int
    message: str
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.message}"


def bad_request(message: str) -> ReaderAPIError:
    return ReaderAPIError(400, message)


def unauthorized(headers: dict[str, str] | None = None) -> ReaderAPIError:
    return ReaderAPIError(401, "Unauthorized", headers or {})


class ReaderRoute(APIRoute):
    """A route whose :class:`ReaderAPIError` (raised by it or its dependencies) is
    answered in plain text."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except ReaderAPIError as exc:
                return PlainTextResponse(exc.message, status_code=exc.status, headers=exc.headers)

        return answer


async def request_params(request: Request) -> Params:
    """The query parameters and, for a POST, the form fields, together (clients send
    some parameters either way); repeated names keep every value."""
    pairs = list(request.query_params.multi_items())
    if request.method == "POST":
        form = await request.form(max_fields=MAX_FIELDS)
        pairs += [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    return ImmutableMultiDict(pairs)


ParamsDep = Annotated[Params, Depends(request_params)]


@dataclass(frozen=True)
class ReaderSession:
    """The account calling and its session's CSRF token (the ``T`` it must send)."""

    account: Account
    csrf: str


def reader_session(request: Request, store: StoreDep) -> ReaderSession:
    """The account of the ``GoogleLogin auth=`` header, else 401 ``Unauthorized``."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    key, _, token = credentials.strip().partition("=")
    if scheme.lower() != "googlelogin" or key.lower() != "auth" or not token:
        raise unauthorized()
    found = session_account(store, token.strip(), kind="api")
    if found is None:
        raise unauthorized()
    return ReaderSession(*found)


SessionDep = Annotated[ReaderSession, Depends(reader_session)]


def changing_session(session: SessionDep, params: ParamsDep) -> ReaderSession:
    """:func:`reader_session` for a call that changes something: it must also carry the
    session's CSRF token as ``T``."""
    token = params.get("T", "")
    if not secrets.compare_digest(token.encode(), session.csrf.encode()):
        raise unauthorized({"Google-Bad-Token": "true"})
    return session


ChangingSessionDep = Annotated[ReaderSession, Depends(changing_session)]
