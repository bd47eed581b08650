"""What the language stage found, gathered for the API and the HTML views.

Lists need each item's topic and story (id and size). The store has no batch
look-up by article id yet, so :func:`article_briefs` builds one per page from the
store's windowed readers: one ``iter_analyses`` and one ``load_stories`` call,
both limited to the time span the page covers (never one query per item).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from tidings.errors import NotFoundError
from tidings.records import StoredArticle, Story
from tidings.store.base import Store
from tidings.timestamps import parse_timestamp

log = logging.getLogger(__name__)

#: Stored times are spelt a few ways (``Z``, ``+00:00``, fractions); a margin
#: before the oldest item of a page keeps string comparisons on the safe side.
_WINDOW_MARGIN = timedelta(hours=1)
#: At most this many members of a story are read for one page or response.
MAX_MEMBERS = 200
#: Entities listed for a story.
TOP_ENTITIES = 10


@dataclass(frozen=True)
class ArticleBrief:
    """An article's topic and story, for lists."""

    topic: str | None = None
    story_id: int | None = None
    story_size: int | None = None


@dataclass(frozen=True)
class StoryEntity:
    """An entity a story's members name: display text, key, and how many members."""

    text: str
    normalized: str
    articles: int


def when(article: StoredArticle) -> str:
    """The time an article is sorted by: publication, else first seen."""
    return article.published_at or article.created_at


def _window_start(articles: Sequence[StoredArticle]) -> str | None:
    """A time before every article of the page (its feed position and its stories)."""
    times = [
        parsed
        for a in articles
        for value in (a.published_at, a.created_at)
        if (parsed := parse_timestamp(value)) is not None
    ]
    if not times:
        return None
    return (min(times) - _WINDOW_MARGIN).isoformat(timespec="seconds")


def article_briefs(store: Store, articles: Sequence[StoredArticle]) -> dict[int, ArticleBrief]:
    """Topic and story of every article of a page (≤ 200 items), in two store calls."""
    if not articles:
        return {}
    ids = {a.id for a in articles}
    start = _window_start(articles)
    topics: dict[int, str | None] = {}
    for analysis in store.iter_analyses(published_after=start):
        if analysis.article_id in ids:
            topics[analysis.article_id] = analysis.topic
    stories: dict[int, Story] = {}
    for story in store.load_stories(active_after=start):
        for member in story.members:
            if member in ids:
                stories[member] = story
    briefs = {}
    for article_id in ids:
        found = stories.get(article_id)
        briefs[article_id] = ArticleBrief(
            topic=topics.get(article_id),
            story_id=found.id if found else None,
            story_size=len(found.members) if found else None,
        )
    return briefs


def story_members(
    store: Store, story: Story, *, exclude: int | None = None, limit: int = MAX_MEMBERS
) -> list[StoredArticle]:
    """A story's member articles, newest first (the latest ``limit`` to join)."""
    ids = [m for m in story.members if m != exclude][-limit:]
    members = []
    for article_id in ids:
        try:
            members.append(store.get_article(article_id))
        except NotFoundError:
            log.warning("story %d lists missing article %d", story.id, article_id)
    members.sort(key=lambda a: (when(a), a.id), reverse=True)
    return members


def top_entities(store: Store, story: Story, limit: int = TOP_ENTITIES) -> list[StoryEntity]:
    """The entities most members name, spelt as the representative article writes them."""
    analysis = store.get_analysis(story.representative)
    spelling = {e.normalized: e.text for e in analysis.entities} if analysis else {}
    return [
        StoryEntity(text=spelling.get(key, key), normalized=key, articles=count)
        for key, count in story.entities[:limit]
    ]


def group_by_language(
    articles: Sequence[StoredArticle],
) -> list[tuple[str | None, list[StoredArticle]]]:
    """Articles grouped by language (largest group first), order kept within a group."""
    groups: dict[str | None, list[StoredArticle]] = {}
    for article in articles:
        groups.setdefault(article.language, []).append(article)
    return sorted(groups.items(), key=lambda item: (-len(item[1]), item[0] or "~"))
