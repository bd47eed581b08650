"""What is particular to the SQLite engine, on real files: migrations of a file,
WAL, reopening, query plans and ``flock`` locks. The store's behaviour common to the
engines is tested in ``test_sql*.py`` and ``test_search.py``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.store.test_sql_headlines import article
from tidings.errors import MigrationError
from tidings.store import NewEvent, SQLiteStore, open_store
from tidings.store.migrations import MIGRATIONS


def test_migrations_apply_once_and_wal_is_on(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    store = open_store(f"sqlite:///{db}")
    latest = MIGRATIONS[-1].version
    assert store.schema_version() == latest
    store.close()
    again = SQLiteStore(db)  # reopening applies nothing twice
    assert again.schema_version() == latest
    again.close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        applied = conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0]
        assert applied == len(MIGRATIONS)


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    SQLiteStore(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (99, 'future', 'now')")
    with pytest.raises(MigrationError):
        SQLiteStore(db)


def test_a_version_2_database_upgrades_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL)"
    )
    for migration in MIGRATIONS[:2]:
        conn.executescript(migration.sql)
        conn.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, 'then')",
            (migration.version, migration.name),
        )
    conn.commit()
    conn.close()
    store = SQLiteStore(path)
    try:
        assert store.schema_version() == len(MIGRATIONS)
        a = article(store, 1)
        assert [x.id for x in store.articles_needing_headlines(5)] == [a]
    finally:
        store.close()


def test_reading_new_events_of_some_kinds_reads_only_the_new_events(tmp_path: Path) -> None:
    """A learner polls every second: reading the events after its cursor must cost what
    the new events cost, not what the whole log does (the kind index would read every
    event of those kinds ever logged)."""
    store = SQLiteStore(tmp_path / "t.db")
    store.record_events([NewEvent("impression", reader=f"r{i}") for i in range(2000)])
    store.record_events([NewEvent("click", reader="r1"), NewEvent("hide", reader="r2")])
    events = store.events_after(2000, kinds=["click", "hide"], limit=10)
    assert [e.kind for e in events] == ["click", "hide"]
    assert store.events_after(1990, kinds=["impression"], limit=3)[0].id == 1991
    statements: list[str] = []
    conn = store._conn()  # the store's own connection: its very statement is planned
    try:
        conn.set_trace_callback(statements.append)
        store.events_after(2000, kinds=["click", "hide"], limit=10)
        conn.set_trace_callback(None)
        [query] = [s for s in statements if "FROM event" in s]
        plan = conn.execute(f"EXPLAIN QUERY PLAN {query}").fetchall()
    finally:
        store.close()
    details = " ".join(str(row[-1]) for row in plan)
    assert "PRIMARY KEY" in details and "event_kind" not in details, details


def test_a_named_lock_is_held_by_one_store_until_it_closes(tmp_path: Path) -> None:
    first, second = SQLiteStore(tmp_path / "t.db"), SQLiteStore(tmp_path / "t.db")
    try:
        assert first.hold_lock("learners")
        assert first.hold_lock("learners")  # held: asking again is fine
        assert not second.hold_lock("learners")
        assert second.hold_lock("other-work")  # names are independent
        first.close()
        assert second.hold_lock("learners")  # released with its holder
        with pytest.raises(ValueError):
            second.hold_lock("../escape")
    finally:
        first.close()
        second.close()
