"""The DB-API subset the shared SQL of :mod:`tidings.store.sql` runs on.

``sqlite3`` connections have it as they are; PostgreSQL connections get it from
:class:`tidings.store.postgresql_connection.PgConnection` (``?`` placeholders, rows
read by name or position). Statements stick to SQL both engines read the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol

#: A result row: ``row["column"]``, ``row[0]`` and unpacking all work.
Row = Any


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    def execute(self, sql: str, parameters: Any = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Cursor: ...
