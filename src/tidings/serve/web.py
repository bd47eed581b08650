"""Server-rendered HTML: the newest articles, a reader view, stories, sources and their health.

No JavaScript is needed; one small script (``static/dwell.js``) reports how long a
reader stayed on an article, for the headline learner. Every value reaches the page
through Jinja's autoescape; article text is plain text, split into paragraphs and
escaped, never marked safe.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import APIRouter, Query, Request
from fastapi import Path as RoutePath
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from tidings.errors import NotFoundError
from tidings.serve import coverage, feed, formatting
from tidings.serve import headlines as shown_headlines
from tidings.serve.deps import StoreDep, auth_required, cookie_reader, remember, visitor
from tidings.serve.schemas import MAX_ROW_ID, reader_path, story_path
from tidings.store.base import Store
from tidings.urls import host_of

log = logging.getLogger(__name__)

PAGE_SIZE = 30
#: Other articles of its story listed under an article (the story page lists more).
COVERAGE_LIMIT = 50
TEMPLATES_DIR = Path(__file__).parent / "templates"

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
    )
    env.filters.update(
        human_time=formatting.human_time,
        absolute_time=formatting.absolute_time,
        safe_url=formatting.safe_url,
        language_tag=formatting.language_tag,
        language_name=formatting.language_name,
        paragraphs=formatting.paragraphs,
        excerpt=formatting.excerpt,
        reader_path=reader_path,
        story_path=story_path,
        host=host_of,
    )
    env.tests["english"] = formatting.is_english
    return env


templates = Jinja2Templates(env=_environment())


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """Render ``name`` with the context every page needs (site title, root path, who is
    reading and their forms' CSRF token; a new visitor's cookies are set)."""
    who = visitor(request)
    base = {
        "site_title": getattr(request.app.state, "title", "Tidings"),
        "root": request.scope.get("root_path", "").rstrip("/"),
        "csrf": who.csrf,
        "account": who.account,
        "accounts_on": auth_required(request),
    }
    page = templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)
    remember(request, page, who)
    return page


def render_error(request: Request, status_code: int, message: str) -> HTMLResponse:
    titles = {400: "Bad request", 404: "Not found"}
    return render(
        request,
        "error.html",
        {"status": status_code, "title": titles.get(status_code, "Error"), "message": message},
        status_code=status_code,
    )


CursorQuery = Annotated[str | None, Query(description="Paging cursor.")]
#: An article, story or source id in a page's path (past SQLite's range: no such page).
RowId = Annotated[int, RoutePath(ge=1, le=MAX_ROW_ID)]


def marks(request: Request, store: Store, article_ids: list[int]) -> dict[int, tuple[bool, bool]]:
    """(read, starred) of a page's articles for a logged-in account (the marks its reader
    apps share); nothing for an anonymous reader."""
    account = visitor(request).account
    return store.article_states(account.id, article_ids) if account else {}


@router.get("/")
def index(request: Request, store: StoreDep, cursor: CursorQuery = None) -> HTMLResponse:
    return _article_list(request, store, "index.html", {}, "latest", cursor)


def _article_list(
    request: Request,
    store: Store,
    template: str,
    context: dict[str, Any],
    page_name: str,
    cursor: str | None,
    *,
    source_id: int | None = None,
    topic: str | None = None,
) -> HTMLResponse:
    """A page of articles, newest first (Latest, a source's, a topic's): each with its
    honest headline, its story's brief and, for an account, its read mark."""
    try:
        page = store.list_articles(
            limit=PAGE_SIZE, cursor=cursor or None, source_id=source_id, topic=topic
        )
    except ValueError:
        return render_error(request, 400, "That page link is invalid. Start from the newest.")
    briefs = coverage.article_briefs(store, page.items)
    return render(
        request,
        template,
        {
            **context,
            "articles": page.items,
            "briefs": briefs,
            "headlines": shown_headlines.headlines_for_page(
                store, page.items, briefs, page=page_name
            ),
            "marks": marks(request, store, [a.id for a in page.items]),
            "next_cursor": page.next_cursor,
            "paged": bool(cursor),
        },
    )


@router.get("/articles/{article_id}")
def article(
    request: Request,
    store: StoreDep,
    article_id: RowId,
    h: Annotated[int | None, Query(description="The headline clicked.")] = None,
) -> HTMLResponse:
    try:
        item = store.get_article(article_id)
    except NotFoundError:
        return render_error(request, 404, "There is no article here.")
    reader = cookie_reader(request)
    headline, original_title = shown_headlines.headline_for_reader(store, item, h, reader=reader)
    account = visitor(request).account
    if account is not None:  # read here is read in the account's reader apps too
        store.set_article_state(account.id, [item.id], read=True)
    if h is not None:
        try:  # the click reaches the headline records and the reader's next page at once
            feed.learn(request, store)
        except Exception:
            log.exception("learners failed")
    original = None
    if item.duplicate_of is not None:
        try:
            original = store.get_article(item.duplicate_of)
        except NotFoundError:
            log.warning("article %d is a duplicate of missing %d", item.id, item.duplicate_of)
    story = store.story_of(item.id)
    if story is None and item.duplicate_of is not None:
        story = store.story_of(item.duplicate_of)  # a copy is covered as its original is
    others = (
        coverage.story_members(store, story, exclude=item.id, limit=COVERAGE_LIMIT)
        if story is not None
        else []
    )
    return render(
        request,
        "article.html",
        {
            "article": item,
            "headline": headline,
            "original_title": original_title,
            "headline_id": h if original_title is not None or headline != item.title else None,
            "original": original,
            "when": coverage.when(item),
            "analysis": store.get_analysis(item.id),
            "story": story,
            "others": others,
            # Syndicated or re-posted copies of this article, hidden from lists.
            "copies": store.duplicates_of(item.id)[:COVERAGE_LIMIT],
        },
    )


@router.get("/stories/{story_id}")
def story(request: Request, store: StoreDep, story_id: RowId) -> HTMLResponse:
    try:
        item = store.get_story(story_id)
    except NotFoundError:
        return render_error(request, 404, "There is no story here.")
    members = coverage.story_members(store, item)
    lead = next((a for a in members if a.id == item.representative), None)
    lead = lead or (members[0] if members else None)
    choice = None
    candidates: list[dict[str, object]] = []
    if lead is not None:
        briefs = coverage.article_briefs(store, [lead])
        choice = shown_headlines.choose_for(store, [lead], briefs).get(lead.id)
        stored = store.headlines_of([lead.id]).get(lead.id, [])
        candidates = [shown_headlines.explain(h) for h in stored]
    return render(
        request,
        "story.html",
        {
            "story": item,
            "headline": lead,
            "shown": shown_headlines.shown(lead, choice) if lead is not None else None,
            "candidates": candidates,
            "groups": coverage.group_by_language(members),
            "entities": coverage.top_entities(store, item),
        },
    )


@router.get("/sources")
def sources(request: Request, store: StoreDep) -> HTMLResponse:
    """Every source with its crawl health: last fetch, status, errors, articles a day."""
    week_ago = (datetime.now(UTC) - timedelta(days=7)).isoformat(timespec="seconds")
    activity = store.source_activity(since=week_ago)
    listed = store.list_sources()
    per_day = {s.id: activity.get(s.id, 0) / 7 for s in listed}
    return render(request, "sources.html", {"sources": listed, "per_day": per_day})


@router.get("/topics/{topic}")
def topic(
    request: Request,
    store: StoreDep,
    topic: Annotated[str, RoutePath(max_length=100)],
    cursor: CursorQuery = None,
) -> HTMLResponse:
    """The newest articles of a topic, with its Atom and JSON feeds."""
    return _article_list(
        request, store, "topic.html", {"topic": topic}, f"topic:{topic}", cursor, topic=topic
    )


@router.get("/sources/{source_id}")
def source(
    request: Request, store: StoreDep, source_id: RowId, cursor: CursorQuery = None
) -> HTMLResponse:
    try:
        item = store.get_source(source_id)
    except NotFoundError:
        return render_error(request, 404, "There is no source here.")
    return _article_list(
        request,
        store,
        "source.html",
        {"source": item},
        f"source:{source_id}",
        cursor,
        source_id=source_id,
    )
