"""Running the app with uvicorn: in the foreground, or in a background thread.

``run_server`` blocks (the ``tidings serve`` command). ``serve_in_background``
returns a ``RunningServer``: a context manager, usable with ``with`` (blocks
briefly while the server starts) or ``async with`` (starts it off the event loop),
that binds a real socket (port 0 picks a free port; ``.url`` has the real one),
serves from a daemon thread and shuts down cleanly on exit.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from types import TracebackType

import uvicorn
from fastapi import FastAPI

from tidings.config import CrawlSettings, Settings
from tidings.serve.app import create_app
from tidings.serve.memory import configure_allocator
from tidings.store import open_store
from tidings.store.base import Store

log = logging.getLogger(__name__)

START_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0


def app_from_settings() -> FastAPI:
    """The app over the store the environment's settings name (``TIDINGS_*``): what each
    worker process of ``tidings serve --workers N`` builds for itself."""
    settings = Settings.from_env()
    _configure_allocator(settings)
    return create_app(
        open_store(settings.resolved_database_url), crawl=settings.crawl, auth=settings.auth
    )


def _configure_allocator(settings: Settings) -> None:
    configure_allocator(settings.malloc_arena_max, settings.malloc_mmap_threshold)


def run_server(
    store: Store,
    host: str,
    port: int,
    *,
    log_level: str = "info",
    title: str = "Tidings",
    workers: int = 1,
    crawl: CrawlSettings | None = None,
    auth: str | None = None,
) -> None:
    """Serve ``store`` on ``host:port`` until interrupted (Ctrl-C / SIGTERM).

    With ``workers`` > 1, uvicorn runs that many processes on the one socket, each with
    its own store connection, candidate pool, ranker and learners (the learners share
    the work by compare-and-set on the event log): a feed page is Python work, so
    processes, not threads, use more than one core. They open the store the
    environment's settings name (``store`` must be that one).
    """
    if workers > 1:
        log.info("serving on http://%s:%d with %d worker processes", host, port, workers)
        uvicorn.run(
            "tidings.serve.server:app_from_settings",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=log_level.lower(),
            server_header=False,
        )
        return
    _configure_allocator(Settings.from_env())
    config = uvicorn.Config(
        create_app(store, title=title, crawl=crawl, auth=auth),
        host=host,
        port=port,
        log_level=log_level.lower(),
        server_header=False,
    )
    log.info("serving on http://%s:%d", host, port)
    uvicorn.Server(config).run()


class RunningServer:
    """A uvicorn server on a real socket, in a background thread.

    ``start()``/``stop()`` directly, or use it as a (sync or async) context manager.
    """

    def __init__(
        self,
        store: Store,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        title: str = "Tidings",
        crawl: CrawlSettings | None = None,
        auth: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self._app = create_app(store, title=title, crawl=crawl, auth=auth)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def url(self) -> str:
        """``http://host:port`` with the real (bound) port."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("server already started")
        sock = _bind(self.host, self.port)
        self._socket = sock
        self.port = int(sock.getsockname()[1])
        config = uvicorn.Config(
            self._app,
            log_level="warning",
            # Leave logging to the embedding program (tests, `tidings demo`).
            log_config=None,
            server_header=False,
            lifespan="on",
        )
        server = uvicorn.Server(config)
        self._server = server
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="tidings-server", daemon=True
        )
        self._thread = thread
        thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not server.started:
            if not thread.is_alive():
                self._cleanup()
                raise RuntimeError(f"server on {self.url} failed to start")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"server on {self.url} did not start in {START_TIMEOUT}s")
            time.sleep(0.01)
        log.info("serving on %s", self.url)

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.should_exit = True
        thread.join(STOP_TIMEOUT)
        if thread.is_alive():
            log.warning("server on %s did not stop in %ss; forcing", self.url, STOP_TIMEOUT)
            server.force_exit = True
            thread.join(STOP_TIMEOUT)
        self._cleanup()
        log.info("stopped server on %s", self.url)

    def _cleanup(self) -> None:
        if self._socket is not None:
            self._socket.close()
        self._socket = None
        self._server = None
        self._thread = None

    def __enter__(self) -> RunningServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> RunningServer:
        await asyncio.to_thread(self.start)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)


def serve_in_background(
    store: Store,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    title: str = "Tidings",
    crawl: CrawlSettings | None = None,
    auth: str | None = None,
) -> RunningServer:
    """A not-yet-started server for ``store``; enter it (``with``/``async with``) to run it.

    Example::

        with serve_in_background(store) as server:
            httpx.get(server.url + "/healthz")
    """
    return RunningServer(store, host, port, title=title, crawl=crawl, auth=auth)


def _bind(host: str, port: int) -> socket.socket:
    family, type_, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, type_, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
        sock.set_inheritable(True)
    except OSError:
        sock.close()
        raise
    return sock
