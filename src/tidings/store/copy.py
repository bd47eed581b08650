"""Copy a whole store into another, empty one: from SQLite to PostgreSQL when a
deployment outgrows one machine (``tidings store copy --to postgresql://…``), or back.

Both stores must be at the same schema version (open both with this version of
Tidings: opening migrates). Tables are copied in an order that satisfies their
foreign keys, a batch per transaction; ids are kept, so everything that refers to an
article, a story or an account still does. The search index is rebuilt by the target
(the engines index differently), and its id sequences are moved past the copied ids.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from tidings.errors import StoreError
from tidings.store.sql import SQLStore, quote_table

log = logging.getLogger(__name__)

#: Every table with data, parents before children. ``article.duplicate_of`` points
#: at other articles, possibly later ones: it is set in a second pass.
TABLES = (
    "source",
    "url",
    "fetch",
    "article",
    "article_nlp",
    "article_entity",
    "story",
    "story_member",
    "nlp_state",
    "headline",
    "event",
    "event_cursor",
    "reader_control",
    "reader_setting",
    "reader_profile",
    "model_state",
    "account",
    "auth_session",
    "subscription",
    "article_state",
)
#: Tables whose rows the target must not have before a copy.
_MUST_BE_EMPTY = ("source", "url", "article", "event", "account")
#: Rows per transaction.
BATCH = 500

Progress = Callable[[str, int], None]


def copy_store(
    source: SQLStore, target: SQLStore, *, on_progress: Progress | None = None
) -> dict[str, int]:
    """Copy every row of ``source`` into the empty ``target``; rows copied by table."""
    if source.schema_version() != target.schema_version():
        raise StoreError(
            f"schema versions differ (source {source.schema_version()}, target "
            f"{target.schema_version()}): open both with the same version of Tidings"
        )
    for table in _MUST_BE_EMPTY:
        if target._conn().execute(f"SELECT 1 FROM {quote_table(table)} LIMIT 1").fetchone():
            raise StoreError(f"the target store is not empty (table {table} has rows)")
    copied: dict[str, int] = {}
    for table in TABLES:
        copied[table] = _copy_table(source, target, table, on_progress)
    _link_duplicates(source, target)
    target._after_copy(TABLES)
    with target._tx() as conn:
        conn.execute("DELETE FROM article_fts_pending")
        conn.execute("INSERT INTO article_fts_pending (article_id) SELECT id FROM article")
    target._fill_search_index()
    log.info("store copied: %s", copied)
    return copied


def _copy_table(
    source: SQLStore, target: SQLStore, table: str, on_progress: Progress | None
) -> int:
    cursor = source._conn().execute(f"SELECT * FROM {quote_table(table)}")
    done = 0
    batch: list[tuple[object, ...]] = []
    columns: list[str] = []
    for row in cursor:
        if not columns:
            columns = list(row.keys())
        values = tuple(row)
        if table == "article":  # linked in the second pass
            values = tuple(
                None if c == "duplicate_of" else v for c, v in zip(columns, values, strict=True)
            )
        batch.append(values)
        if len(batch) >= BATCH:
            done += _insert(target, table, columns, batch)
            batch = []
            if on_progress is not None:
                on_progress(table, done)
    if batch:
        done += _insert(target, table, columns, batch)
    if on_progress is not None:
        on_progress(table, done)
    return done


def _insert(
    target: SQLStore, table: str, columns: list[str], rows: list[tuple[object, ...]]
) -> int:
    marks = ", ".join("?" * len(columns))
    with target._tx() as conn:
        conn.executemany(
            f"INSERT INTO {quote_table(table)} ({', '.join(columns)}) VALUES ({marks})", rows
        )
    return len(rows)


def _link_duplicates(source: SQLStore, target: SQLStore) -> None:
    links = [
        (row[1], row[0])
        for row in source._conn().execute(
            "SELECT id, duplicate_of FROM article WHERE duplicate_of IS NOT NULL"
        )
    ]
    for start in range(0, len(links), BATCH):
        with target._tx() as conn:
            conn.executemany(
                "UPDATE article SET duplicate_of = ? WHERE id = ?", links[start : start + BATCH]
            )
