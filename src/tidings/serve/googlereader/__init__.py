"""The Google Reader API, as reader apps speak it (NetNewsWire, Reeder, Read You,
FocusReader, Newsflash): log in at ``/accounts/ClientLogin``, then ``/reader/api/0/``.

``handler``: logging in, streams and items; ``subscriptions``: feeds and folders;
``middleware``: authentication and the CSRF token; ``response``: the JSON shapes and
id spellings; ``streams``: stream ids and queries as store filters.
"""

from fastapi import APIRouter

from tidings.serve.googlereader import handler, subscriptions

router = APIRouter()
router.include_router(handler.router)
router.include_router(subscriptions.router)

__all__ = ["router"]
