"""The store's SQL, shared by its engines (SQLite and PostgreSQL).

:class:`SQLStore` implements the whole :class:`~tidings.store.base.Store` interface
in statements both engines read the same way (``?`` placeholders, ``ON CONFLICT``,
``RETURNING``); an engine's subclass supplies connections, transactions, migrations,
locks and full-text search (``sqlite.py``, ``postgresql.py``). Each public method is
one transaction, so a crash between two calls leaves a consistent database.
"""

from __future__ import annotations

import abc
import base64
import dataclasses
import json
import logging
import secrets
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from tidings.errors import MigrationError, NotFoundError
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
from tidings.store import sql_accounts as _accounts
from tidings.store import sql_headlines as _headlines
from tidings.store import sql_readers as _readers
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
from tidings.store.migrations import MIGRATIONS, Migration, statements
from tidings.store.search_text import SearchRows, parse_snippet
from tidings.store.sql_types import Connection, Row
from tidings.timestamps import utc_iso, utcnow_iso
from tidings.urls import host_of

log = logging.getLogger(__name__)


class SQLStore(Store):
    """The store over any engine with the :class:`~tidings.store.sql_types.Connection`
    subset; subclasses open connections and call :meth:`_open` once."""

    #: Appended to the frontier's claim query: PostgreSQL's ``FOR UPDATE SKIP LOCKED``
    #: lets crawl workers claim side by side; SQLite serialises writers anyway.
    _CLAIM_LOCK = ""

    def _open(self) -> None:
        """Bring the schema up to date and finish what a migration left to the store."""
        self._migrate()
        self._fill_host_buckets()
        self._fill_search_index()

    # --- what an engine supplies -------------------------------------------------

    @abc.abstractmethod
    def _conn(self) -> Connection:
        """This thread's connection (autocommit outside :meth:`_tx`)."""

    @abc.abstractmethod
    def _tx(self, *, serial: bool = True) -> AbstractContextManager[Connection]:
        """A write transaction. ``serial`` writers are serialised: a transaction sees
        every write committed before it started, and ids and timestamps it assigns are
        later than those of any transaction it can see (event consumers rely on it).
        The crawl frontier's writes (claims, completions, fetch logs) need not be: they
        lock the rows they change, so crawl workers run side by side."""

    @abc.abstractmethod
    def _migration_sql(self, migration: Migration) -> str:
        """A migration's SQL in this engine's words."""

    @property
    @abc.abstractmethod
    def _label(self) -> str:
        """The database, as messages name it (never with a password)."""

    @abc.abstractmethod
    def _index_for_search(self, conn: Connection, article_ids: Sequence[int]) -> None:
        """(Re)index these articles' title and text, inside the caller's transaction."""

    @abc.abstractmethod
    def _search_rows(self, query: str, limit: int, offset: int) -> SearchRows | None:
        """A page of non-duplicate articles matching a reader's query, best first;
        None when the query has nothing to search."""

    def _after_copy(self, tables: Sequence[str]) -> None:
        """After rows were copied in with their ids (``store.copy``): make the ids this
        store assigns next come after them (SQLite needs nothing: it takes max + 1)."""

    # --- schema --------------------------------------------------------------------

    def _migrate(self) -> None:
        """Apply the migrations not applied yet (``tidings.store.migrations``), all in one
        transaction (a crash mid-way applies none)."""
        with self._tx() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            applied = {int(row[0]) for row in conn.execute("SELECT version FROM schema_migrations")}
            known = {m.version for m in MIGRATIONS}
            if applied - known:
                raise MigrationError(
                    f"database {self._label} has migrations {sorted(applied - known)} "
                    "unknown to this version of Tidings"
                )
            for migration in MIGRATIONS:
                if migration.version in applied:
                    continue
                log.info("applying migration %d: %s", migration.version, migration.name)
                for statement in statements(self._migration_sql(migration)):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, utcnow_iso()),
                )

    def _fill_host_buckets(self) -> None:
        """Give URLs added before migration 9 their host's bucket (one query when none is
        missing)."""
        conn = self._conn()
        rows = conn.execute("SELECT DISTINCT host FROM url WHERE host_bucket IS NULL").fetchall()
        if not rows:
            return
        with self._tx() as conn:
            conn.executemany(
                "UPDATE url SET host_bucket = ? WHERE host = ? AND host_bucket IS NULL",
                [(host_bucket(row[0]), row[0]) for row in rows],
            )

    def _fill_search_index(self) -> None:
        """Index the articles stored before the search index existed (migration 8 lists
        them), a batch per transaction: a crash mid-way resumes where it stopped, and
        a store with none left costs one query."""
        conn = self._conn()
        if conn.execute("SELECT 1 FROM article_fts_pending LIMIT 1").fetchone() is None:
            return
        pending = conn.execute("SELECT COUNT(*) FROM article_fts_pending").fetchone()[0]
        log.info("search index: indexing %d articles", pending)
        filled = 0
        while True:
            with self._tx() as conn:
                ids = [
                    int(row[0])
                    for row in conn.execute(
                        "SELECT article_id FROM article_fts_pending ORDER BY article_id LIMIT ?",
                        (FILL_BATCH,),
                    ).fetchall()
                ]
                self._index_for_search(conn, ids)
                if ids:
                    marks = ",".join("?" * len(ids))
                    conn.execute(
                        f"DELETE FROM article_fts_pending WHERE article_id IN ({marks})", ids
                    )
            filled += len(ids)
            if len(ids) < FILL_BATCH:
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
                " error_count = CASE WHEN ? = 1 THEN 0 ELSE error_count + 1 END,"
                " title = COALESCE(title, ?), site_url = COALESCE(site_url, ?)"
                " WHERE id = ?",
                (utcnow_iso(), status, int(ok), title, site_url, source_id),
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
            cur = conn.executemany(
                "INSERT INTO url (url, host, host_bucket, kind, source_id, hints, discovered_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO NOTHING",
                rows,
            )
            return int(cur.rowcount)

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
        with self._tx(serial=False) as conn:
            row = conn.execute(
                "SELECT * FROM url WHERE state = 'queued' AND not_before <= ?"
                + host_filter
                # Sources first (feeds reveal the pages), then first discovered first.
                + " ORDER BY is_source DESC, not_before, id LIMIT 1"
                + self._CLAIM_LOCK,
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
        with self._tx(serial=False) as conn:
            conn.execute(
                "UPDATE url SET state = 'done', attempts = 0, last_error = NULL,"
                " etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified),"
                " updated_at = ? WHERE id = ?",
                (etag, last_modified, utcnow_iso(), item_id),
            )

    def retry_later(self, item_id: int, *, not_before: float, error: str) -> None:
        with self._tx(serial=False) as conn:
            conn.execute(
                "UPDATE url SET state = 'queued', attempts = attempts + 1, not_before = ?,"
                " last_error = ?, updated_at = ? WHERE id = ?",
                (not_before, error, utcnow_iso(), item_id),
            )

    def fail(self, item_id: int, *, error: str) -> None:
        with self._tx(serial=False) as conn:
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
        with self._tx(serial=False) as conn:
            rows = conn.execute(
                'INSERT INTO "fetch" (url, source_id, outcome, status, final_url, content_type,'
                " error, elapsed_ms, body, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " RETURNING id",
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
            ).fetchall()
            return int(rows[0][0])

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
                self._index_for_search(conn, [int(existing["id"])])
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
            inserted = conn.execute(
                f"INSERT INTO article ({', '.join(columns)})"
                f" VALUES ({', '.join('?' * len(columns))}) RETURNING id",
                (url, *fields.values(), duplicate_of, kind, sort_at, now, now),
            ).fetchall()
            article_id = int(inserted[0][0])
            self._index_for_search(conn, [article_id])
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
        found = self._search_rows(query, limit, max(offset, 0)) if limit >= 1 else None
        if found is None:
            return SearchPage(hits=(), total=0, next_offset=None)
        articles = {a.id: a for a in self.get_articles([i for i, _ in found.rows])}
        hits = tuple(
            SearchHit(articles[i], *parse_snippet(raw)) for i, raw in found.rows if i in articles
        )
        return SearchPage(hits=hits, total=found.total, next_offset=found.next_offset)

    def raw_html(self, article_id: int) -> bytes | None:
        row = (
            self._conn()
            .execute(
                'SELECT f.body FROM article a JOIN "fetch" f ON f.id = a.fetch_id WHERE a.id = ?',
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

    def _story(self, conn: Connection, row: Row) -> Story:
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
            rows = conn.execute(
                "INSERT INTO event (kind, article_id, reader, data, created_at)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                (
                    kind,
                    article_id,
                    reader,
                    json.dumps(data or {}, ensure_ascii=False),
                    utcnow_iso(),
                ),
            ).fetchall()
            return int(rows[0][0])

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


#: Articles indexed per transaction when the store fills the search index on opening.
FILL_BATCH = 500


def quote_table(table: str) -> str:
    """A table name as an identifier both engines read (``fetch`` is a reserved word
    in PostgreSQL)."""
    return f'"{table}"'


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
    conn: Connection, analysis: ArticleAnalysis, near_duplicate_of: int | None
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
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (article_id, label, normalized)"
        " DO UPDATE SET count = article_entity.count + excluded.count",
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


def _save_stories(conn: Connection, changed: Sequence[Story], removed: Sequence[int]) -> None:
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


def _analysis(row: Row) -> ArticleAnalysis:
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


def _source(row: Row) -> Source:
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


def _article(row: Row) -> StoredArticle:
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
