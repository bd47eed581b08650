"""FastAPI dependencies shared by the API and HTML routers."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from typing import Annotated, TypeVar, cast

from fastapi import Depends, Request
from starlette.datastructures import State

from tidings.store.base import Store


def get_store(request: Request) -> Store:
    """The store ``create_app`` was given (kept on ``app.state``)."""
    return cast(Store, request.app.state.store)


StoreDep = Annotated[Store, Depends(get_store)]

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


#: The cookie naming an anonymous reader (until accounts arrive).
READER_COOKIE = "tidings_reader"


def cookie_reader(request: Request) -> str | None:
    """The reader id in the cookie, if it is a well-formed one."""
    value = request.cookies.get(READER_COOKIE, "")
    if 16 <= len(value) <= 64 and value.replace("-", "").replace("_", "").isalnum():
        return value
    return None


def reader_of(request: Request) -> tuple[str, bool]:
    """The reader's id from the cookie, or a new one (and whether it is new)."""
    found = cookie_reader(request)
    return (found, False) if found else (secrets.token_urlsafe(18), True)
