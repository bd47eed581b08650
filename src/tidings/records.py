"""The typed records that flow between stages and into the store.

Each stage takes and returns these dataclasses, never store rows or HTTP objects,
so a stage runs the same in-process, in a test, or as a remote task. Expected
rejections are records too (``NotAnArticle``, ``RobotsDisallowed``,
``DuplicateArticle``): they carry a reason and are counted, never silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class SourceKind(StrEnum):
    FEED = "feed"
    SITEMAP = "sitemap"
    PAGE = "page"


class URLState(StrEnum):
    QUEUED = "queued"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    FAILED = "failed"


# --- sources -------------------------------------------------------------------


@dataclass(frozen=True)
class SourceSpec:
    """A source a user asks for: a feed, a (news) sitemap, or a single page."""

    url: str
    kind: SourceKind
    title: str | None = None
    site_url: str | None = None


@dataclass(frozen=True)
class Source:
    """A source as stored, with its crawl health."""

    id: int
    url: str
    kind: SourceKind
    title: str | None
    site_url: str | None
    added_at: str
    last_fetched_at: str | None = None
    last_status: str | None = None
    error_count: int = 0
    article_count: int = 0


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: the link to an article plus what the feed says about it."""

    url: str
    title: str | None = None
    #: ISO 8601 timestamp in UTC (``2026-11-23T10:00:00+00:00``), if the feed gives one.
    published: str | None = None
    authors: tuple[str, ...] = ()
    summary: str | None = None


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    site_url: str | None
    entries: tuple[FeedEntry, ...]
    #: Entries skipped because they had no usable link (counted, not silently dropped).
    skipped: int = 0
    #: Non-fatal problem feedparser reported (e.g. an undeclared encoding), if any.
    warning: str | None = None


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: str | None = None
    #: From the ``news:`` extension, where present.
    title: str | None = None
    published: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class ParsedSitemap:
    #: Article pages listed by a ``<urlset>``.
    pages: tuple[SitemapEntry, ...]
    #: Child sitemaps listed by a ``<sitemapindex>``.
    sitemaps: tuple[str, ...]
    skipped: int = 0


@dataclass(frozen=True)
class OutlineFeed:
    """One feed of an OPML file."""

    url: str
    title: str | None = None
    site_url: str | None = None
    category: str | None = None


# --- crawl ---------------------------------------------------------------------


@dataclass(frozen=True)
class FetchResponse:
    """A completed HTTP exchange (2xx or 304), body already capped and decoded from gzip/br."""

    url: str
    final_url: str
    status: int
    content_type: str
    #: Charset from the Content-Type header, if any (the body is *not* decoded).
    charset: str | None
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    elapsed: float = 0.0
    redirects: tuple[str, ...] = ()

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True)
class RobotsDisallowed:
    """robots.txt forbids this URL to our user agent."""

    url: str
    reason: str = "robots.txt disallows"


# --- extract -------------------------------------------------------------------


@dataclass(frozen=True)
class ExtractedArticle:
    url: str | None
    canonical_url: str | None
    title: str | None
    text: str
    authors: tuple[str, ...] = ()
    #: Publication day, ``YYYY-MM-DD``.
    date: str | None = None
    #: ISO 639-1 code.
    language: str | None = None
    image: str | None = None
    site_name: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class NotAnArticle:
    """The page is not an article (too short, a listing, an error page...).

    ``partial`` holds whatever could be extracted, for inspection.
    """

    url: str | None
    reason: str
    partial: ExtractedArticle | None = None


# --- store ---------------------------------------------------------------------


@dataclass(frozen=True)
class FrontierItem:
    """A URL claimed from the persistent frontier for fetching."""

    id: int
    url: str
    host: str
    kind: SourceKind
    source_id: int | None
    #: True for a source's own URL (feed, sitemap or page added by a user).
    is_source: bool = False
    attempts: int = 0
    etag: str | None = None
    last_modified: str | None = None
    #: What the feed/sitemap said about this URL (title, published), used as fallbacks.
    hints: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredArticle:
    id: int
    url: str
    canonical_url: str | None
    title: str | None
    text: str
    authors: tuple[str, ...]
    date: str | None
    #: ISO 8601 UTC: the best known publication time (feed timestamp, else page date).
    published_at: str | None
    language: str | None
    image: str | None
    site_name: str | None
    source_id: int | None
    source_title: str | None
    created_at: str
    updated_at: str
    duplicate_of: int | None = None


@dataclass(frozen=True)
class ArticleSaved:
    article_id: int
    #: False when an existing article (same URL) was updated in place.
    created: bool
    #: An article with the same text, published later, that this one replaced as the
    #: original (it and its copies now point here). None in the usual case.
    supersedes: int | None = None


@dataclass(frozen=True)
class DuplicateArticle:
    """The text was already stored under another URL (e.g. syndicated wire copy)."""

    article_id: int
    duplicate_of: int
    reason: str = "same text as an existing article"


SaveResult = ArticleSaved | DuplicateArticle


# --- language processing -------------------------------------------------------


@dataclass(frozen=True)
class Entity:
    """A person, organisation or place named in an article."""

    #: The most frequent surface form, as written.
    text: str
    #: ``person``, ``organization`` or ``place``.
    label: str
    #: A stable key (NFKC, case-folded, ...) so mentions across articles match.
    normalized: str
    count: int = 1


@dataclass(frozen=True)
class ArticleAnalysis:
    """What the language stage found in one article."""

    article_id: int
    language: str | None
    #: L2-normalised float32 vector (``numpy.ndarray.tobytes()``), and its model.
    embedding: bytes | None
    embed_model: str | None
    #: MinHash signature for near-duplicate detection.
    minhash: bytes | None
    entities: tuple[Entity, ...] = ()
    keywords: tuple[str, ...] = ()
    topic: str | None = None
    topic_score: float | None = None
    summary: str | None = None
    #: Entity keys and language-independent anchors the story clusterer used.
    story_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Story:
    """One event as covered by several articles (outlets, languages)."""

    id: int
    #: Member article ids in the order they joined.
    members: tuple[int, ...]
    representative: int
    first_published: str | None
    last_published: str | None
    languages: tuple[str, ...] = ()
    #: (normalised entity, number of members naming it), most named first.
    entities: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class ArticleBrief:
    """An article's topic and story, for lists."""

    topic: str | None = None
    story_id: int | None = None
    story_size: int | None = None
    #: The article stands for its story (its headline is the story's).
    representative: bool = False


# --- headlines -------------------------------------------------------------------


class HeadlineOrigin(StrEnum):
    """Where a headline candidate came from."""

    #: The article's own title, as its outlet wrote it.
    ORIGINAL = "original"
    #: Another outlet's title for the same story.
    OUTLET = "outlet"
    #: Compressed from the article's lead or summary (no model).
    EXTRACTIVE = "extractive"
    #: Rewritten by a language model (llama.cpp GGUF or an OpenAI-compatible endpoint).
    GENERATED = "generated"


@dataclass(frozen=True)
class FaithfulnessVerdict:
    """Whether the article supports a headline, and if not, why."""

    supported: bool
    #: Semantic support in [0, 1]: how well the best-matching article sentences
    #: back the headline (1 = said in so many words).
    support: float
    #: Why the headline was rejected, one short reason each ("number 12 not in the
    #: article", "adds a negation", ...); empty when supported.
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class HeadlineCandidate:
    """One headline the reader could be shown for an article or a story."""

    text: str
    origin: HeadlineOrigin
    #: The article whose title this is (originals and other outlets' titles).
    article_id: int | None = None
    #: Who wrote it: the outlet's name, ``extractive:lead``, or the generator's model.
    author: str | None = None
    #: Clickbait score in [0, 1] (1 = clickbait).
    clickbait: float | None = None
    faithfulness: FaithfulnessVerdict | None = None


@dataclass(frozen=True)
class StoredHeadline:
    """A candidate headline for one article, as stored with its gates and its record.

    ``article_id`` is the article the headline titles (and was checked against); a
    story's candidates are those of its representative article.
    """

    id: int
    article_id: int
    story_id: int | None
    candidate: HeadlineCandidate
    language: str | None
    #: Both gates passed when the candidate was last checked.
    eligible: bool
    impressions: int = 0
    clicks: int = 0
    #: Clicks still waiting for their dwell time (counted at a provisional reward).
    pending_clicks: int = 0
    #: Dwell-weighted reward: each click adds its reader's satisfaction in [0, 1].
    reward: float = 0.0


@dataclass(frozen=True)
class HeadlineDelta:
    """What a batch of events adds to one headline's record."""

    impressions: int = 0
    clicks: int = 0
    pending_clicks: int = 0
    reward: float = 0.0


@dataclass(frozen=True)
class Event:
    """One entry of the append-only event log."""

    id: int
    kind: str
    article_id: int | None
    reader: str | None
    data: dict[str, object]
    created_at: str


# --- ranking ---------------------------------------------------------------------


@dataclass(frozen=True)
class FeedCandidate:
    """A story that may enter a reader's feed, shown through its representative."""

    story_id: int
    article_id: int
    title: str | None
    topic: str | None
    #: The outlet of the representative (site name, else source title, else host).
    source: str
    #: Every outlet covering the story.
    outlets: tuple[str, ...] = ()
    #: Normalised entity keys and keywords of the representative.
    entities: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    published_at: str | None = None
    story_size: int = 1
    #: L2-normalised float32 vector of the representative (``ndarray.tobytes()``).
    embedding: bytes | None = None
    #: Satisfied reads by all readers lately (trending).
    popularity: float = 0.0
    #: Why it is a candidate: ``fresh``, ``followed``, ``similar``, ``trending``,
    #: ``collaborative``.
    origins: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReaderControls:
    """What a reader asked for: mutes, boosts, and personalisation on or off."""

    personalized: bool = True
    #: (kind, value) pairs; kind is ``source``, ``topic``, ``entity`` or ``keyword``.
    muted: frozenset[tuple[str, str]] = frozenset()
    boosted: frozenset[tuple[str, str]] = frozenset()
    #: Stories the reader hid or said "less like this" about.
    hidden: frozenset[int] = frozenset()
    #: The country the reader reads from (ISO 3166-1 alpha-2, upper case), if set.
    region: str | None = None


@dataclass(frozen=True)
class ReaderProfile:
    """What the ranker knows about a reader from their events."""

    reader: str
    #: Satisfaction-weighted reading per topic / outlet / entity (decayed).
    topics: dict[str, float] = field(default_factory=dict)
    sources: dict[str, float] = field(default_factory=dict)
    entities: dict[str, float] = field(default_factory=dict)
    #: Running mean of the embeddings of what they read (float32 bytes), if any.
    interest: bytes | None = None
    #: Stories already shown and read (not shown again as new).
    read: frozenset[int] = frozenset()
    events: int = 0


@dataclass(frozen=True)
class RankedStory:
    """One entry of a feed, with its explanation."""

    candidate: FeedCandidate
    score: float
    #: "Why this", top reasons first, in words.
    reasons: tuple[str, ...]
    #: ``personal``, ``perspective`` (an outlet the reader does not usually read),
    #: ``explore`` (a new item or interest), ``top`` or ``latest``.
    slot: str = "personal"


@dataclass(frozen=True)
class Account:
    """Someone who logs in: a reader with a name and a password (``serve.accounts``)."""

    id: int
    username: str
    #: The reader id their events, controls and profile are kept under.
    reader: str
    is_admin: bool
    created_at: str


@dataclass(frozen=True)
class Subscription:
    """A source an account reads, under its own title and folder (the reader apps'
    "feed" and "category")."""

    source: Source
    title: str | None = None
    folder: str | None = None

    @property
    def display_title(self) -> str:
        return self.title or self.source.title or self.source.url


@dataclass(frozen=True)
class ReaderItem:
    """An article as one account sees it in the reader apps: read or not, starred or not."""

    article: StoredArticle
    read: bool
    starred: bool
