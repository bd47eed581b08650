"""The Fever API's request parameters and authentication, as FastAPI dependencies.

Clients put the verbs in the query string (``?api&items&since_id=5``) and the key in
a form-encoded POST body (``api_key=...``), though some send everything one way or
the other: both are merged, the body winning. The key is ``md5("username:password")``
(lowercase hex); a wrong or missing one is not an HTTP error but an answer with
``"auth": 0``, which is what clients show a login error on.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from tidings.records import Account
from tidings.serve.accounts import authenticate_fever
from tidings.serve.deps import StoreDep
from tidings.serve.login import client_address, login_failures

log = logging.getLogger(__name__)

#: Ids and times: digits only (``int()`` would also take ``1_000`` and ``+1``), and
#: few enough to fit SQLite's 64-bit integers.
_NUMBER = re.compile(r"-?\d{1,18}")


def bad_request(message: str) -> HTTPException:
    return HTTPException(status_code=400, detail=message)


@dataclass(frozen=True)
class FeverParams:
    """The merged query-string and body parameters of one call."""

    values: Mapping[str, str]

    def has(self, name: str) -> bool:
        """Whether ``name`` was given, even without a value (``?api&groups``)."""
        return name in self.values

    def text(self, name: str) -> str:
        return self.values.get(name, "").strip()

    def number(self, name: str, *, minimum: int, default: int | None = None) -> int:
        """An integer parameter; 400 when it is malformed, below ``minimum``, or absent
        (or empty) without a ``default``."""
        raw = self.text(name)
        if not raw:
            if default is None:
                raise bad_request(f"{name} is required")
            return default
        if not _NUMBER.fullmatch(raw):
            raise bad_request(f"{name} must be an integer, not {raw[:40]!r}")
        value = int(raw)
        if value < minimum:
            raise bad_request(f"{name} must be at least {minimum}")
        return value

    def ids(self, name: str, *, limit: int) -> tuple[int, ...]:
        """A comma-separated list of positive ids (``with_ids=1,2,3``), the first
        ``limit`` distinct ones; 400 for anything that is not an id."""
        found: dict[int, None] = {}
        for part in (p.strip() for p in self.text(name).split(",")):
            if not part:
                continue
            if not _NUMBER.fullmatch(part) or int(part) < 1:
                raise bad_request(f"{name} must be comma-separated item ids, not {part[:40]!r}")
            found[int(part)] = None
        return tuple(found)[:limit]


async def fever_params(request: Request) -> FeverParams:
    """The call's parameters; 400 unless the query string names ``api`` (every Fever
    call does; ``api=xml`` is answered in JSON all the same)."""
    if "api" not in request.query_params:
        raise bad_request("not a Fever API call: the query string must contain 'api'")
    values = dict(request.query_params)
    if request.method == "POST":
        # starlette answers a malformed multipart body with a 400 itself
        form = await request.form()
        values.update((k, v) for k, v in form.multi_items() if isinstance(v, str))
    return FeverParams(values)


ParamsDep = Annotated[FeverParams, Depends(fever_params)]


def fever_account(request: Request, params: ParamsDep, store: StoreDep) -> Account | None:
    """The account whose key the call carries, or None (the call then reads and changes
    nothing). Wrong keys count as failed logins (``login.login_failures``): after too
    many from one address, every key from it is refused for a while."""
    key = params.text("api_key")
    failures, client = login_failures(request), client_address(request)
    if failures.too_many(client):
        log.warning("fever: too many wrong keys from %s", client)
        return None
    account = authenticate_fever(store, key) if key else None
    if account is None:
        if key:
            failures.add(client)
        log.info("fever: a call with %s API key", "a wrong" if key else "no")
    return account


AccountDep = Annotated[Account | None, Depends(fever_account)]
