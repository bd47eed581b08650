"""What the language stage found, gathered for the API and the HTML views.

Lists need each item's topic and story (id and size): one batch query per page
(``Store.article_briefs``), never one per item.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from tidings.records import ArticleBrief, StoredArticle, Story
from tidings.store.base import Store

log = logging.getLogger(__name__)

#: At most this many members of a story are read for one page or response.
MAX_MEMBERS = 200
#: Entities listed for a story.
TOP_ENTITIES = 10


@dataclass(frozen=True)
class StoryEntity:
    """An entity a story's members name: display text, key, and how many members."""

    text: str
    normalized: str
    articles: int


def when(article: StoredArticle) -> str:
    """The time an article is sorted by: publication, else first seen."""
    return article.published_at or article.created_at


def article_briefs(store: Store, articles: Sequence[StoredArticle]) -> dict[int, ArticleBrief]:
    """Topic and story of every article of a page, in one store query."""
    briefs = store.article_briefs([a.id for a in articles])
    return {a.id: briefs.get(a.id, ArticleBrief()) for a in articles}


def story_members(
    store: Store, story: Story, *, exclude: int | None = None, limit: int = MAX_MEMBERS
) -> list[StoredArticle]:
    """A story's member articles, newest first (the latest ``limit`` to join)."""
    ids = [m for m in story.members if m != exclude][-limit:]
    members = store.get_articles(ids)
    if len(members) < len(ids):
        log.warning("story %d lists %d missing articles", story.id, len(ids) - len(members))
    members.sort(key=lambda a: (when(a), a.id), reverse=True)
    return members


def top_entities(store: Store, story: Story, limit: int = TOP_ENTITIES) -> list[StoryEntity]:
    """The entities most members name, spelt as a member article writes them.

    The story's terms also hold the clusterer's cross-language anchors (numbers,
    codes: ``#48.8``); those are evidence, not names, and are not shown.
    """
    spelling: dict[str, str] = {}
    for member in (story.representative, *story.members[:20]):
        analysis = store.get_analysis(member)
        for entity in analysis.entities if analysis else ():
            spelling.setdefault(entity.normalized, entity.text)
    names = [(key, count) for key, count in story.entities if not key.startswith("#")]
    return [
        StoryEntity(text=spelling.get(key, key), normalized=key, articles=count)
        for key, count in names[:limit]
    ]


def group_by_language(
    articles: Sequence[StoredArticle],
) -> list[tuple[str | None, list[StoredArticle]]]:
    """Articles grouped by language (largest group first), order kept within a group."""
    groups: dict[str | None, list[StoredArticle]] = {}
    for article in articles:
        groups.setdefault(article.language, []).append(article)
    return sorted(groups.items(), key=lambda item: (-len(item[1]), item[0] or "~"))
