"""FastAPI dependencies shared by the API and HTML routers."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from tidings.store.base import Store


def get_store(request: Request) -> Store:
    """The store ``create_app`` was given (kept on ``app.state``)."""
    return cast(Store, request.app.state.store)


StoreDep = Annotated[Store, Depends(get_store)]
