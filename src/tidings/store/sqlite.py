"""The default store: one SQLite file in WAL mode.

One connection per thread (the server reads from a thread pool while the crawler
writes); WAL lets readers run beside the single writer. Each public method is one
transaction, so a crash between two calls leaves a consistent database.
"""

from __future__ import annotations

import base64
import dataclasses
import fcntl
import json
import logging
import os
import re
import secrets
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tidings.errors import MigrationError, NotFoundError, StoreError
from tidings.records import (
    Account,
    ArticleAnalysis,
    ArticleBrief,
    ArticleSaved,
    DuplicateArticle,
    Entity,
    Event,
    ExtractedArticle,
    FeedCandidate,
    FrontierItem,
    HeadlineCandidate,
    HeadlineDelta,
    ReaderControls,
    ReaderItem,
    ReaderProfile,
    SaveResult,
    Source,
    SourceKind,
    SourceSpec,
    StoredArticle,
    StoredHeadline,
    Story,
    Subscription,
    URLState,
)
from tidings.store import sqlite_accounts as _accounts
from tidings.store import sqlite_headlines as _headlines
from tidings.store import sqlite_readers as _readers
from tidings.store import sqlite_search as _search
from tidings.store.base import (
    ArticlePage,
    FetchLog,
    ItemFilter,
    NewEvent,
    NewURL,
    SearchHit,
    SearchPage,
    Store,
)
from tidings.store.migrations import MIGRATIONS
from tidings.timestamps import utc_iso, utcnow_iso
from tidings.urls import host_of

log = logging.getLogger(__name__)


class SQLiteStore(Store):
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        #: lock name -> open file descriptor holding its ``flock``
        self._held: dict[str, int] = {}
        self._migrate()
        self._fill_host_buckets()
        self._fill_search_index()

    # --- connections -----------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
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
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE: takes the write lock up front)."""
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
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
            for fd in self._held.values():
                os.close(fd)  # releases the flock
            self._held.clear()
        self._local = threading.local()

    # --- schema ----------------------------------------------------------------

    def _migrate(self) -> None:
        with self._tx() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            applied = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
            known = {m.version for m in MIGRATIONS}
            if applied - known:
                raise MigrationError(
                    f"database {self.path} has migrations {sorted(applied - known)} "
                    "unknown to this version of Tidings"
                )
            for migration in MIGRATIONS:
                if migration.version in applied:
                    continue
                log.info("applying migration %d: %s", migration.version, migration.name)
                for statement in _statements(migration.sql):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, utcnow_iso()),
                )

    def _fill_host_buckets(self) -> None:
        """Give URLs added before migration 9 their host's bucket (one query when none is
        missing)."""
        conn = self._conn()
        hosts = [
            r[0] for r in conn.execute("SELECT DISTINCT host FROM url WHERE host_bucket IS NULL")
        ]
        if not hosts:
            return
        with self._tx() as conn:
            conn.executemany(
                "UPDATE url SET host_bucket = ? WHERE host = ? AND host_bucket IS NULL",
                [(host_bucket(host), host) for host in hosts],
            )

    def _fill_search_index(self) -> None:
        """Index the articles stored before the search index existed (migration 8 lists
        them), a batch per transaction: a crash mid-way resumes where it stopped, and
        a store with none left costs one query."""
        conn = self._conn()
        if not _search.has_pending(conn):
            return
        log.info("search index: indexing %d articles", _search.count_pending(conn))
        filled = 0
        while True:
            with self._tx() as conn:
                taken = _search.index_pending(conn, _search.FILL_BATCH)
            filled += taken
            if taken < _search.FILL_BATCH:
                break
        log.info("search index: %d articles indexed", filled)

    def schema_version(self) -> int:
        row = self._conn().execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    # --- sources ---------------------------------------------------------------

    _SOURCE_SELECT = """
        SELECT s.*, (SELECT COUNT(*) FROM article a
                     WHERE a.source_id = s.id AND a.duplicate_of IS NULL) AS article_count
        FROM source s
    """

    def add_source(self, spec: SourceSpec) -> tuple[Source, bool]:
        now = utcnow_iso()
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO source (url, kind, title, site_url, added_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (url) DO NOTHING",
                (spec.url, spec.kind.value, spec.title, spec.site_url, now),
            )
            created = cur.rowcount == 1
            row = conn.execute("SELECT id FROM source WHERE url = ?", (spec.url,)).fetchone()
            source_id = int(row["id"])
            # The source's own URL enters the frontier, marked as a source URL so
            # every crawl run polls it again.
            conn.execute(
                "INSERT INTO url (url, host, host_bucket, kind, source_id, is_source,"
                " discovered_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)"
                " ON CONFLICT (url) DO UPDATE SET is_source = 1, kind = excluded.kind,"
                " source_id = excluded.source_id, state = 'queued', not_before = 0",
                (
                    spec.url,
                    host_of(spec.url),
                    host_bucket(host_of(spec.url)),
                    spec.kind.value,
                    source_id,
                    now,
                    now,
                ),
            )
        return self.get_source(source_id), created

    def list_sources(self) -> list[Source]:
        rows = self._conn().execute(self._SOURCE_SELECT + " ORDER BY s.id").fetchall()
        return [_source(row) for row in rows]

    def get_source(self, source_id: int) -> Source:
        row = self._conn().execute(self._SOURCE_SELECT + " WHERE s.id = ?", (source_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no source with id {source_id}")
        return _source(row)

    def remove_source(self, source_id: int) -> None:
        with self._tx() as conn:
            row = conn.execute("SELECT url FROM source WHERE id = ?", (source_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"no source with id {source_id}")
            conn.execute("DELETE FROM url WHERE url = ? AND is_source = 1", (row["url"],))
            conn.execute("DELETE FROM url WHERE source_id = ? AND state = 'queued'", (source_id,))
            conn.execute("DELETE FROM source WHERE id = ?", (source_id,))

    def update_source(
        self,
        source_id: int,
        *,
        status: str,
        ok: bool,
        title: str | None = None,
        site_url: str | None = None,
    ) -> None:
        with self._tx() as conn:
            conn.execute(
                "UPDATE source SET last_fetched_at = ?, last_status = ?,"
                " error_count = CASE WHEN ? THEN 0 ELSE error_count + 1 END,"
                " title = COALESCE(title, ?), site_url = COALESCE(site_url, ?)"
                " WHERE id = ?",
                (utcnow_iso(), status, ok, title, site_url, source_id),
            )

    # --- frontier --------------------------------------------------------------

    def enqueue(self, urls: Iterable[NewURL]) -> int:
        now = utcnow_iso()
        rows = [
            (
                u.url,
                u.host,
                host_bucket(u.host),
                u.kind.value,
                u.source_id,
                json.dumps(u.hints, ensure_ascii=False) if u.hints else None,
                now,
                now,
            )
            for u in urls
        ]
        if not rows:
            return 0
        with self._tx() as conn:
            before = conn.total_changes
            conn.executemany(
                "INSERT INTO url (url, host, host_bucket, kind, source_id, hints, discovered_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO NOTHING",
                rows,
            )
            return conn.total_changes - before

    def start_run(self) -> int:
        with self._tx() as conn:
            conn.execute(
                "UPDATE url SET state = 'queued', not_before = 0, attempts = 0"
                " WHERE is_source = 1 AND state != 'in_progress'"
            )
            # A URL still in progress was claimed by a run that died: it was not
            # completed, so it is fetched again (article writes are idempotent).
            conn.execute("UPDATE url SET state = 'queued' WHERE state = 'in_progress'")
            row = conn.execute("SELECT COUNT(*) FROM url WHERE state = 'queued'").fetchone()
            return int(row[0])

    def claim(
        self,
        exclude_hosts: Sequence[str],
        now: float,
        *,
        partition: tuple[int, int] | None = None,
    ) -> FrontierItem | None:
        placeholders = ",".join("?" * len(exclude_hosts))
        host_filter = f" AND host NOT IN ({placeholders})" if exclude_hosts else ""
        params: list[Any] = [now, *exclude_hosts]
        if partition is not None:
            part, parts = partition
            if not 0 <= part < parts:
                raise ValueError(f"bad partition {partition!r}")
            host_filter += " AND host_bucket % ? = ?"
            params += [parts, part]
        with self._tx() as conn:
            row = conn.execute(
                "SELECT * FROM url WHERE state = 'queued' AND not_before <= ?"
                + host_filter
                # Sources first (feeds reveal the pages), then first discovered first.
                + " ORDER BY is_source DESC, not_before, id LIMIT 1",
                params,
            ).fetchone()
            if row is None:
                return None
            conn.execute(
                "UPDATE url SET state = 'in_progress', updated_at = ? WHERE id = ?",
                (utcnow_iso(), row["id"]),
            )
        return FrontierItem(
            id=row["id"],
            url=row["url"],
            host=row["host"],
            kind=SourceKind(row["kind"]),
            source_id=row["source_id"],
            is_source=bool(row["is_source"]),
            attempts=row["attempts"],
            etag=row["etag"],
            last_modified=row["last_modified"],
            hints=json.loads(row["hints"]) if row["hints"] else {},
        )

    def complete(
        self, item_id: int, *, etag: str | None = None, last_modified: str | None = None
    ) -> None:
        with self._tx() as conn:
            conn.execute(
                "UPDATE url SET state = 'done', attempts = 0, last_error = NULL,"
                " etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified),"
                " updated_at = ? WHERE id = ?",
                (etag, last_modified, utcnow_iso(), item_id),
            )

    def retry_later(self, item_id: int, *, not_before: float, error: str) -> None:
        with self._tx() as conn:
            conn.execute(
                "UPDATE url SET state = 'queued', attempts = attempts + 1, not_before = ?,"
                " last_error = ?, updated_at = ? WHERE id = ?",
                (not_before, error, utcnow_iso(), item_id),
            )

    def fail(self, item_id: int, *, error: str) -> None:
        with self._tx() as conn:
            conn.execute(
                "UPDATE url SET state = 'failed', attempts = attempts + 1, last_error = ?,"
                " updated_at = ? WHERE id = ?",
                (error, utcnow_iso(), item_id),
            )

    def frontier_counts(self) -> dict[str, int]:
        counts = {state.value: 0 for state in URLState}
        for row in self._conn().execute("SELECT state, COUNT(*) FROM url GROUP BY state"):
            counts[row[0]] = int(row[1])
        return counts

    def next_due(self) -> float | None:
        row = self._conn().execute("SELECT MIN(not_before) FROM url WHERE state = 'queued'")
        value = row.fetchone()[0]
        return None if value is None else float(value)

    # --- fetches and articles --------------------------------------------------

    def log_fetch(self, fetch: FetchLog) -> int:
        body = zlib.compress(fetch.body, 6) if fetch.body is not None else None
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO fetch (url, source_id, outcome, status, final_url, content_type,"
                " error, elapsed_ms, body, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    fetch.url,
                    fetch.source_id,
                    fetch.outcome,
                    fetch.status,
                    fetch.final_url,
                    fetch.content_type,
                    fetch.error,
                    fetch.elapsed_ms,
                    body,
                    utcnow_iso(),
                ),
            )
            return int(cur.lastrowid or 0)

    def save_article(
        self,
        article: ExtractedArticle,
        *,
        url: str,
        source_id: int | None,
        fetch_id: int | None,
        published_at: str | None,
        content_hash: str,
    ) -> SaveResult:
        now = utcnow_iso()
        published = utc_iso(published_at) or utc_iso(article.date)
        # A future publication time (bad metadata) must not pin an article on top.
        sort_at = min(published, now) if published else now
        fields = {
            "canonical_url": article.canonical_url,
            "title": article.title,
            "text": article.text,
            "authors": json.dumps(list(article.authors), ensure_ascii=False),
            "date": article.date,
            "published_at": published,
            "language": article.language,
            "image": article.image,
            "site_name": article.site_name,
            "description": article.description,
            "source_id": source_id,
            "fetch_id": fetch_id,
            "content_hash": content_hash,
        }
        with self._tx() as conn:
            existing = conn.execute("SELECT id FROM article WHERE url = ?", (url,)).fetchone()
            if existing is not None:
                assignments = ", ".join(f"{k} = ?" for k in fields)
                conn.execute(
                    f"UPDATE article SET {assignments}, updated_at = ? WHERE id = ?",
                    (*fields.values(), now, existing["id"]),
                )
                _search.index_articles(conn, [int(existing["id"])])
                return ArticleSaved(article_id=int(existing["id"]), created=False)
            original = conn.execute(
                "SELECT id, published_at FROM article"
                " WHERE content_hash = ? AND duplicate_of IS NULL ORDER BY id LIMIT 1",
                (content_hash,),
            ).fetchone()
            # The first publication of a text is the original, whatever the order
            # the crawler found the copies in.
            supersedes = None
            if original is not None and _earlier(published, original["published_at"]):
                supersedes = int(original["id"])
                original = None
            duplicate_of = int(original["id"]) if original is not None else None
            kind = "exact" if duplicate_of is not None else None
            columns = [
                "url", *fields, "duplicate_of", "duplicate_kind", "sort_at", "created_at",
                "updated_at",
            ]  # fmt: skip
            cur = conn.execute(
                f"INSERT INTO article ({', '.join(columns)})"
                f" VALUES ({', '.join('?' * len(columns))})",
                (url, *fields.values(), duplicate_of, kind, sort_at, now, now),
            )
            article_id = int(cur.lastrowid or 0)
            _search.index_articles(conn, [article_id])
            if supersedes is not None:
                conn.execute(
                    "UPDATE article SET duplicate_of = ?, duplicate_kind = 'exact'"
                    " WHERE content_hash = ? AND id != ?",
                    (article_id, content_hash, article_id),
                )
        if duplicate_of is not None:
            return DuplicateArticle(article_id=article_id, duplicate_of=duplicate_of)
        return ArticleSaved(article_id=article_id, created=True, supersedes=supersedes)

    _ARTICLE_SELECT = """
        SELECT a.*, s.title AS source_title FROM article a
        LEFT JOIN source s ON s.id = a.source_id
    """

    def get_article(self, article_id: int) -> StoredArticle:
        row = (
            self._conn().execute(self._ARTICLE_SELECT + " WHERE a.id = ?", (article_id,)).fetchone()
        )
        if row is None:
            raise NotFoundError(f"no article with id {article_id}")
        return _article(row)

    def list_articles(
        self,
        *,
        limit: int = 50,
        cursor: str | None = None,
        source_id: int | None = None,
        include_duplicates: bool = False,
        topic: str | None = None,
    ) -> ArticlePage:
        where: list[str] = []
        params: list[Any] = []
        if not include_duplicates:
            where.append("a.duplicate_of IS NULL")
        if source_id is not None:
            where.append("a.source_id = ?")
            params.append(source_id)
        if topic is not None:
            where.append("a.id IN (SELECT article_id FROM article_nlp WHERE topic = ?)")
            params.append(topic)
        if cursor:
            sort_at, last_id = decode_cursor(cursor)
            where.append("(a.sort_at < ? OR (a.sort_at = ? AND a.id < ?))")
            params += [sort_at, sort_at, last_id]
        sql = self._ARTICLE_SELECT
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY a.sort_at DESC, a.id DESC LIMIT ?"
        rows = self._conn().execute(sql, (*params, limit + 1)).fetchall()
        items = tuple(_article(row) for row in rows[:limit])
        next_cursor = None
        if len(rows) > limit:
            last = rows[limit - 1]
            next_cursor = encode_cursor(last["sort_at"], int(last["id"]))
        return ArticlePage(items=items, next_cursor=next_cursor)

    def count_articles(self, *, include_duplicates: bool = False) -> int:
        sql = "SELECT COUNT(*) FROM article"
        if not include_duplicates:
            sql += " WHERE duplicate_of IS NULL"
        return int(self._conn().execute(sql).fetchone()[0])

    def search_articles(self, query: str, *, limit: int = 20, offset: int = 0) -> SearchPage:
        expression = _search.match_expression(query)
        if expression is None or limit < 1:
            return SearchPage(hits=(), total=0, next_offset=None)
        found = _search.search(self._conn(), expression, limit, max(offset, 0))
        articles = {a.id: a for a in self.get_articles([i for i, _ in found.rows])}
        hits = tuple(
            SearchHit(articles[i], *_search.parse_snippet(raw))
            for i, raw in found.rows
            if i in articles
        )
        return SearchPage(hits=hits, total=found.total, next_offset=found.next_offset)

    def raw_html(self, article_id: int) -> bytes | None:
        row = (
            self._conn()
            .execute(
                "SELECT f.body FROM article a JOIN fetch f ON f.id = a.fetch_id WHERE a.id = ?",
                (article_id,),
            )
            .fetchone()
        )
        if row is None or row["body"] is None:
            return None
        return zlib.decompress(row["body"])

    # --- language processing ---------------------------------------------------

    def articles_to_process(self, limit: int) -> list[StoredArticle]:
        rows = (
            self._conn()
            .execute(
                self._ARTICLE_SELECT + " LEFT JOIN article_nlp n ON n.article_id = a.id"
                " WHERE n.article_id IS NULL ORDER BY a.id LIMIT ?",
                (limit,),
            )
            .fetchall()
        )
        return [_article(row) for row in rows]

    def count_articles_to_process(self) -> int:
        row = (
            self._conn()
            .execute(
                "SELECT COUNT(*) FROM article a LEFT JOIN article_nlp n ON n.article_id = a.id"
                " WHERE n.article_id IS NULL"
            )
            .fetchone()
        )
        return int(row[0])

    def save_analyses(
        self,
        analyses: Sequence[tuple[ArticleAnalysis, int | None]],
        *,
        stories: Sequence[Story] = (),
        removed_stories: Sequence[int] = (),
        state: dict[str, str] | None = None,
    ) -> None:
        with self._tx() as conn:
            for analysis, near_duplicate_of in analyses:
                _save_analysis(conn, analysis, near_duplicate_of)
            _save_stories(conn, stories, removed_stories)
            conn.executemany(
                "INSERT INTO nlp_state (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                list((state or {}).items()),
            )

    def get_analysis(self, article_id: int) -> ArticleAnalysis | None:
        row = (
            self._conn()
            .execute("SELECT * FROM article_nlp WHERE article_id = ?", (article_id,))
            .fetchone()
        )
        return None if row is None else _analysis(row)

    def iter_analyses(self, *, published_after: str | None = None) -> Iterator[ArticleAnalysis]:
        sql = "SELECT n.* FROM article_nlp n JOIN article a ON a.id = n.article_id"
        params: tuple[Any, ...] = ()
        if published_after is not None:
            sql += " WHERE a.sort_at > ?"
            params = (published_after,)
        for row in self._conn().execute(sql + " ORDER BY n.article_id", params):
            yield _analysis(row)

    def load_stories(self, *, active_after: str | None = None) -> list[Story]:
        sql = "SELECT * FROM story"
        params: tuple[Any, ...] = ()
        if active_after is not None:
            sql += " WHERE last_published > ?"
            params = (active_after,)
        conn = self._conn()
        stories = []
        for row in conn.execute(sql + " ORDER BY id", params).fetchall():
            stories.append(self._story(conn, row))
        return stories

    def _story(self, conn: sqlite3.Connection, row: sqlite3.Row) -> Story:
        members = tuple(
            int(r[0])
            for r in conn.execute(
                "SELECT article_id FROM story_member WHERE story_id = ? ORDER BY position",
                (row["id"],),
            )
        )
        return Story(
            id=row["id"],
            members=members,
            representative=row["representative_id"],
            first_published=row["first_published"],
            last_published=row["last_published"],
            languages=tuple(json.loads(row["languages"])),
            entities=tuple((str(e), int(n)) for e, n in json.loads(row["entities"])),
        )

    def nlp_state(self) -> dict[str, str]:
        return {
            row["key"]: row["value"]
            for row in self._conn().execute("SELECT key, value FROM nlp_state")
        }

    def get_story(self, story_id: int) -> Story:
        conn = self._conn()
        row = conn.execute("SELECT * FROM story WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no story with id {story_id}")
        return self._story(conn, row)

    def story_of(self, article_id: int) -> Story | None:
        row = (
            self._conn()
            .execute("SELECT story_id FROM story_member WHERE article_id = ?", (article_id,))
            .fetchone()
        )
        return None if row is None else self.get_story(int(row[0]))

    def count_stories(self) -> int:
        return int(self._conn().execute("SELECT COUNT(*) FROM story").fetchone()[0])

    def article_briefs(self, article_ids: Sequence[int]) -> dict[int, ArticleBrief]:
        if not article_ids:
            return {}
        marks = ",".join("?" * len(article_ids))
        rows = self._conn().execute(
            "SELECT n.article_id, n.topic, m.story_id, s.size, s.representative_id"
            " FROM article_nlp n"
            " LEFT JOIN story_member m ON m.article_id = n.article_id"
            " LEFT JOIN story s ON s.id = m.story_id"
            f" WHERE n.article_id IN ({marks})",
            tuple(article_ids),
        )
        return {
            int(row[0]): ArticleBrief(
                topic=row[1],
                story_id=row[2],
                story_size=row[3],
                representative=row[4] is not None and row[4] == row[0],
            )
            for row in rows
        }

    def existing_articles(self, article_ids: Sequence[int]) -> set[int]:
        wanted = list(dict.fromkeys(article_ids))
        found: set[int] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._conn().execute(f"SELECT id FROM article WHERE id IN ({marks})", chunk)
            found.update(int(row[0]) for row in rows)
        return found

    def get_articles(self, article_ids: Sequence[int]) -> list[StoredArticle]:
        if not article_ids:
            return []
        marks = ",".join("?" * len(article_ids))
        rows = self._conn().execute(
            self._ARTICLE_SELECT + f" WHERE a.id IN ({marks})", tuple(article_ids)
        )
        found = {int(row["id"]): _article(row) for row in rows}
        return [found[i] for i in article_ids if i in found]

    def duplicates_of(self, article_id: int) -> list[StoredArticle]:
        rows = self._conn().execute(
            self._ARTICLE_SELECT + " WHERE a.duplicate_of = ? ORDER BY a.id", (article_id,)
        )
        return [_article(row) for row in rows]

    # --- events ----------------------------------------------------------------

    def record_event(
        self,
        kind: str,
        *,
        article_id: int | None = None,
        reader: str | None = None,
        data: dict[str, object] | None = None,
    ) -> int:
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO event (kind, article_id, reader, data, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    kind,
                    article_id,
                    reader,
                    json.dumps(data or {}, ensure_ascii=False),
                    utcnow_iso(),
                ),
            )
            return int(cur.lastrowid or 0)

    def count_events(self, kind: str | None = None) -> int:
        if kind is None:
            row = self._conn().execute("SELECT COUNT(*) FROM event").fetchone()
        else:
            row = self._conn().execute("SELECT COUNT(*) FROM event WHERE kind = ?", (kind,))
            row = row.fetchone()
        return int(row[0])

    def record_events(self, events: Sequence[NewEvent]) -> int:
        if not events:
            return 0
        with self._tx() as conn:
            return _headlines.record_events(conn, events)

    def events_after(
        self, after_id: int, *, kinds: Sequence[str] | None = None, limit: int = 1000
    ) -> list[Event]:
        return _headlines.events_after(self._conn(), after_id, kinds, limit)

    def event_cursor(self, consumer: str) -> int:
        return _headlines.event_cursor(self._conn(), consumer)

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

    # --- headlines ---------------------------------------------------------------

    def articles_needing_headlines(self, limit: int) -> list[StoredArticle]:
        rows = self._conn().execute(_headlines.NEEDING_HEADLINES, (limit,))
        return self.get_articles([int(row[0]) for row in rows])

    def save_headlines(
        self,
        article_id: int,
        story_id: int | None,
        checked: Sequence[tuple[HeadlineCandidate, str | None, bool]],
    ) -> None:
        with self._tx() as conn:
            _headlines.save_headlines(conn, article_id, story_id, checked)

    def headlines_of(self, article_ids: Sequence[int]) -> dict[int, list[StoredHeadline]]:
        return _headlines.headlines_of(self._conn(), article_ids)

    def get_headline(self, headline_id: int) -> StoredHeadline:
        return _headlines.get_headline(self._conn(), headline_id)

    def apply_headline_deltas(
        self,
        deltas: Mapping[int, HeadlineDelta],
        *,
        consumer: str,
        expected_cursor: int,
        new_cursor: int,
    ) -> bool:
        with self._tx() as conn:
            return _headlines.apply_headline_deltas(
                conn,
                deltas,
                consumer=consumer,
                expected_cursor=expected_cursor,
                new_cursor=new_cursor,
            )

    # --- readers and feeds -----------------------------------------------------

    def story_pool(
        self, *, published_after: str | None, changed_after: str | None = None
    ) -> list[tuple[FeedCandidate, str]]:
        return _readers.story_pool(
            self._conn(), published_after=published_after, changed_after=changed_after
        )

    def stories_of_articles(self, article_ids: Sequence[int]) -> dict[int, FeedCandidate]:
        return _readers.stories_of_articles(self._conn(), article_ids)

    def story_activity(self, *, clicks_after: str, joined_after: str) -> dict[int, tuple[int, int]]:
        return _readers.story_activity(
            self._conn(), clicks_after=clicks_after, joined_after=joined_after
        )

    def co_read(self, reader: str, limit: int = 200) -> dict[int, int]:
        return _readers.co_read(self._conn(), reader, limit)

    def reader_controls(self, reader: str) -> ReaderControls:
        return _readers.reader_controls(self._conn(), reader)

    def set_control(self, reader: str, kind: str, value: str, action: str | None) -> None:
        with self._tx() as conn:
            _readers.set_control(conn, reader, kind, value, action)

    def set_personalized(self, reader: str, on: bool) -> None:
        with self._tx() as conn:
            _readers.set_personalized(conn, reader, on)

    def set_region(self, reader: str, region: str | None) -> None:
        with self._tx() as conn:
            _readers.set_region(conn, reader, region)

    def regional_clicks(self, *, clicks_after: str) -> dict[str, dict[int, int]]:
        return _readers.regional_clicks(self._conn(), clicks_after)

    def reader_profiles(self, readers: Sequence[str]) -> dict[str, ReaderProfile]:
        return _readers.reader_profiles(self._conn(), readers)

    def load_model(self, name: str) -> bytes | None:
        return _readers.load_model(self._conn(), name)

    def save_learning(
        self,
        profiles: Sequence[ReaderProfile],
        models: Mapping[str, bytes],
        *,
        consumer: str,
        expected_cursor: int,
        new_cursor: int,
    ) -> bool:
        with self._tx() as conn:
            return _readers.save_learning(
                conn,
                profiles,
                models,
                consumer=consumer,
                expected_cursor=expected_cursor,
                new_cursor=new_cursor,
            )

    # --- helpers -------------------------------------------------------------------

    # --- accounts ----------------------------------------------------------------

    def create_account(
        self,
        username: str,
        password_hash: str,
        *,
        fever_key: str | None = None,
        is_admin: bool = False,
        reader: str | None = None,
    ) -> Account:
        with self._tx() as conn:
            return _accounts.create_account(
                conn, username, password_hash, fever_key, is_admin=is_admin, reader=reader
            )

    def get_account(self, account_id: int) -> Account:
        return _accounts.get_account(self._conn(), account_id)

    def list_accounts(self) -> list[Account]:
        return _accounts.list_accounts(self._conn())

    def account_credentials(self, username: str) -> tuple[Account, str] | None:
        return _accounts.account_credentials(self._conn(), username)

    def account_by_fever_key(self, fever_key: str) -> Account | None:
        return _accounts.account_by_fever_key(self._conn(), fever_key)

    def set_password(self, account_id: int, password_hash: str, fever_key: str | None) -> None:
        with self._tx() as conn:
            _accounts.set_password(conn, account_id, password_hash, fever_key)

    def delete_account(self, account_id: int) -> None:
        with self._tx() as conn:
            _accounts.delete_account(conn, account_id)

    def create_session(
        self, token_hash: str, account_id: int, *, kind: str, csrf: str, expires_at: str
    ) -> None:
        with self._tx() as conn:
            _accounts.create_session(conn, token_hash, account_id, kind, csrf, expires_at)

    def session(self, token_hash: str, kind: str) -> tuple[Account, str] | None:
        return _accounts.session(self._conn(), token_hash, kind, utcnow_iso())

    def delete_session(self, token_hash: str) -> None:
        with self._tx() as conn:
            _accounts.delete_session(conn, token_hash)

    def subscribe(
        self,
        account_id: int,
        source_id: int,
        *,
        title: str | None = None,
        folder: str | None = None,
    ) -> None:
        with self._tx() as conn:
            if not conn.execute("SELECT 1 FROM source WHERE id = ?", (source_id,)).fetchone():
                raise NotFoundError(f"no source with id {source_id}")
            _accounts.subscribe(conn, account_id, source_id, title, folder)

    def unsubscribe(self, account_id: int, source_id: int) -> None:
        with self._tx() as conn:
            _accounts.unsubscribe(conn, account_id, source_id)

    def subscriptions(self, account_id: int) -> list[Subscription]:
        rows = _accounts.subscription_rows(self._conn(), account_id)
        sources = {s.id: s for s in self.list_sources()}
        return [
            Subscription(sources[row["source_id"]], row["title"], row["folder"])
            for row in rows
            if row["source_id"] in sources
        ]

    def set_article_state(
        self,
        account_id: int,
        article_ids: Sequence[int],
        *,
        read: bool | None = None,
        starred: bool | None = None,
    ) -> int:
        with self._tx() as conn:
            return _accounts.set_article_state(
                conn, account_id, article_ids, read=read, starred=starred
            )

    def mark_read(self, account_id: int, where: ItemFilter) -> int:
        with self._tx() as conn:
            return _accounts.mark_read(conn, account_id, where)

    def reader_items(self, account_id: int, where: ItemFilter) -> list[ReaderItem]:
        rows = _accounts.item_rows(self._conn(), account_id, where)
        articles = {a.id: a for a in self.get_articles([i for i, _, _ in rows])}
        return [
            ReaderItem(articles[i], read, starred) for i, read, starred in rows if i in articles
        ]

    def reader_item_ids(self, account_id: int, where: ItemFilter) -> list[int]:
        return [i for i, _, _ in _accounts.item_rows(self._conn(), account_id, where)]

    def reader_item_times(self, account_id: int, where: ItemFilter) -> list[tuple[int, str]]:
        return _accounts.item_times(self._conn(), account_id, where)

    def unread_counts(self, account_id: int) -> dict[int, tuple[int, str]]:
        return _accounts.unread_counts(self._conn(), account_id)

    def article_states(
        self, account_id: int, article_ids: Sequence[int]
    ) -> dict[int, tuple[bool, bool]]:
        return _accounts.article_states(self._conn(), account_id, article_ids)

    def reader_history(self, reader: str, account_id: int | None = None) -> dict[str, Any]:
        conn = self._conn()
        history = _accounts.reader_history(conn, reader)
        if account_id is not None:
            history.update(_accounts.account_history(conn, account_id))
        return history

    def erase_reader_history(self, reader: str, *, account_id: int | None = None) -> str:
        with self._tx() as conn:
            deleted = _accounts.delete_reader_history(conn, reader)
            if account_id is None:
                new_reader = reader
            else:
                conn.execute("DELETE FROM article_state WHERE account_id = ?", (account_id,))
                new_reader = f"account-{secrets.token_urlsafe(12)}"
                _accounts.set_account_reader(conn, account_id, new_reader)
        log.info("erased a reader's history: %d events", deleted)
        return new_reader

    def source_activity(self, *, since: str) -> dict[int, int]:
        rows = self._conn().execute(
            "SELECT source_id, COUNT(*) FROM article WHERE created_at >= ?"
            " AND source_id IS NOT NULL GROUP BY source_id",
            (since,),
        )
        return {int(source): int(count) for source, count in rows}


#: SQLite's words for a store that cannot take writes at all (as opposed to one bad
#: statement): a crawl or an ingest stops on these instead of skipping page after page.
_WRITE_FAILURES = ("disk is full", "disk i/o error", "readonly database", "database is locked")


def _cannot_write(exc: sqlite3.OperationalError) -> bool:
    return any(words in str(exc).lower() for words in _WRITE_FAILURES)


def host_bucket(host: str) -> int:
    """The frontier partition bucket of a host (stable across processes and versions)."""
    return zlib.crc32(host.encode("utf-8", "surrogatepass")) % 65536


def encode_cursor(sort_at: str, article_id: int) -> str:
    return base64.urlsafe_b64encode(f"{sort_at}|{article_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        sort_at, _, article_id = base64.urlsafe_b64decode(padded).decode().partition("|")
        return sort_at, int(article_id)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"invalid cursor {cursor!r}") from exc


def _earlier(candidate: str | None, current: str | None) -> bool:
    """Whether ``candidate`` (normalised UTC timestamp) is known to precede ``current``."""
    return candidate is not None and current is not None and candidate < current


def _save_analysis(
    conn: sqlite3.Connection, analysis: ArticleAnalysis, near_duplicate_of: int | None
) -> None:
    entities = [dataclasses.asdict(e) for e in analysis.entities]
    conn.execute(
        "INSERT INTO article_nlp (article_id, language, embedding, embed_model, minhash,"
        " entities, keywords, story_terms, topic, topic_score, summary, processed_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (article_id) DO UPDATE SET language = excluded.language,"
        " embedding = excluded.embedding, embed_model = excluded.embed_model,"
        " minhash = excluded.minhash, entities = excluded.entities,"
        " keywords = excluded.keywords, story_terms = excluded.story_terms,"
        " topic = excluded.topic,"
        " topic_score = excluded.topic_score, summary = excluded.summary,"
        " processed_at = excluded.processed_at",
        (
            analysis.article_id,
            analysis.language,
            analysis.embedding,
            analysis.embed_model,
            analysis.minhash,
            json.dumps(entities, ensure_ascii=False),
            json.dumps(list(analysis.keywords), ensure_ascii=False),
            json.dumps(list(analysis.story_terms), ensure_ascii=False),
            analysis.topic,
            analysis.topic_score,
            analysis.summary,
            utcnow_iso(),
        ),
    )
    conn.execute("DELETE FROM article_entity WHERE article_id = ?", (analysis.article_id,))
    conn.executemany(
        "INSERT INTO article_entity (article_id, label, normalized, text, count)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET count = count + excluded.count",
        [(analysis.article_id, e.label, e.normalized, e.text, e.count) for e in analysis.entities],
    )
    if near_duplicate_of is not None and near_duplicate_of != analysis.article_id:
        # The copy and whatever already pointed at it now point at the original.
        conn.execute(
            "UPDATE article SET duplicate_of = ?, duplicate_kind = 'near'"
            " WHERE id = ? AND duplicate_of IS NULL",
            (near_duplicate_of, analysis.article_id),
        )
        conn.execute(
            "UPDATE article SET duplicate_of = ? WHERE duplicate_of = ?",
            (near_duplicate_of, analysis.article_id),
        )


def _save_stories(
    conn: sqlite3.Connection, changed: Sequence[Story], removed: Sequence[int]
) -> None:
    # Microseconds: the feed's candidate pool reads the stories changed after the
    # latest change time it saw, and writers are serialised, so a later transaction
    # always stamps a later time than any it could see.
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    for story_id in removed:
        conn.execute("DELETE FROM story WHERE id = ?", (story_id,))
    for story in changed:
        conn.execute(
            "INSERT INTO story (id, representative_id, size, first_published,"
            " last_published, languages, entities, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
            " representative_id = excluded.representative_id, size = excluded.size,"
            " first_published = excluded.first_published,"
            " last_published = excluded.last_published,"
            " languages = excluded.languages, entities = excluded.entities,"
            " updated_at = excluded.updated_at",
            (
                story.id,
                story.representative,
                len(story.members),
                story.first_published,
                story.last_published,
                json.dumps(list(story.languages)),
                json.dumps([list(e) for e in story.entities], ensure_ascii=False),
                now,
            ),
        )
        conn.execute("DELETE FROM story_member WHERE story_id = ?", (story.id,))
        conn.executemany(
            "INSERT INTO story_member (article_id, story_id, position) VALUES (?, ?, ?)"
            " ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id,"
            " position = excluded.position",
            [(a, story.id, i) for i, a in enumerate(story.members)],
        )


def _analysis(row: sqlite3.Row) -> ArticleAnalysis:
    return ArticleAnalysis(
        article_id=row["article_id"],
        language=row["language"],
        embedding=row["embedding"],
        embed_model=row["embed_model"],
        minhash=row["minhash"],
        entities=tuple(Entity(**e) for e in json.loads(row["entities"])),
        keywords=tuple(json.loads(row["keywords"])),
        topic=row["topic"],
        topic_score=row["topic_score"],
        summary=row["summary"],
        story_terms=tuple(json.loads(row["story_terms"])),
    )


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (``--`` comments dropped first: they may hold ``;``)."""
    code = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    return [part.strip() for part in code.split(";") if part.strip()]


def _source(row: sqlite3.Row) -> Source:
    return Source(
        id=row["id"],
        url=row["url"],
        kind=SourceKind(row["kind"]),
        title=row["title"],
        site_url=row["site_url"],
        added_at=row["added_at"],
        last_fetched_at=row["last_fetched_at"],
        last_status=row["last_status"],
        error_count=row["error_count"],
        article_count=row["article_count"],
    )


def _article(row: sqlite3.Row) -> StoredArticle:
    return StoredArticle(
        id=row["id"],
        url=row["url"],
        canonical_url=row["canonical_url"],
        title=row["title"],
        text=row["text"],
        authors=tuple(json.loads(row["authors"])),
        date=row["date"],
        published_at=row["published_at"],
        language=row["language"],
        image=row["image"],
        site_name=row["site_name"],
        source_id=row["source_id"],
        source_title=row["source_title"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        duplicate_of=row["duplicate_of"],
    )
