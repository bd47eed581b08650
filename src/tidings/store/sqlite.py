"""The default store: one SQLite file in WAL mode.

One connection per thread (the server reads from a thread pool while the crawler
writes); WAL lets readers run beside the single writer, and ``BEGIN IMMEDIATE``
serialises writers. The statements themselves are shared with PostgreSQL
(:mod:`tidings.store.sql`).
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tidings.errors import StoreError
from tidings.store import sqlite_search as _search
from tidings.store.connections import PerThread
from tidings.store.migrations import Migration
from tidings.store.search_text import SearchRows
from tidings.store.sql import SQLStore
from tidings.store.sql_types import Connection

log = logging.getLogger(__name__)


class SQLiteStore(SQLStore):
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connections = PerThread(self._connect, sqlite3.Connection.close)
        self._lock = threading.Lock()
        #: lock name -> open file descriptor holding its ``flock``
        self._held: dict[str, int] = {}
        self._open()

    # --- connections -----------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        return self._connections.get() or self._connections.open()

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path, timeout=30.0, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        return conn

    @contextmanager
    def _tx(self, *, serial: bool = True) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE: takes the write lock up front, so every
        writer is serial)."""
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"cannot start a transaction: {exc}") from exc
        try:
            yield conn
        except BaseException as exc:
            if conn.in_transaction:  # SQLite may have rolled back already (disk full)
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError) and _cannot_write(exc):
                raise StoreError(f"cannot write the database: {exc}") from exc
            raise
        else:
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as exc:  # e.g. disk full: nothing half-written
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise StoreError(f"cannot commit: {exc}") from exc

    def close(self) -> None:
        self._connections.close_all()
        with self._lock:
            for fd in self._held.values():
                os.close(fd)  # releases the flock
            self._held.clear()

    # --- schema ----------------------------------------------------------------

    def _migration_sql(self, migration: Migration) -> str:
        return migration.sql

    @property
    def _label(self) -> str:
        return str(self.path)

    # --- search ----------------------------------------------------------------

    def _index_for_search(self, conn: Connection, article_ids: Sequence[int]) -> None:
        assert isinstance(conn, sqlite3.Connection)
        _search.index_articles(conn, article_ids)

    def _search_rows(self, query: str, limit: int, offset: int) -> SearchRows | None:
        return _search.search(self._conn(), query, limit, offset)

    # --- locks and files beside the database -------------------------------------

    def hold_lock(self, name: str) -> bool:
        """An exclusive ``flock`` on ``<database>.<name>.lock`` beside the database file
        (the kernel drops it when the process dies, however it dies)."""
        if not re.fullmatch(r"[a-z0-9-]+", name):
            raise ValueError(f"bad lock name {name!r}")
        if str(self.path) == ":memory:":
            return True  # a database no other process can open
        with self._lock:
            if name in self._held:
                return True
            path = self.path.with_name(f"{self.path.name}.{name}.lock")
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                return False
            self._held[name] = fd
            return True

    def cache_path(self, name: str) -> Path | None:
        """``<database>.<name>`` beside the database file."""
        if str(self.path) == ":memory:" or "/" in name:
            return None
        return self.path.with_name(f"{self.path.name}.{name}")


#: SQLite's words for a store that cannot take writes at all (as opposed to one bad
#: statement): a crawl or an ingest stops on these instead of skipping page after page.
_WRITE_FAILURES = ("disk is full", "disk i/o error", "readonly database", "database is locked")


def _cannot_write(exc: sqlite3.OperationalError) -> bool:
    return any(words in str(exc).lower() for words in _WRITE_FAILURES)
