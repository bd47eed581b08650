"""Accounts: passwords, sessions and API keys, over the store.

Passwords are hashed with Argon2id (argon2-cffi's defaults, the OWASP choice); a hash
made with older parameters is replaced at the next login. Session tokens are random
(``secrets``) and only their SHA-256 is stored, so a copy of the database opens no
session. The Fever protocol authenticates with ``md5("username:password")`` and
nothing else: that key is a password equivalent which the protocol makes cheap to
guess, so only its SHA-256 is stored, and operators who do not want it can refuse
Fever by not mounting it (``TIDINGS_READER_APIS``).
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tidings.records import Account
from tidings.store.base import Store

log = logging.getLogger(__name__)

#: How long a login lasts (web cookie or reader-app token).
SESSION_DAYS = 30
MIN_PASSWORD = 8
_USERNAME = re.compile(r"[\w.@+-]{1,64}")
_hasher = PasswordHasher()
#: Verified against when the username does not exist, so the answer takes as long.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class AccountError(ValueError):
    """An account cannot be made or changed as asked (the message says why)."""


@dataclass(frozen=True)
class OpenSession:
    """A session just opened: the token to give the client (shown once) and its
    CSRF token."""

    token: str
    csrf: str
    account: Account


def check_username(username: str) -> str:
    if not _USERNAME.fullmatch(username):
        raise AccountError("a username is 1 to 64 letters, digits or . _ @ + - (no spaces)")
    return username


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password has at least {MIN_PASSWORD} characters")
    return password


def fever_key(username: str, password: str) -> str:
    """What the store keeps of the Fever API key the client will send."""
    api_key = hashlib.md5(f"{username}:{password}".encode()).hexdigest()  # the Fever protocol's key
    return hash_token(api_key.lower())


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_account(
    store: Store,
    username: str,
    password: str,
    *,
    is_admin: bool = False,
    reader: str | None = None,
) -> Account:
    """A new account; raises ``AccountError`` for a bad name or password and
    ``ConflictError`` if the name is taken."""
    check_username(username)
    check_password(password)
    return store.create_account(
        username,
        _hasher.hash(password),
        fever_key=fever_key(username, password),
        is_admin=is_admin,
        reader=reader,
    )


def change_password(store: Store, account: Account, password: str) -> None:
    """Set a new password; every session of the account ends."""
    check_password(password)
    store.set_password(account.id, _hasher.hash(password), fever_key(account.username, password))


def authenticate(store: Store, username: str, password: str) -> Account | None:
    """The account if the password is right, else None (same work either way)."""
    found = store.account_credentials(username)
    stored = found[1] if found else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if found is None:
        return None
    account = found[0]
    if _hasher.check_needs_rehash(stored):
        store.set_password(account.id, _hasher.hash(password), fever_key(username, password))
    return account


def authenticate_fever(store: Store, api_key: str) -> Account | None:
    """The account whose Fever key this is, if any."""
    if not re.fullmatch(r"[0-9a-fA-F]{32}", api_key):
        return None
    return store.account_by_fever_key(hash_token(api_key.lower()))


def open_session(store: Store, account: Account, *, kind: str = "web") -> OpenSession:
    """A new session of ``kind`` (``web``: the browser cookie, ``api``: a reader app's
    token) for :data:`SESSION_DAYS`."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(days=SESSION_DAYS)
    store.create_session(
        hash_token(token),
        account.id,
        kind=kind,
        csrf=csrf,
        expires_at=expires.isoformat(timespec="seconds"),
    )
    return OpenSession(token, csrf, account)


def session_account(store: Store, token: str, *, kind: str = "web") -> tuple[Account, str] | None:
    """The account of an unexpired session token and the session's CSRF token."""
    if not token or len(token) > 200:
        return None
    return store.session(hash_token(token), kind)


def close_session(store: Store, token: str) -> None:
    store.delete_session(hash_token(token))
