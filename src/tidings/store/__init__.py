"""Storage: the ``Store`` interface and its engines (SQLite by default, PostgreSQL).

``open_store(url)`` picks the engine from the database URL, so switching engines
is one setting (``TIDINGS_DATABASE_URL``).
"""

from __future__ import annotations

from tidings.errors import ConfigError
from tidings.store.base import ArticlePage, FetchLog, NewEvent, NewURL, Store
from tidings.store.sqlite import SQLiteStore

__all__ = ["ArticlePage", "FetchLog", "NewEvent", "NewURL", "SQLiteStore", "Store", "open_store"]


def open_store(url: str) -> Store:
    """Open (creating and migrating as needed) the store at ``url``.

    ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db`` or a bare path;
    ``postgresql://user:password@host:5432/database`` (psycopg's URL and options).
    """
    if url.startswith(("postgresql://", "postgres://")):
        from tidings.store.postgresql import PostgreSQLStore

        return PostgreSQLStore(url)
    if url.startswith("sqlite:///"):
        return SQLiteStore(url.removeprefix("sqlite:///"))
    if "://" not in url:
        return SQLiteStore(url)
    scheme = url.split("://", 1)[0]
    raise ConfigError(f"unsupported database URL scheme {scheme!r} (supported: sqlite, postgresql)")
