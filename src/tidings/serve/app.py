"""The ASGI application: JSON API, HTML views, static files, security headers."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from tidings import __version__
from tidings.config import AUTH_MODES, CrawlSettings, Settings
from tidings.errors import ConfigError
from tidings.serve import (
    api,
    crawl_web,
    feed,
    feed_web,
    fever,
    googlereader,
    login,
    search,
    settings_web,
    syndication,
    web,
)
from tidings.serve.learning import LearningTicker
from tidings.serve.security import SecurityHeadersMiddleware
from tidings.store.base import Store

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"

DESCRIPTION = """\
The Tidings news engine: articles crawled and extracted from your sources.

Articles are listed newest first and paged with an opaque `cursor`
(the `next_cursor` of the previous page). Pages whose text duplicates another
article are hidden unless `include_duplicates=true`.
"""

#: Paths answered in JSON even for errors; everything else gets an HTML error page.
_JSON_PREFIXES = (
    "/api/",
    "/healthz",
    "/readyz",
    "/openapi.json",
    "/static/",
    "/reader/api/",
    "/accounts/",
    "/fever",
    "/feeds/",
)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(_JSON_PREFIXES)


def create_app(
    store: Store,
    *,
    title: str = "Tidings",
    crawl: CrawlSettings | None = None,
    auth: str | None = None,
) -> FastAPI:
    """Build the app serving ``store``: HTML at ``/``, JSON under ``/api/v1``, the
    Google Reader API under ``/reader/api/0`` (login at ``/accounts/ClientLogin``) and
    the Fever API at ``/fever/``. ``crawl``: how sources that readers add are fetched;
    ``auth``: ``none`` (nobody logs in to the web reader: a personal instance) or
    ``accounts`` (every page and the JSON API need a login; see ``serve.login``).
    Both default to the environment's settings.

    While it runs (its lifespan), the learners also run every few seconds in the
    background (``serve.learning``), so impressions logged by feed pages are learned
    without a request waiting for them, and the feed's candidate pool is loaded at
    start.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ticker = LearningTicker(app.state, store)
        ticker.start()
        # load the feed's candidate pool now rather than on the first feed request
        warm_up = threading.Thread(
            target=feed.warm_pool, args=(app.state, store), name="pool-warm-up", daemon=True
        )
        warm_up.start()
        try:
            yield
        finally:
            ticker.stop()
            # no thread of the app may still query the store when its owner closes it
            warm_up.join(timeout=60)
            runner = getattr(app.state, "crawl_runner", None)
            if runner is not None and not runner.wait(timeout=60):
                log.warning("a crawl started from the web is still running at shutdown")
            pool = getattr(app.state, "candidate_pool", None)
            if pool is not None:  # its thread must not query a store being closed
                pool.close()

    app = FastAPI(
        lifespan=lifespan,
        title=f"{title} API",
        version=__version__,
        description=DESCRIPTION,
        # Swagger UI and ReDoc load their assets from a CDN, which a self-hosted,
        # offline instance cannot reach: the schema is served at /openapi.json.
        docs_url=None,
        redoc_url=None,
    )
    app.state.store = store
    app.state.title = title
    if crawl is None or auth is None:
        env = Settings.from_env()
        crawl = crawl if crawl is not None else env.crawl
        auth = auth if auth is not None else env.auth
    if auth not in AUTH_MODES:
        raise ConfigError(f"TIDINGS_AUTH must be one of {', '.join(AUTH_MODES)}, not {auth!r}")
    app.state.crawl = crawl
    app.state.auth_required = auth == "accounts"

    gate = [Depends(login.require_login)]
    app.include_router(api.router, dependencies=gate)
    app.include_router(feed.router, dependencies=gate)
    app.include_router(api.health_router)
    app.include_router(feed.ready_router)
    app.include_router(login.router)
    app.include_router(web.router, dependencies=gate)
    app.include_router(feed_web.router, dependencies=gate)
    app.include_router(search.api_router, dependencies=gate)
    app.include_router(search.router, dependencies=gate)
    app.include_router(settings_web.router, dependencies=gate)
    app.include_router(crawl_web.router, dependencies=gate)
    app.include_router(googlereader.router)
    app.include_router(fever.router)
    app.include_router(syndication.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(SecurityHeadersMiddleware)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request) or exc.status_code not in (400, 404, 405):
            return await http_exception_handler(request, exc)
        message = "There is nothing here." if exc.status_code == 404 else str(exc.detail)
        return web.render_error(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            return await request_validation_exception_handler(request, exc)
        # /articles/abc is a page that does not exist, not a malformed request.
        if any(err.get("loc", ("",))[0] == "path" for err in exc.errors()):
            return web.render_error(request, 404, "There is nothing here.")
        return web.render_error(request, 400, "That request is not valid.")

    return app
