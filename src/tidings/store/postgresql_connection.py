"""A psycopg connection that speaks the DB-API subset of :mod:`tidings.store.sql_types`.

The shared statements are written with ``?`` placeholders, read rows by column name
or position, and bind Python booleans to integer columns, as ``sqlite3`` does;
:class:`PgConnection` translates the placeholders (once per statement text, cached),
gives rows both ways of reading, and adapts the few types where the engines differ.
Migrations' DDL is translated by :func:`postgresql_ddl`.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.adapt import Dumper, Loader
from psycopg.rows import RowMaker

from tidings.errors import StoreError, StoreUnavailable


class PgRow(tuple[Any, ...]):
    """A row read by position (``row[0]``, unpacking) or by name (``row["id"]``)."""

    __slots__ = ()
    _index: dict[str, int] = {}  # noqa: RUF012 (set per subclass, one per column list)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


@functools.lru_cache(maxsize=2048)
def _row_class(names: tuple[str, ...]) -> type[PgRow]:
    return type("PgRow", (PgRow,), {"__slots__": (), "_index": {n: i for i, n in enumerate(names)}})


def _pg_row(cursor: psycopg.Cursor[Any]) -> RowMaker[PgRow]:
    description = cursor.description
    cls = _row_class(tuple(d.name for d in description) if description else ())

    def make(values: Sequence[Any]) -> PgRow:
        return cls(values)

    return make


class _BoolAsInt(Dumper):
    """Python booleans go to integer columns as 0/1 (SQLite has no boolean type, and
    the schema keeps flags as integers on both engines)."""

    oid = psycopg.postgres.types["int8"].oid

    def dump(self, obj: Any) -> bytes:
        return b"1" if obj else b"0"


class _TextWithoutNul(Dumper):
    """Strings without NUL characters, which PostgreSQL's text cannot hold (SQLite's
    can; a NUL in a scraped page or a reader's input carries no meaning). Sent
    untyped, as psycopg sends strings, so the server infers each parameter's type."""

    oid = 0

    def dump(self, obj: Any) -> bytes:
        return str(obj).replace("\x00", "").encode()


class _NumericAsNumber(Loader):
    """``numeric`` (what PostgreSQL's SUM of integers gives) as int when whole, else
    float: the shared code does arithmetic with them as SQLite returns them."""

    def load(self, data: Any) -> int | float:
        value = Decimal(bytes(data).decode())
        return int(value) if value == value.to_integral_value() else float(value)


@functools.lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    """``?`` placeholders → ``%s`` (and a literal ``%`` → ``%%``), outside quotes."""
    out: list[str] = []
    quote: str | None = None
    for char in sql:
        if quote is not None:
            out.append("%%" if char == "%" else char)
            if char == quote:
                quote = None
        elif char in ("'", '"'):
            quote = char
            out.append(char)
        elif char == "?":
            out.append("%s")
        elif char == "%":
            out.append("%%")
        else:
            out.append(char)
    return "".join(out)


class PgCursor:
    """A result: rows and the number of rows a statement changed."""

    def __init__(self, cursor: psycopg.Cursor[PgRow]) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)

    def fetchone(self) -> PgRow | None:
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list[PgRow]:
        return self._cursor.fetchall() if self._cursor.description else []

    def __iter__(self) -> Iterator[PgRow]:
        return iter(self.fetchall())


class _Counted(PgCursor):
    """A cursor whose row count is the sum over several statements."""

    def __init__(self, cursor: psycopg.Cursor[PgRow], rowcount: int) -> None:
        super().__init__(cursor)
        self._rowcount = rowcount

    @property
    def rowcount(self) -> int:
        return self._rowcount


#: Rows and parameters in one multi-row INSERT (PostgreSQL takes 65,535 parameters).
MAX_ROWS_PER_INSERT = 1000
MAX_PARAMETERS = 30_000
_VALUES = " VALUES ("
_DO_NOTHING = re.compile(r"\s*(ON CONFLICT(\s*\([^)]*\))? DO NOTHING)?\s*", re.DOTALL)


@functools.lru_cache(maxsize=512)
def _multi_row_insert(sql: str) -> tuple[str, str, str] | None:
    """``INSERT … VALUES (group) [ON CONFLICT … DO NOTHING]`` split into head, group and
    tail, so the group can be repeated once per row; None for any other statement (an
    upsert might meet one key twice in a statement, which PostgreSQL refuses)."""
    if not sql.lstrip().upper().startswith("INSERT") or sql.count(_VALUES) != 1:
        return None
    start = sql.index(_VALUES) + len(_VALUES) - 1
    depth = 0
    for end in range(start, len(sql)):
        depth += {"(": 1, ")": -1}.get(sql[end], 0)
        if depth == 0:
            break
    else:
        return None
    tail = sql[end + 1 :]
    if not _DO_NOTHING.fullmatch(tail):
        return None
    return sql[: sql.index(_VALUES)] + " VALUES ", sql[start : end + 1], tail


class PgConnection:
    """One psycopg connection (autocommit: a transaction is begun explicitly).

    Opening waits up to ``reconnect_wait`` seconds for the server. A read outside any
    transaction that finds the connection gone (a server restart) is run once more on
    a new connection: it wrote nothing, so nothing can happen twice. Inside a
    transaction the failure is raised (:class:`StoreUnavailable`): the caller decides.
    """

    def __init__(self, url: str, *, reconnect_wait: float = 30.0, label: str = "") -> None:
        self.url = url
        self.reconnect_wait = reconnect_wait
        self.label = label or "the database"
        self.in_transaction = False
        self.raw: psycopg.Connection[PgRow] = self._open()

    def _open(self) -> psycopg.Connection[PgRow]:
        deadline = time.monotonic() + self.reconnect_wait
        while True:
            try:
                raw = psycopg.connect(
                    self.url, autocommit=True, row_factory=_pg_row, connect_timeout=10
                )
            except psycopg.OperationalError as exc:
                if time.monotonic() >= deadline:
                    raise StoreUnavailable(f"cannot connect to {self.label}: {exc}") from exc
                time.sleep(0.5)
                continue
            raw.adapters.register_dumper(bool, _BoolAsInt)
            raw.adapters.register_dumper(str, _TextWithoutNul)
            raw.adapters.register_loader("numeric", _NumericAsNumber)
            return raw

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.in_transaction = True
        try:
            with self.raw.transaction():
                yield
        finally:
            self.in_transaction = False

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> PgCursor:
        cursor = self.raw.cursor()
        try:
            cursor.execute(translate(sql), tuple(parameters))
        except psycopg.OperationalError as exc:
            if not (self.broken and not self.in_transaction):
                raise self.failure(exc) from exc
            self.raw.close()
            self.raw = self._open()  # the server restarted: read again on a new connection
            cursor = self.raw.cursor()
            try:
                cursor.execute(translate(sql), tuple(parameters))
            except psycopg.OperationalError as again:
                raise self.failure(again) from again
        return PgCursor(cursor)

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> PgCursor:
        rows = [tuple(p) for p in parameters]
        cursor = self.raw.cursor()
        if not rows:
            return PgCursor(cursor)
        split = _multi_row_insert(sql)
        try:
            if split is None:
                cursor.executemany(translate(sql), rows)
                return PgCursor(cursor)
            # One INSERT of many rows instead of one per row (a round trip each): a
            # feed page's 30 impressions cost one statement.
            head, group, tail = split
            per_chunk = max(1, min(MAX_ROWS_PER_INSERT, MAX_PARAMETERS // len(rows[0])))
            changed = 0
            for start in range(0, len(rows), per_chunk):
                chunk = rows[start : start + per_chunk]
                statement = head + ", ".join([group] * len(chunk)) + tail
                cursor.execute(translate(statement), [v for row in chunk for v in row])
                changed += max(cursor.rowcount, 0)
            return _Counted(cursor, changed)
        except psycopg.OperationalError as exc:
            raise self.failure(exc) from exc

    def failure(self, exc: psycopg.OperationalError) -> StoreError:
        """The store's error for a server-side failure: unavailable when the connection
        is gone (retry after reconnecting), a plain store error otherwise (a full disk,
        a statement cancelled by the server)."""
        if self.broken:
            return StoreUnavailable(f"lost the connection to the database: {exc}")
        return StoreError(f"the database refused a statement: {exc}")

    @property
    def broken(self) -> bool:
        return bool(self.raw.closed or self.raw.broken)

    def close(self) -> None:
        self.raw.close()


_ID = re.compile(r"\bid\s+INTEGER\s+PRIMARY\s+KEY\b")


def postgresql_ddl(sql: str) -> str:
    """A migration's SQLite DDL in PostgreSQL's words: row ids become identity columns,
    integers 64-bit, REAL double precision, BLOB bytea, text compared byte by byte
    (``COLLATE "C"``, as SQLite does: ISO timestamps sort as strings), and the table
    named ``fetch`` (a reserved word there) quoted."""
    sql = _ID.sub("id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", sql)
    sql = re.sub(r"\bINTEGER\b", "BIGINT", sql)
    sql = re.sub(r"\bREAL\b", "DOUBLE PRECISION", sql)
    sql = re.sub(r"\bBLOB\b", "BYTEA", sql)
    sql = re.sub(r"\bTEXT\b", 'TEXT COLLATE "C"', sql)
    sql = re.sub(r"\b(TABLE|ON|REFERENCES|INTO|FROM|JOIN)\s+fetch\b", r'\1 "fetch"', sql)
    return sql
