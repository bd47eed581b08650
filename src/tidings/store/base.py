"""The store interface: everything the pipeline and the server need from storage.

Stages never touch the store; ``tidings.pipeline`` and ``tidings.serve`` do, through
this interface only, so a PostgreSQL backend can be added beside SQLite without
changing them. Every method is its own transaction and every write is idempotent:
re-running a crawl after a crash never duplicates a source, URL or article.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tidings.records import (
    Account,
    ArticleAnalysis,
    ArticleBrief,
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
)


@dataclass(frozen=True)
class ItemFilter:
    """Which of an account's articles to list, count or mark (all conditions hold).

    Without ``starred``, the articles of the account's subscriptions (one of each
    duplicate among them); with it, its starred articles wherever they came from.
    """

    source_ids: tuple[int, ...] | None = None
    folder: str | None = None
    unread: bool = False
    read: bool = False
    starred: bool = False
    ids: tuple[int, ...] | None = None
    #: Crawl time bounds (ISO 8601 UTC): ``crawled_after < created_at <= crawled_before``.
    crawled_after: str | None = None
    crawled_before: str | None = None
    #: Article id bounds, exclusive.
    after_id: int | None = None
    before_id: int | None = None
    #: Order by article id instead of publication time (newest first unless
    #: ``oldest_first``).
    by_id: bool = False
    oldest_first: bool = False
    limit: int | None = None
    offset: int = 0


@dataclass(frozen=True)
class NewEvent:
    """An event to append to the log."""

    kind: str
    article_id: int | None = None
    reader: str | None = None
    data: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class NewURL:
    """A URL to add to the frontier (already canonicalised)."""

    url: str
    host: str
    kind: SourceKind
    source_id: int | None = None
    hints: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FetchLog:
    """One fetch attempt, successful or not, for the ``fetch`` table."""

    url: str
    source_id: int | None
    outcome: str
    status: int | None = None
    final_url: str | None = None
    content_type: str | None = None
    error: str | None = None
    elapsed_ms: int | None = None
    #: The raw body, kept (compressed by the store) so pages can be re-extracted later.
    body: bytes | None = None


@dataclass(frozen=True)
class ArticlePage:
    """A page of articles, newest first, with the cursor for the next page."""

    items: tuple[StoredArticle, ...]
    next_cursor: str | None


@dataclass(frozen=True)
class SearchHit:
    """An article matching a search, with the part of its text that matched."""

    article: StoredArticle
    #: Plain text around the matches (``…`` where it is cut), never markup.
    snippet: str
    #: Where the matched words are in ``snippet``: ``(start, end)`` character offsets.
    highlights: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class SearchPage:
    """A page of search results, best first, with the offset of the next page."""

    hits: tuple[SearchHit, ...]
    #: How many articles match in all.
    total: int
    next_offset: int | None


class Store(abc.ABC):
    # --- lifecycle -------------------------------------------------------------

    @abc.abstractmethod
    def close(self) -> None: ...

    @abc.abstractmethod
    def schema_version(self) -> int: ...

    # --- sources ---------------------------------------------------------------

    @abc.abstractmethod
    def add_source(self, spec: SourceSpec) -> tuple[Source, bool]:
        """Add a source (idempotent by URL). Returns the source and whether it is new."""

    @abc.abstractmethod
    def list_sources(self) -> list[Source]: ...

    @abc.abstractmethod
    def get_source(self, source_id: int) -> Source:
        """Raises ``NotFoundError``."""

    @abc.abstractmethod
    def remove_source(self, source_id: int) -> None:
        """Forget a source (its articles stay). Raises ``NotFoundError``."""

    @abc.abstractmethod
    def update_source(
        self,
        source_id: int,
        *,
        status: str,
        ok: bool,
        title: str | None = None,
        site_url: str | None = None,
    ) -> None:
        """Record the outcome of fetching a source's own URL (its health)."""

    # --- frontier --------------------------------------------------------------

    @abc.abstractmethod
    def enqueue(self, urls: Iterable[NewURL]) -> int:
        """Add URLs not seen before; returns how many were new."""

    @abc.abstractmethod
    def start_run(self) -> int:
        """Prepare a crawl run: re-queue every source's own URL (feeds are re-polled,
        conditional GET keeps that cheap) and any URL left in progress by a killed run.
        Returns how many URLs are queued."""

    @abc.abstractmethod
    def claim(
        self,
        exclude_hosts: Sequence[str],
        now: float,
        *,
        partition: tuple[int, int] | None = None,
    ) -> FrontierItem | None:
        """Take the next queued URL due at ``now`` (epoch seconds) whose host is not excluded.

        ``partition=(k, n)`` takes only URLs of the hosts in part ``k`` of ``n`` (by a
        stable hash of the host, ``host_bucket``): crawlers that each own one part never
        fetch from the same host at once, so per-host politeness holds across workers.
        """

    @abc.abstractmethod
    def complete(
        self, item_id: int, *, etag: str | None = None, last_modified: str | None = None
    ) -> None:
        """Mark a claimed URL done, keeping validators for the next conditional GET."""

    @abc.abstractmethod
    def retry_later(self, item_id: int, *, not_before: float, error: str) -> None:
        """Put a claimed URL back in the queue, due at ``not_before``; counts an attempt."""

    @abc.abstractmethod
    def fail(self, item_id: int, *, error: str) -> None:
        """Give up on a claimed URL (kept, with its error, for inspection)."""

    @abc.abstractmethod
    def frontier_counts(self) -> dict[str, int]:
        """URLs per state."""

    @abc.abstractmethod
    def next_due(self) -> float | None:
        """Earliest ``not_before`` among queued URLs, or None when none is queued."""

    # --- fetches and articles --------------------------------------------------

    @abc.abstractmethod
    def log_fetch(self, fetch: FetchLog) -> int:
        """Record a fetch; returns its id."""

    @abc.abstractmethod
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
        """Insert or update the article stored under ``url``.

        Returns ``DuplicateArticle`` (and stores the page linked to the original)
        when another URL already holds the same text (``content_hash``).
        """

    @abc.abstractmethod
    def get_article(self, article_id: int) -> StoredArticle:
        """Raises ``NotFoundError``."""

    @abc.abstractmethod
    def list_articles(
        self,
        *,
        limit: int = 50,
        cursor: str | None = None,
        source_id: int | None = None,
        include_duplicates: bool = False,
        topic: str | None = None,
    ) -> ArticlePage:
        """Articles newest first (by publication time, else first-seen time); with
        ``topic``, only those the language stage gave that topic."""

    @abc.abstractmethod
    def count_articles(self, *, include_duplicates: bool = False) -> int: ...

    @abc.abstractmethod
    def search_articles(self, query: str, *, limit: int = 20, offset: int = 0) -> SearchPage:
        """Articles (not duplicates) whose title or text has every word of ``query``,
        best first (title matches above text matches), ties newest first.

        ``query`` is a reader's words, never a query language: quotes, operators and
        punctuation cannot make it fail; balanced quotes keep a phrase together; the
        last word also matches as a prefix. Only the first 200 characters are read. A
        query with nothing to search finds nothing.
        """

    @abc.abstractmethod
    def raw_html(self, article_id: int) -> bytes | None:
        """The raw HTML the article was extracted from, decompressed."""

    # --- language processing ---------------------------------------------------

    @abc.abstractmethod
    def articles_to_process(self, limit: int) -> list[StoredArticle]:
        """Articles not analysed yet, oldest first (duplicates included)."""

    @abc.abstractmethod
    def count_articles_to_process(self) -> int:
        """How many articles ``articles_to_process`` would still return."""

    @abc.abstractmethod
    def save_analyses(
        self,
        analyses: Sequence[tuple[ArticleAnalysis, int | None]],
        *,
        stories: Sequence[Story] = (),
        removed_stories: Sequence[int] = (),
        state: dict[str, str] | None = None,
    ) -> None:
        """Store a batch of the language stage's results in one transaction.

        Each analysis comes with the article it near-duplicates (or None): the
        article, and any copies of it, are then linked to that one. ``stories`` are
        rewritten whole (members included), ``removed_stories`` deleted, and
        ``state`` (small key/values such as the clusterer's clock) kept. Idempotent.
        """

    @abc.abstractmethod
    def get_analysis(self, article_id: int) -> ArticleAnalysis | None: ...

    @abc.abstractmethod
    def iter_analyses(self, *, published_after: str | None = None) -> Iterator[ArticleAnalysis]:
        """Stored analyses (embedding and signature included), oldest first; only
        articles published (or first seen) after ``published_after`` if given."""

    @abc.abstractmethod
    def load_stories(self, *, active_after: str | None = None) -> list[Story]:
        """Stories, oldest first; only those with a member after ``active_after``."""

    @abc.abstractmethod
    def nlp_state(self) -> dict[str, str]: ...

    @abc.abstractmethod
    def get_story(self, story_id: int) -> Story:
        """Raises ``NotFoundError``."""

    @abc.abstractmethod
    def story_of(self, article_id: int) -> Story | None: ...

    @abc.abstractmethod
    def count_stories(self) -> int: ...

    @abc.abstractmethod
    def article_briefs(self, article_ids: Sequence[int]) -> dict[int, ArticleBrief]:
        """Topic and story of each article (one query; unanalysed ones are left out)."""

    @abc.abstractmethod
    def existing_articles(self, article_ids: Sequence[int]) -> set[int]:
        """Those of ``article_ids`` that are stored (without reading them)."""

    @abc.abstractmethod
    def get_articles(self, article_ids: Sequence[int]) -> list[StoredArticle]:
        """The articles that exist among ``article_ids``, in the order given."""

    @abc.abstractmethod
    def duplicates_of(self, article_id: int) -> list[StoredArticle]:
        """Copies linked to this article (syndicated, re-posted), oldest first."""

    # --- events ----------------------------------------------------------------

    @abc.abstractmethod
    def record_event(
        self,
        kind: str,
        *,
        article_id: int | None = None,
        reader: str | None = None,
        data: dict[str, object] | None = None,
    ) -> int:
        """Append an event (impression, click, crawl milestone...) to the event log."""

    @abc.abstractmethod
    def count_events(self, kind: str | None = None) -> int: ...

    @abc.abstractmethod
    def record_events(self, events: Sequence[NewEvent]) -> int:
        """Append a batch of events in one transaction; returns how many."""

    @abc.abstractmethod
    def events_after(
        self, after_id: int, *, kinds: Sequence[str] | None = None, limit: int = 1000
    ) -> list[Event]:
        """Events with an id above ``after_id`` (of ``kinds`` if given), oldest first."""

    @abc.abstractmethod
    def event_cursor(self, consumer: str) -> int:
        """The last event id ``consumer`` has applied (0 before its first)."""

    @abc.abstractmethod
    def hold_lock(self, name: str) -> bool:
        """Take the lock ``name`` (lower-case letters, digits, ``-``) for as long as this
        store object is open, unless another process (or store object) holds it; True
        while this one holds it. Released by ``close`` or when the process dies. For
        work one process of many should do, such as the server's learners."""

    def cache_path(self, name: str) -> Path | None:
        """Where a cache derived from this store may be kept beside it (``name``: a file
        name), shared by the processes that open it; None where there is no such place
        (an in-memory database)."""
        return None

    # --- headlines ---------------------------------------------------------------

    @abc.abstractmethod
    def articles_needing_headlines(self, limit: int) -> list[StoredArticle]:
        """Analysed, non-duplicate articles whose candidates were never built, or whose
        story changed since (for a story's representative), oldest first."""

    @abc.abstractmethod
    def save_headlines(
        self,
        article_id: int,
        story_id: int | None,
        checked: Sequence[tuple[HeadlineCandidate, str | None, bool]],
    ) -> None:
        """Store an article's candidates (candidate, language, eligible) in one
        transaction and mark the article done. A candidate already stored (same
        text) keeps its record; its gates are replaced. Idempotent."""

    @abc.abstractmethod
    def headlines_of(self, article_ids: Sequence[int]) -> dict[int, list[StoredHeadline]]:
        """Each article's candidates, oldest first (one query)."""

    @abc.abstractmethod
    def get_headline(self, headline_id: int) -> StoredHeadline:
        """Raises ``NotFoundError``."""

    @abc.abstractmethod
    def apply_headline_deltas(
        self,
        deltas: Mapping[int, HeadlineDelta],
        *,
        consumer: str,
        expected_cursor: int,
        new_cursor: int,
    ) -> bool:
        """Add ``deltas`` to the headlines' records and move ``consumer``'s cursor from
        ``expected_cursor`` to ``new_cursor``, in one transaction. Returns False (and
        changes nothing) when the cursor has moved meanwhile: another process applied
        those events first, so nothing is counted twice."""

    # --- readers and feeds -----------------------------------------------------

    @abc.abstractmethod
    def story_pool(
        self, *, published_after: str | None, changed_after: str | None = None
    ) -> list[tuple[FeedCandidate, str]]:
        """Stories last published after ``published_after`` (all if None), newest first,
        each through its representative (topic, outlets, entities, embedding) with the
        time it last changed; only those changed after ``changed_after`` if given."""

    @abc.abstractmethod
    def stories_of_articles(self, article_ids: Sequence[int]) -> dict[int, FeedCandidate]:
        """Article id → the article's story as a candidate shown through that article
        (an article in no story stands alone, with story id ``-article id``)."""

    @abc.abstractmethod
    def story_activity(self, *, clicks_after: str, joined_after: str) -> dict[int, tuple[int, int]]:
        """Story id → (clicks on its members since ``clicks_after``, reports that
        joined it since ``joined_after``), for the stories with either."""

    @abc.abstractmethod
    def co_read(self, reader: str, limit: int = 200) -> dict[int, int]:
        """Articles that readers who read what ``reader`` read also read (collaborative
        signal): article id → number of such readers."""

    @abc.abstractmethod
    def reader_controls(self, reader: str) -> ReaderControls: ...

    @abc.abstractmethod
    def set_control(self, reader: str, kind: str, value: str, action: str | None) -> None:
        """Mute or boost (``action``) a source, topic, entity, keyword, or hide a story
        (kind ``story``, action ``mute``); ``action`` None removes the control.
        Raises ``ValueError`` for an unknown kind or action."""

    @abc.abstractmethod
    def set_personalized(self, reader: str, on: bool) -> None: ...

    @abc.abstractmethod
    def set_region(self, reader: str, region: str | None) -> None:
        """The country ``reader`` reads from (ISO 3166-1 alpha-2, upper case; None
        clears it). Raises ``ValueError`` for anything else."""

    @abc.abstractmethod
    def regional_clicks(self, *, clicks_after: str) -> dict[str, dict[int, int]]:
        """Region → story id → clicks on its members since ``clicks_after`` by readers
        who set that region."""

    @abc.abstractmethod
    def reader_profiles(self, readers: Sequence[str]) -> dict[str, ReaderProfile]: ...

    @abc.abstractmethod
    def load_model(self, name: str) -> bytes | None: ...

    @abc.abstractmethod
    def save_learning(
        self,
        profiles: Sequence[ReaderProfile],
        models: Mapping[str, bytes],
        *,
        consumer: str,
        expected_cursor: int,
        new_cursor: int,
    ) -> bool:
        """Store updated profiles and model state and move ``consumer``'s cursor, in one
        transaction, only if the cursor is still ``expected_cursor`` (else False)."""

    # --- accounts (``serve.accounts`` hashes passwords and tokens; the store keeps them)

    @abc.abstractmethod
    def create_account(
        self,
        username: str,
        password_hash: str,
        *,
        fever_key: str | None = None,
        is_admin: bool = False,
        reader: str | None = None,
    ) -> Account:
        """A new account (``reader``: an existing reader id to keep, else a new one).
        Raises ``ConflictError`` if the username is taken."""

    @abc.abstractmethod
    def get_account(self, account_id: int) -> Account: ...

    @abc.abstractmethod
    def list_accounts(self) -> list[Account]: ...

    @abc.abstractmethod
    def account_credentials(self, username: str) -> tuple[Account, str] | None:
        """The account and its password hash, if the username exists."""

    @abc.abstractmethod
    def account_by_fever_key(self, fever_key: str) -> Account | None: ...

    @abc.abstractmethod
    def set_password(self, account_id: int, password_hash: str, fever_key: str | None) -> None:
        """A new password (and Fever key); every session of the account ends."""

    @abc.abstractmethod
    def delete_account(self, account_id: int) -> None:
        """The account with its sessions, subscriptions and article states (its
        reading history under its reader id is deleted separately)."""

    @abc.abstractmethod
    def create_session(
        self, token_hash: str, account_id: int, *, kind: str, csrf: str, expires_at: str
    ) -> None:
        """Keep a session (expired ones are dropped on the way)."""

    @abc.abstractmethod
    def session(self, token_hash: str, kind: str) -> tuple[Account, str] | None:
        """The account of an unexpired session and the session's CSRF token."""

    @abc.abstractmethod
    def delete_session(self, token_hash: str) -> None: ...

    @abc.abstractmethod
    def subscribe(
        self,
        account_id: int,
        source_id: int,
        *,
        title: str | None = None,
        folder: str | None = None,
    ) -> None:
        """Subscribe ``account_id`` to a source, or set its title and folder."""

    @abc.abstractmethod
    def unsubscribe(self, account_id: int, source_id: int) -> None: ...

    @abc.abstractmethod
    def subscriptions(self, account_id: int) -> list[Subscription]: ...

    @abc.abstractmethod
    def set_article_state(
        self,
        account_id: int,
        article_ids: Sequence[int],
        *,
        read: bool | None = None,
        starred: bool | None = None,
    ) -> int:
        """Mark articles read/unread, starred/unstarred (None: leave as is); returns how
        many of ``article_ids`` exist."""

    @abc.abstractmethod
    def mark_read(self, account_id: int, where: ItemFilter) -> int:
        """Mark every article ``where`` selects read; returns how many were unread."""

    @abc.abstractmethod
    def reader_items(self, account_id: int, where: ItemFilter) -> list[ReaderItem]:
        """The articles ``where`` selects, with their read and starred state."""

    @abc.abstractmethod
    def reader_item_ids(self, account_id: int, where: ItemFilter) -> list[int]:
        """Only the ids of :meth:`reader_items` (cheap: no article is read)."""

    @abc.abstractmethod
    def reader_item_times(self, account_id: int, where: ItemFilter) -> list[tuple[int, str]]:
        """(id, crawl time) of :meth:`reader_items` (no article text is read: what a
        reader app's sync of thousands of ids needs)."""

    @abc.abstractmethod
    def unread_counts(self, account_id: int) -> dict[int, tuple[int, str]]:
        """Source id → (unread articles, crawl time of the newest of them)."""

    @abc.abstractmethod
    def article_states(
        self, account_id: int, article_ids: Sequence[int]
    ) -> dict[int, tuple[bool, bool]]:
        """(read, starred) of those of ``article_ids`` the account has marked."""

    @abc.abstractmethod
    def reader_history(self, reader: str, account_id: int | None = None) -> dict[str, Any]:
        """Everything kept about a reader (events, controls, settings, profile; with
        ``account_id`` also its subscriptions and read/starred marks), as plain data
        for their download."""

    @abc.abstractmethod
    def erase_reader_history(self, reader: str, *, account_id: int | None = None) -> str:
        """Delete a reader's events, controls, settings and profile (with ``account_id``,
        also its read/starred marks, and the account gets a new reader id, so nothing
        the ranker learned under the old one applies to it); returns the reader id to
        use from now on (a new one for an account, else ``reader``)."""

    @abc.abstractmethod
    def source_activity(self, *, since: str) -> dict[int, int]:
        """Source id → articles stored since ``since`` (ISO 8601 UTC)."""
