"""Who is reading a feed: HTTP Basic auth (what feed readers support) or the web session.

On an instance with accounts every feed needs one of them; on a personal instance
only the account's own feed (``/feeds/me``) does. Wrong passwords count as failed
logins (``login.login_failures``, shared with the login form and the reader APIs):
after too many from one address, its calls are refused for a while.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass, field

from fastapi import Request

from tidings.records import Account
from tidings.serve.accounts import authenticate
from tidings.serve.deps import get_store, session_of
from tidings.serve.login import client_address, login_failures

log = logging.getLogger(__name__)

#: What a refused feed reader is asked for.
CHALLENGE = {"WWW-Authenticate": 'Basic realm="Tidings"'}


@dataclass
class Refused(Exception):
    """The call may not read this feed: answered ``status`` with ``message``."""

    status: int
    message: str
    headers: dict[str, str] = field(default_factory=lambda: dict(CHALLENGE))


def feed_reader(request: Request, *, required: bool) -> Account | None:
    """The account of the Basic credentials, else of the session cookie; None when
    neither is given and none is ``required``. Wrong credentials are refused even
    where none are needed (a reader app should learn its password is wrong)."""
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "basic":
        return _basic(request, credentials.strip())
    session = session_of(request)
    if session is not None:
        return session[0]
    if required:
        raise Refused(401, "log in first: this feed needs a username and password")
    return None


def _basic(request: Request, credentials: str) -> Account:
    try:
        decoded = base64.b64decode(credentials, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise Refused(401, "malformed Basic credentials") from None
    username, colon, password = decoded.partition(":")
    if not colon or not username or len(username) > 64 or len(password) > 1024:
        raise Refused(401, "malformed Basic credentials")
    failures, client = login_failures(request), client_address(request)
    if failures.too_many(client):
        log.warning("feeds: too many wrong passwords from %s", client)
        raise Refused(429, "too many wrong passwords: wait a while", {})
    account = authenticate(get_store(request), username, password)
    if account is None:
        failures.add(client)
        raise Refused(401, "wrong username or password")
    return account
