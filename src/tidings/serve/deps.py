"""FastAPI dependencies shared by the API and HTML routers."""

from __future__ import annotations

import secrets
from typing import Annotated, cast

from fastapi import Depends, Request

from tidings.store.base import Store


def get_store(request: Request) -> Store:
    """The store ``create_app`` was given (kept on ``app.state``)."""
    return cast(Store, request.app.state.store)


StoreDep = Annotated[Store, Depends(get_store)]


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
