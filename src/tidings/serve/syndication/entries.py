"""What a syndication feed holds, made from stored articles: the records both writers
(``atom``, ``jsonfeed``) read, every string already safe to write.

Text comes from the web, so it is cleaned here once: characters XML 1.0 forbids
(``\\x00``-``\\x08`` and other controls, lone surrogates, ``U+FFFE``) are dropped, so
the Atom stays well-formed whatever a page contained; the article's body is plain
text made into escaped paragraphs (``sanitize.text_as_html``), never its raw HTML.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from tidings.records import StoredArticle
from tidings.serve.formatting import excerpt, language_tag, safe_url
from tidings.serve.sanitize import text_as_html
from tidings.serve.schemas import reader_path
from tidings.timestamps import parse_timestamp
from tidings.urls import host_of

#: Characters XML 1.0 does not allow (its ``Char`` production, inverted).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: The year of the ``tag:`` URIs (RFC 4151): fixed, so that ids never change.
TAG_YEAR = 2026
#: A feed's ``updated`` when it has no entries (nothing in it ever changed).
EPOCH = "1970-01-01T00:00:00Z"


def clean(text: str) -> str:
    """``text`` without the characters XML cannot carry."""
    return _NOT_XML.sub("", text)


def rfc3339(value: str | None) -> str | None:
    """A stored ISO 8601 time as RFC 3339 in UTC (``2026-03-01T09:00:00Z``)."""
    when = parse_timestamp(value)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ") if when else None


@dataclass(frozen=True)
class Site:
    """Where the feeds are served from, as the request names it."""

    #: The absolute URL of the site's root, without a trailing slash.
    base: str
    #: The ``tag:`` authority (``tag:news.example,2026:``) every id starts with.
    tag: str
    title: str

    @classmethod
    def of(cls, base_url: str, title: str) -> Site:
        base = base_url.rstrip("/")
        host = host_of(base).rpartition("@")[2].split(":")[0]
        # a tag authority is a domain name: anything else a Host header holds is dropped
        host = re.sub(r"[^a-z0-9.-]", "", host) or "localhost"
        return cls(base=base, tag=f"tag:{host},{TAG_YEAR}:", title=clean(title))

    def url(self, path: str) -> str:
        return self.base + path


@dataclass(frozen=True)
class Entry:
    """One article in a feed."""

    id: str
    title: str
    #: The original article (http(s) only); the reader page when it has none.
    url: str
    #: The article's page on this Tidings.
    reader_url: str
    #: RFC 3339.
    published: str
    updated: str
    authors: tuple[str, ...]
    #: Escaped paragraphs of the extracted text.
    content_html: str
    #: A plain-text excerpt.
    summary: str
    language: str | None
    image: str | None
    topic: str | None


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    #: The HTML page the feed mirrors, and the feed's own URL (both absolute).
    home_url: str
    self_url: str
    entries: tuple[Entry, ...]

    @property
    def updated(self) -> str:
        """The newest entry's update time (RFC 3339 strings sort as times)."""
        return max((e.updated for e in self.entries), default=EPOCH)


def entry_of(
    site: Site, article: StoredArticle, *, title: str | None = None, topic: str | None = None
) -> Entry:
    """The entry of ``article``, under ``title`` (the headline shown for it) if given."""
    reader_url = site.url(reader_path(article.id))
    published = rfc3339(article.published_at) or rfc3339(article.created_at) or EPOCH
    updated = max(published, rfc3339(article.updated_at) or published)
    outlet = article.site_name or article.source_title or host_of(article.url)
    authors = tuple(a for a in (clean(a).strip() for a in article.authors) if a)
    return Entry(
        id=f"{site.tag}article/{article.id}",
        title=clean(title or article.title or "").strip() or "(untitled)",
        url=safe_url(article.url) or reader_url,
        reader_url=reader_url,
        published=published,
        updated=updated,
        # every Atom entry needs an author: the outlet's name stands in for a byline
        authors=authors or (clean(outlet).strip() or "unknown",),
        content_html=text_as_html(clean(article.text)),
        summary=excerpt(clean(article.text)),
        language=language_tag(article.language),
        image=safe_url(article.image),
        topic=clean(topic) if topic else None,
    )


def feed_of(
    site: Site,
    key: str,
    title: str,
    *,
    home_path: str,
    self_url: str,
    articles: Sequence[StoredArticle],
    titles: Mapping[int, str] | None = None,
    topics: Mapping[int, str | None] | None = None,
) -> Feed:
    """The feed ``key`` (its id's last part: ``latest``, ``source/3``) of ``articles``,
    in the order given, each under its headline in ``titles`` if any."""
    titles, topics = titles or {}, topics or {}
    return Feed(
        id=f"{site.tag}feed/{quote(key, safe='/')}",
        title=clean(f"{site.title}: {title}"),
        home_url=site.url(home_path),
        self_url=self_url,
        entries=tuple(
            entry_of(site, a, title=titles.get(a.id), topic=topics.get(a.id)) for a in articles
        ),
    )
