"""The PostgreSQL store (``TIDINGS_DATABASE_URL=postgresql://user@host/db``).

The same statements as SQLite (:mod:`tidings.store.sql`) over psycopg 3, one
connection per thread. Writes keep SQLite's guarantee that writers are serialised:
each write transaction first takes one transaction-scoped advisory lock, so ids and
timestamps are assigned in commit order and a consumer reading the event log by id
never skips an event committed late. The crawl frontier is the exception: claims
take ``FOR UPDATE SKIP LOCKED`` row locks instead, so crawl workers on many machines
claim side by side. Named locks (one language-processing job at a time) are
session-level advisory locks, released when the holding process's connection ends,
however it ends.

A connection lost (a server restart, a failover) is replaced, after waiting up to
``reconnect_wait`` seconds for the server to come back: a read is simply run again
on the new connection; a write transaction that was in flight fails with
:class:`~tidings.errors.StoreUnavailable` and wrote nothing (or only its answer was
lost), so the caller may run it again: the pipeline does, for a page's writes.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from tidings.errors import StoreError
from tidings.store import postgresql_search as _search
from tidings.store.connections import PerThread
from tidings.store.migrations import Migration
from tidings.store.postgresql_connection import PgConnection, postgresql_ddl
from tidings.store.search_text import SearchRows
from tidings.store.sql import SQLStore, quote_table
from tidings.store.sql_types import Connection

log = logging.getLogger(__name__)

#: The advisory lock key every write transaction takes (serialised writers).
WRITE_LOCK = 7_261_837_462_001


class PostgreSQLStore(SQLStore):
    _CLAIM_LOCK = " FOR UPDATE SKIP LOCKED"

    def __init__(self, url: str, *, reconnect_wait: float = 30.0) -> None:
        self.url = url
        self.reconnect_wait = reconnect_wait
        self._connections = PerThread(self._connect, PgConnection.close)
        self._lock = threading.Lock()
        #: lock name -> the connection holding its session-level advisory lock
        self._held: dict[str, PgConnection] = {}
        self._open()

    @property
    def display_url(self) -> str:
        """The URL without its password (for messages and logs)."""
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        if parts.username:
            host = f"{parts.username}@{host}"
        return urlunsplit((parts.scheme, host, parts.path, "", ""))

    # --- connections -----------------------------------------------------------

    def _connect(self) -> PgConnection:
        return PgConnection(self.url, reconnect_wait=self.reconnect_wait, label=self.display_url)

    def _conn(self) -> PgConnection:
        conn = self._connections.get()
        if conn is not None and conn.broken:
            self._connections.forget(conn)
            conn = None
        return conn or self._connections.open()

    @contextmanager
    def _tx(self, *, serial: bool = True) -> Iterator[PgConnection]:
        """A write transaction; ``serial`` ones wait for the other serial writers."""
        conn = self._conn()
        try:
            with conn.transaction():
                if serial:
                    conn.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK,))
                yield conn
        except StoreError:
            if conn.broken:
                self._connections.forget(conn)
            raise
        except psycopg.OperationalError as exc:  # from BEGIN, COMMIT or ROLLBACK
            if conn.broken:
                self._connections.forget(conn)
            raise conn.failure(exc) from exc
        except psycopg.errors.ReadOnlySqlTransaction as exc:  # a standby, read-only
            raise StoreError(f"cannot write {self.display_url}: {exc}") from exc

    def close(self) -> None:
        self._connections.close_all()
        with self._lock:
            for conn in self._held.values():
                conn.close()
            self._held.clear()

    # --- schema ----------------------------------------------------------------

    def _migration_sql(self, migration: Migration) -> str:
        return migration.postgresql or postgresql_ddl(migration.sql)

    @property
    def _label(self) -> str:
        return self.display_url

    def _after_copy(self, tables: Sequence[str]) -> None:
        """Move each identity column's sequence past the ids copied in."""
        with self._tx() as conn:
            identities = {
                str(row[0])
                for row in conn.execute(
                    "SELECT table_name FROM information_schema.columns"
                    " WHERE table_schema = current_schema() AND column_name = 'id'"
                    " AND is_identity = 'YES'"
                )
            }
            for table in (t for t in tables if t in identities):
                name = quote_table(table)
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence(?, 'id'), COALESCE(MAX(id), 0) + 1,"
                    f" false) FROM {name}",
                    (name,),
                )

    # --- search ----------------------------------------------------------------

    def _index_for_search(self, conn: Connection, article_ids: Sequence[int]) -> None:
        _search.index_articles(conn, article_ids)

    def _search_rows(self, query: str, limit: int, offset: int) -> SearchRows | None:
        return _search.search(self._conn(), query, limit, offset)

    # --- locks ---------------------------------------------------------------------

    def hold_lock(self, name: str) -> bool:
        """A session-level advisory lock on its own connection (the server releases it
        when that connection ends, however the process ends)."""
        if not re.fullmatch(r"[a-z0-9-]+", name):
            raise ValueError(f"bad lock name {name!r}")
        with self._lock:
            if name in self._held:
                return True
            conn = self._connect()
            key = int.from_bytes(
                hashlib.blake2b(f"tidings:{name}".encode(), digest_size=8).digest(),
                "big",
                signed=True,
            )
            row = conn.execute("SELECT pg_try_advisory_lock(?)", (key,)).fetchone()
            if row is None or not row[0]:
                conn.close()
                return False
            self._held[name] = conn
            return True

    def cache_path(self, name: str) -> Path | None:
        """None: a database on a server has no folder of its own to keep files in."""
        return None
