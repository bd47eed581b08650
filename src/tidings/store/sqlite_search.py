"""SQLite full-text search over articles (FTS5, ``article_fts``).

The index holds each article's title and text under its id (the FTS rowid), every
article included: duplicates are left out when searching, by their current
``duplicate_of``, so linking or unlinking a copy needs no index change. Text and
queries are prepared by :mod:`tidings.store.search_text` (CJK characters spaced);
every term of a reader's query is quoted, so quotes, operators, ``*``, ``-`` or
``NEAR(`` are plain words or punctuation to FTS5.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from tidings.store.search_text import (
    CLOSE,
    OPEN,
    SNIPPET_TOKENS,
    TITLE_WEIGHT,
    SearchRows,
    indexed_text,
    query_terms,
)


def match_expression(query: str) -> str | None:
    """The FTS5 expression for a reader's query (every term quoted, all must match,
    the last one a prefix where :func:`query_terms` says so), or None."""
    parsed = query_terms(query)
    if parsed is None:
        return None
    quoted = ['"' + term.replace('"', '""') + '"' for term in parsed.terms]
    if parsed.prefix:
        quoted[-1] += "*"
    return " ".join(quoted)


def index_articles(conn: sqlite3.Connection, article_ids: Sequence[int]) -> None:
    """(Re)index these articles from their stored title and text."""
    if not article_ids:
        return
    marks = ",".join("?" * len(article_ids))
    conn.execute(f"DELETE FROM article_fts WHERE rowid IN ({marks})", tuple(article_ids))
    rows = conn.execute(
        f"SELECT id, title, text FROM article WHERE id IN ({marks})", tuple(article_ids)
    ).fetchall()
    conn.executemany(
        "INSERT INTO article_fts (rowid, title, text) VALUES (?, ?, ?)",
        [(row[0], indexed_text(row[1] or ""), indexed_text(row[2])) for row in rows],
    )


#: Matching non-duplicates. The article columns read come from the ``article_search``
#: index: reading the table would read whole texts.
_MATCHES = (
    " FROM article_fts JOIN article a INDEXED BY article_search ON a.id = article_fts.rowid"
    " WHERE article_fts MATCH ? AND a.duplicate_of IS NULL"
)


def search(conn: sqlite3.Connection, query: str, limit: int, offset: int) -> SearchRows | None:
    """Non-duplicate articles matching a reader's query, best first (``bm25``, titles
    weighted above text), ties newest first; None when it has nothing to search."""
    expression = match_expression(query)
    if expression is None:
        return None
    ids = [
        int(row[0])
        for row in conn.execute(
            "SELECT a.id"
            + _MATCHES
            + " ORDER BY bm25(article_fts, ?, 1.0), a.sort_at DESC, a.id DESC LIMIT ? OFFSET ?",
            (expression, TITLE_WEIGHT, limit + 1, offset),
        )
    ]
    total = int(conn.execute("SELECT COUNT(*)" + _MATCHES, (expression,)).fetchone()[0])
    page = ids[:limit]
    snippets = _snippets(conn, expression, page)
    return SearchRows(
        rows=[(i, snippets.get(i, "")) for i in page],
        total=total,
        next_offset=offset + limit if len(ids) > limit else None,
    )


def _snippets(conn: sqlite3.Connection, expression: str, ids: Sequence[int]) -> dict[int, str]:
    """Raw snippets of these matching articles' text.

    Cut apart from the ranking query: SQLite computes every selected column of every
    match before it sorts, and a snippet costs far more than a score. ``+rowid`` makes
    this one scan of the matches, not one match per id (each would expand a prefix
    term again).
    """
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        "SELECT rowid, snippet(article_fts, 1, ?, ?, '…', ?) FROM article_fts"
        f" WHERE article_fts MATCH ? AND +rowid IN ({marks})",
        (OPEN, CLOSE, SNIPPET_TOKENS, expression, *ids),
    )
    return {int(row[0]): str(row[1] or "") for row in rows}
