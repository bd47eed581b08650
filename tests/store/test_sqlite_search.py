"""SQLite's full-text index (FTS5) itself, on real files: filled when an older
database is opened, resumed after a crash, and the FTS5 expressions queries become.
What searching finds is tested on every engine in ``test_search.py``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.store.test_search import found, save
from tidings.store import SQLiteStore
from tidings.store.search_text import space_cjk
from tidings.store.sqlite_search import match_expression


def _forget_the_index(db: Path) -> None:
    """Make ``db`` look like a database from before migration 8."""
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE article_fts")
        conn.execute("DROP TABLE article_fts_pending")
        conn.execute("DROP INDEX article_search")
        conn.execute("DELETE FROM schema_migrations WHERE version = 8")


def test_an_existing_database_gets_its_index_filled_on_open(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "t.db"
    store = SQLiteStore(db)
    volcano = save(store, "http://a/1", "Volcano erupts", "Lava reached the town.")
    chinese = save(store, "http://zh/1", "新政策发布", "北京时间今天上午。")
    store.close()
    _forget_the_index(db)
    with caplog.at_level("INFO", logger="tidings.store"):
        reopened = SQLiteStore(db)
    assert "indexing 2 articles" in caplog.text
    assert found(reopened, "volcano") == [volcano]
    assert found(reopened, "北京") == [chinese]
    reopened.close()
    again = SQLiteStore(db)  # idempotent: nothing indexed twice
    assert found(again, "lava") == [volcano]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM article_fts").fetchone()[0] == 2
        assert conn.execute("SELECT COUNT(*) FROM article_fts_pending").fetchone()[0] == 0
    again.close()


def test_filling_resumes_after_a_crash_mid_way(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    store = SQLiteStore(db)
    ids = [save(store, f"http://a/{i}", f"Quake {i}", f"Aftershock number {i}.") for i in range(5)]
    store.close()
    with sqlite3.connect(db) as conn:  # as a crash after the first batch leaves it
        marks = ",".join("?" * 3)
        conn.execute(f"DELETE FROM article_fts WHERE rowid IN ({marks})", ids[2:])
        conn.executemany("INSERT INTO article_fts_pending VALUES (?)", [(i,) for i in ids[2:]])
    reopened = SQLiteStore(db)
    assert sorted(found(reopened, "aftershock", limit=10)) == sorted(ids)
    reopened.close()


def test_cjk_is_spaced_and_queries_are_quoted() -> None:
    assert space_cjk("北京时间 news") == "北\u200b京\u200b时\u200b间 news"
    assert space_cjk("iPhone手机") == "iPhone\u200b手\u200b机"
    assert space_cjk("plain words") == "plain words"
    assert match_expression("北京") == '"北\u200b京"'
    assert match_expression('storm "and" AND rain') == '"storm" "and" "rain"*'
    assert match_expression('say "hi') == '"say" "hi"'  # too short for a prefix
    assert match_expression('say "his') == '"say" "his"*'
    assert match_expression("AND OR NOT") is None
    assert match_expression("* - ')--") is None
    assert match_expression("x" * 300) == '"' + "x" * 200 + '"*'
