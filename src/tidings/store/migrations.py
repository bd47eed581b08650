"""Schema migrations, applied in order, each once, recorded in ``schema_migrations``.

A migration is never edited after it has shipped: add a new one instead. The SQL
sticks to what SQLite and PostgreSQL share: the PostgreSQL store applies the same
list, its DDL translated (integer row ids become identity columns, BLOB bytea...),
and a migration whose SQL cannot be translated carries PostgreSQL's own version.
"""

from __future__ import annotations

from dataclasses import dataclass


def statements(sql: str) -> list[str]:
    """Split a migration into statements (``--`` comments dropped first: they may hold ``;``)."""
    code = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    return [part.strip() for part in code.split(";") if part.strip()]


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    #: SQLite's DDL; PostgreSQL runs it translated (``postgresql_connection.postgresql_ddl``)
    sql: str
    #: PostgreSQL's own DDL, where the translation cannot do (full-text search)
    postgresql: str | None = None


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "initial schema: source, url frontier, fetch, article, event",
        """
        CREATE TABLE source (
            id              INTEGER PRIMARY KEY,
            url             TEXT NOT NULL UNIQUE,
            kind            TEXT NOT NULL CHECK (kind IN ('feed', 'sitemap', 'page')),
            title           TEXT,
            site_url        TEXT,
            added_at        TEXT NOT NULL,
            last_fetched_at TEXT,
            last_status     TEXT,
            error_count     INTEGER NOT NULL DEFAULT 0
        );

        -- The crawl frontier: every URL ever discovered, once (canonical form).
        CREATE TABLE url (
            id            INTEGER PRIMARY KEY,
            url           TEXT NOT NULL UNIQUE,
            host          TEXT NOT NULL,
            kind          TEXT NOT NULL CHECK (kind IN ('feed', 'sitemap', 'page')),
            source_id     INTEGER REFERENCES source(id) ON DELETE SET NULL,
            is_source     INTEGER NOT NULL DEFAULT 0,
            state         TEXT NOT NULL DEFAULT 'queued'
                          CHECK (state IN ('queued', 'in_progress', 'done', 'failed')),
            attempts      INTEGER NOT NULL DEFAULT 0,
            not_before    REAL NOT NULL DEFAULT 0,
            etag          TEXT,
            last_modified TEXT,
            hints         TEXT,
            last_error    TEXT,
            discovered_at TEXT NOT NULL,
            updated_at    TEXT NOT NULL
        );
        CREATE INDEX url_queue ON url (state, not_before, id);

        -- Every fetch attempt, with the raw body (zlib) of pages for re-extraction.
        CREATE TABLE fetch (
            id           INTEGER PRIMARY KEY,
            url          TEXT NOT NULL,
            source_id    INTEGER REFERENCES source(id) ON DELETE SET NULL,
            outcome      TEXT NOT NULL,
            status       INTEGER,
            final_url    TEXT,
            content_type TEXT,
            error        TEXT,
            elapsed_ms   INTEGER,
            body         BLOB,
            fetched_at   TEXT NOT NULL
        );
        CREATE INDEX fetch_url ON fetch (url);

        CREATE TABLE article (
            id            INTEGER PRIMARY KEY,
            url           TEXT NOT NULL UNIQUE,
            canonical_url TEXT,
            title         TEXT,
            text          TEXT NOT NULL,
            authors       TEXT NOT NULL DEFAULT '[]',
            date          TEXT,
            published_at  TEXT,
            language      TEXT,
            image         TEXT,
            site_name     TEXT,
            description   TEXT,
            source_id     INTEGER REFERENCES source(id) ON DELETE SET NULL,
            fetch_id      INTEGER REFERENCES fetch(id) ON DELETE SET NULL,
            content_hash  TEXT NOT NULL,
            duplicate_of  INTEGER REFERENCES article(id) ON DELETE SET NULL,
            sort_at       TEXT NOT NULL,
            created_at    TEXT NOT NULL,
            updated_at    TEXT NOT NULL
        );
        CREATE INDEX article_feed ON article (sort_at DESC, id DESC);
        CREATE INDEX article_hash ON article (content_hash);
        CREATE INDEX article_source ON article (source_id, sort_at DESC);

        -- Append-only event log: reader interactions and pipeline milestones.
        CREATE TABLE event (
            id         INTEGER PRIMARY KEY,
            kind       TEXT NOT NULL,
            article_id INTEGER REFERENCES article(id) ON DELETE SET NULL,
            reader     TEXT,
            data       TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        );
        CREATE INDEX event_kind ON event (kind, created_at);
        """,
    ),
    Migration(
        2,
        "language processing: analyses, entities, stories, near-duplicates",
        """
        -- How an article was found to duplicate another: 'exact' (same normalised
        -- text) or 'near' (MinHash: re-wrapped, lightly edited, truncated copies).
        ALTER TABLE article ADD COLUMN duplicate_kind TEXT;
        UPDATE article SET duplicate_kind = 'exact' WHERE duplicate_of IS NOT NULL;

        CREATE TABLE article_nlp (
            article_id   INTEGER PRIMARY KEY REFERENCES article(id) ON DELETE CASCADE,
            language     TEXT,
            embedding    BLOB,
            embed_model  TEXT,
            minhash      BLOB,
            entities     TEXT NOT NULL DEFAULT '[]',
            keywords     TEXT NOT NULL DEFAULT '[]',
            -- Entity keys and cross-language anchors the story clusterer matched on.
            story_terms  TEXT NOT NULL DEFAULT '[]',
            topic        TEXT,
            topic_score  REAL,
            summary      TEXT,
            processed_at TEXT NOT NULL
        );
        CREATE INDEX article_nlp_topic ON article_nlp (topic);

        CREATE TABLE article_entity (
            article_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,
            label      TEXT NOT NULL,
            normalized TEXT NOT NULL,
            text       TEXT NOT NULL,
            count      INTEGER NOT NULL DEFAULT 1,
            PRIMARY KEY (article_id, label, normalized)
        );
        CREATE INDEX article_entity_key ON article_entity (normalized, label);

        -- Stories: the same event across outlets and languages. Ids come from the
        -- clusterer and stay stable; merged-away stories are deleted.
        CREATE TABLE story (
            id                INTEGER PRIMARY KEY,
            representative_id INTEGER REFERENCES article(id) ON DELETE SET NULL,
            size              INTEGER NOT NULL,
            first_published   TEXT,
            last_published    TEXT,
            languages         TEXT NOT NULL DEFAULT '[]',
            entities          TEXT NOT NULL DEFAULT '[]',
            updated_at        TEXT NOT NULL
        );
        CREATE INDEX story_recent ON story (last_published DESC);

        CREATE TABLE story_member (
            article_id INTEGER PRIMARY KEY REFERENCES article(id) ON DELETE CASCADE,
            story_id   INTEGER NOT NULL REFERENCES story(id) ON DELETE CASCADE,
            position   INTEGER NOT NULL
        );
        CREATE INDEX story_member_story ON story_member (story_id, position);

        -- Small key/value state of the language stage (e.g. the clusterer's clock).
        CREATE TABLE nlp_state (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """,
    ),
    Migration(
        3,
        "headlines: candidates with their gates and their readers' record; event cursors",
        """
        -- Candidate headlines of an article (a story's are its representative's):
        -- its own title, other outlets' titles, extractive and generated ones, each
        -- with the faithfulness and clickbait gates' verdicts and the bandit's record.
        CREATE TABLE headline (
            id                INTEGER PRIMARY KEY,
            article_id        INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,
            story_id          INTEGER REFERENCES story(id) ON DELETE SET NULL,
            text              TEXT NOT NULL,
            origin            TEXT NOT NULL,
            author            TEXT,
            -- Whose title it is (originals, other outlets); NULL for written ones.
            source_article_id INTEGER REFERENCES article(id) ON DELETE SET NULL,
            language          TEXT,
            clickbait         REAL,
            supported         INTEGER NOT NULL DEFAULT 0,
            support           REAL,
            reasons           TEXT NOT NULL DEFAULT '[]',
            eligible          INTEGER NOT NULL DEFAULT 0,
            impressions       INTEGER NOT NULL DEFAULT 0,
            clicks            INTEGER NOT NULL DEFAULT 0,
            pending_clicks    INTEGER NOT NULL DEFAULT 0,
            reward            REAL NOT NULL DEFAULT 0,
            created_at        TEXT NOT NULL,
            checked_at        TEXT NOT NULL,
            UNIQUE (article_id, text)
        );
        CREATE INDEX headline_story ON headline (story_id);

        -- When the headline stage last built an article's candidates.
        ALTER TABLE article_nlp ADD COLUMN headlines_at TEXT;

        -- How far each consumer of the event log has read (the last event id).
        CREATE TABLE event_cursor (
            consumer TEXT PRIMARY KEY,
            last_id  INTEGER NOT NULL
        );
        """,
    ),
    Migration(
        4,
        "readers: controls (mutes, boosts, hidden stories), settings, profiles; model state",
        """
        -- A reader's explicit wishes. kind: source, topic, entity, keyword or story
        -- (a hidden story); action: mute or boost.
        CREATE TABLE reader_control (
            reader     TEXT NOT NULL,
            kind       TEXT NOT NULL,
            value      TEXT NOT NULL,
            action     TEXT NOT NULL CHECK (action IN ('mute', 'boost')),
            created_at TEXT NOT NULL,
            PRIMARY KEY (reader, kind, value)
        );

        CREATE TABLE reader_setting (
            reader       TEXT PRIMARY KEY,
            personalized INTEGER NOT NULL DEFAULT 1,
            updated_at   TEXT NOT NULL
        );

        -- What the ranker learned about a reader from events (JSON affinities, the
        -- interest vector, stories read), rebuilt from the event log if lost.
        CREATE TABLE reader_profile (
            reader     TEXT PRIMARY KEY,
            data       TEXT NOT NULL DEFAULT '{}',
            interest   BLOB,
            updated_at TEXT NOT NULL
        );

        -- Readers' own events (co-reading, profiles) and an article's (popularity).
        CREATE INDEX event_reader ON event (reader, kind, id);
        CREATE INDEX event_article ON event (article_id, kind, created_at);

        -- Learned models kept by name (the online ranker's state).
        CREATE TABLE model_state (
            name       TEXT PRIMARY KEY,
            data       BLOB NOT NULL,
            updated_at TEXT NOT NULL
        );
        """,
    ),
    Migration(
        5,
        "feed candidate pool: stories by change time, articles by arrival time",
        """
        -- The serving process keeps the recent stories in memory and reads only the
        -- stories changed since its last look, and the reports that arrived lately.
        CREATE INDEX story_updated ON story (updated_at);
        CREATE INDEX article_created ON article (created_at);
        """,
    ),
    Migration(
        6,
        "readers' regions",
        """
        -- The country a reader reads from (their setting, ISO 3166-1 alpha-2): stories
        -- readers of a region click are "popular in your region".
        ALTER TABLE reader_setting ADD COLUMN region TEXT;
        CREATE INDEX reader_setting_region ON reader_setting (region, reader);
        """,
    ),
    Migration(
        7,
        "accounts, sessions, subscriptions, read and starred articles",
        """
        -- People who log in. ``reader`` is the id their events, controls and profile
        -- are kept under (random, so a rename changes nothing else); ``fever_key`` is
        -- the SHA-256 of the Fever API key, md5("username:password"), which Fever
        -- clients send instead of a password.
        CREATE TABLE account (
            id            INTEGER PRIMARY KEY,
            username      TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            fever_key     TEXT UNIQUE,
            reader        TEXT NOT NULL UNIQUE,
            is_admin      INTEGER NOT NULL DEFAULT 0,
            created_at    TEXT NOT NULL
        );

        -- Logged-in sessions (web cookies and reader-app tokens), by the SHA-256 of the
        -- token: a copy of the database holds no usable token.
        CREATE TABLE auth_session (
            token_hash TEXT PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            kind       TEXT NOT NULL CHECK (kind IN ('web', 'api')),
            csrf       TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE INDEX auth_session_account ON auth_session (account_id);

        -- The sources an account reads, with its own title and folder for each.
        CREATE TABLE subscription (
            account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            source_id  INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
            title      TEXT,
            folder     TEXT,
            created_at TEXT NOT NULL,
            PRIMARY KEY (account_id, source_id)
        );
        CREATE INDEX subscription_source ON subscription (source_id);

        -- Read and starred articles per account (no row: unread, not starred).
        CREATE TABLE article_state (
            account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            article_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,
            read       INTEGER NOT NULL DEFAULT 0,
            starred    INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (account_id, article_id)
        );
        CREATE INDEX article_state_starred ON article_state (account_id, starred, article_id);
        """,
    ),
    Migration(
        8,
        "full-text search over articles' titles and text",
        """
        -- SQLite FTS5 (PostgreSQL: a tsvector column, below). rowid is the
        -- article id. CJK text is indexed one character per token, which SQL cannot
        -- prepare: the store fills the table itself, new articles as they are saved
        -- and those listed in article_fts_pending when it opens (see
        -- store.sqlite_search). A later migration can rebuild the index by listing
        -- every article there again.
        CREATE VIRTUAL TABLE article_fts USING fts5(
            title, text, tokenize = 'unicode61 remove_diacritics 2'
        );
        CREATE TABLE article_fts_pending (article_id INTEGER PRIMARY KEY);
        INSERT INTO article_fts_pending (article_id) SELECT id FROM article;

        -- Searches filter and order their matches by these without reading the
        -- articles' rows (long texts spill over many pages).
        CREATE INDEX article_search ON article (id, duplicate_of, sort_at);
        """,
        postgresql="""
        -- A tsvector per article (title weighted A, text D), filled by the store
        -- (store.postgresql_search) like SQLite's FTS5 table.
        CREATE TABLE article_fts (
            article_id BIGINT PRIMARY KEY REFERENCES article(id) ON DELETE CASCADE,
            document   TSVECTOR NOT NULL
        );
        CREATE INDEX article_fts_document ON article_fts USING GIN (document);
        CREATE TABLE article_fts_pending (article_id BIGINT PRIMARY KEY);
        INSERT INTO article_fts_pending (article_id) SELECT id FROM article;
        CREATE INDEX article_search ON article (id, duplicate_of, sort_at);
        """,
    ),
    Migration(
        9,
        "frontier partitions: a stable hash bucket of each URL's host",
        """
        -- zlib.crc32(host) % 65536, set by the store when it adds a URL (and filled in
        -- for older rows when it opens): crawl workers each claim the hosts of one
        -- part (bucket % workers = k), so no two fetch from one host at once.
        ALTER TABLE url ADD COLUMN host_bucket INTEGER;
        CREATE INDEX url_partition ON url (state, host_bucket);
        """,
    ),
)
