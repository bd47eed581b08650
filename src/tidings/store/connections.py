"""One database connection per thread, for the stores' engines.

The server runs store calls on a pool of worker threads that come and go (a thread
idle for a while ends, a new one starts under load), so a connection is opened per
thread on its first call, and the connections of threads that have ended are closed
whenever a new one is opened: without that, each thread ever started would keep its
connection (and its page cache, or a server-side session) until the store closes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

C = TypeVar("C")


class PerThread(Generic[C]):
    """``get()``: this thread's connection, opened by ``open`` on first use."""

    def __init__(
        self, open_connection: Callable[[], C], close_connection: Callable[[C], None]
    ) -> None:
        self._open = open_connection
        self._close = close_connection
        self._local = threading.local()
        self._lock = threading.Lock()
        self._owners: list[tuple[threading.Thread, C]] = []

    def get(self) -> C | None:
        """This thread's connection, or None before it opened one."""
        return getattr(self._local, "conn", None)

    def open(self) -> C:
        """Open this thread's connection (closing those of threads that ended)."""
        conn = self._open()
        self._local.conn = conn
        with self._lock:
            ended = [c for t, c in self._owners if not t.is_alive()]
            self._owners = [(t, c) for t, c in self._owners if t.is_alive()]
            self._owners.append((threading.current_thread(), conn))
        for owned in ended:
            self._close(owned)
        return conn

    def forget(self, conn: C) -> None:
        """Close ``conn`` and stop tracking it (e.g. a connection that broke)."""
        with self._lock:
            self._owners = [(t, c) for t, c in self._owners if c is not conn]
        if self.get() is conn:
            self._local.conn = None
        self._close(conn)

    def close_all(self) -> None:
        with self._lock:
            owned, self._owners = self._owners, []
        for _, conn in owned:
            self._close(conn)
        self._local = threading.local()

    def __len__(self) -> int:
        with self._lock:
            return len(self._owners)
