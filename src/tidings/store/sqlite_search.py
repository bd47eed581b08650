"""SQLite statements for full-text search over articles (FTS5, ``article_fts``).

Functions over an open connection, like :mod:`tidings.store.sqlite_accounts`.

The index holds each article's title and text under its id (the FTS rowid), every
article included: duplicates are left out when searching, by their current
``duplicate_of``, so linking or unlinking a copy needs no index change.

Chinese, Japanese and Korean are written without spaces between words, and the
``unicode61`` tokenizer would read a whole CJK sentence as one token. Both the indexed
text and the query therefore get a separator around every CJK character
(:func:`space_cjk`), which makes each character a token and a CJK word a phrase of
characters: ``北京`` is searched as the phrase ``"北 京"`` and matches inside any
sentence. The separator is a zero-width space: the tokenizer splits on it like on a
space, and unlike a space it can be removed exactly from the snippets again.

Readers' queries are never FTS5 syntax: :func:`match_expression` quotes every term,
so quotes, operators, ``*``, ``-`` or ``NEAR(`` are plain words or punctuation.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

#: Longest query read (characters); the rest is ignored.
MAX_QUERY_CHARS = 200
#: Shortest last word also matched as a prefix (a shorter one expands to too many words).
MIN_PREFIX_CHARS = 3
#: Articles indexed per transaction when the store fills the index on opening.
FILL_BATCH = 500
#: Title matches weigh this much more than text matches (``bm25`` column weights).
TITLE_WEIGHT = 5.0
#: Words of text around the matches in a snippet (CJK: characters).
SNIPPET_TOKENS = 32

#: Inserted between CJK characters: a token separator to ``unicode61``, invisible.
_SEPARATOR = "\u200b"
#: Snippet match markers (private-use characters, removed from indexed text).
_OPEN, _CLOSE = "\ue000", "\ue001"
_CJK = (
    "\u1100-\u11ff\u2e80-\u2fdf\u3005-\u3007\u3040-\u30ff\u3100-\u318f\u31a0-\u31bf"
    "\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff"
    "\uff66-\uffdc\U00020000-\U0003ffff"
)
#: A position beside a CJK character with a non-space character on its other side.
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])(?=\S)|(?<=\S)(?=[{_CJK}])")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
#: A quoted phrase (balanced quotes) or a run of anything but space and quotes.
_TERM = re.compile(r'"([^"]*)"|([^\s"]+)')
#: Bare words FTS5 reads as operators.
_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})


@dataclass(frozen=True)
class SearchRows:
    """One page of matches: (article id, raw snippet) best first, and their number."""

    rows: list[tuple[int, str]]
    total: int
    next_offset: int | None


def space_cjk(text: str) -> str:
    """``text`` with a separator (zero-width space) on each side of every CJK character
    that touches another non-space character: ``北京时间`` → ``北 京 时 间`` (the spaces
    shown here being zero-width ones)."""
    return _CJK_GAP.sub(_SEPARATOR, text)


def match_expression(query: str) -> str | None:
    """The FTS5 expression for a reader's query, or None when it has nothing to search.

    Every term is quoted (all must match); ``"a phrase"`` in balanced quotes stays one
    phrase; a stray quote, bare ``AND``/``OR``/``NOT``/``NEAR`` and terms without a
    letter or digit are dropped. The last word, unless the query ends in a space,
    also matches as a prefix (``volc`` finds ``volcano``) when it is not CJK.
    """
    # control characters (NUL ends an FTS5 string early) and private-use markers go
    query = "".join(
        " " if unicodedata.category(c) in ("Cc", "Co", "Cs") else c for c in query[:MAX_QUERY_CHARS]
    )
    terms: list[str] = []
    last_open = False
    for found in _TERM.finditer(query):
        phrase, word = found.group(1), found.group(2)
        text = phrase if phrase is not None else word
        if word in _OPERATORS or not any(_is_token_char(c) for c in text):
            continue
        quoted = '"' + space_cjk(text).replace('"', '""') + '"'
        terms.append(quoted)
        last_open = (
            word is not None
            and found.end() == len(query)
            and len(word) >= MIN_PREFIX_CHARS
            and _is_token_char(word[-1])
            and not _CJK_CHAR.search(word)
        )
    if not terms:
        return None
    if last_open:
        terms[-1] += "*"
    return " ".join(terms)


def _is_token_char(char: str) -> bool:
    """Whether ``unicode61`` keeps ``char`` in a token (letters and digits)."""
    return unicodedata.category(char)[0] in "LN"


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
        [(row[0], _indexed(row[1] or ""), _indexed(row[2])) for row in rows],
    )


def _indexed(text: str) -> str:
    return space_cjk(text.replace(_OPEN, "").replace(_CLOSE, ""))


def has_pending(conn: sqlite3.Connection) -> bool:
    """Whether articles wait in ``article_fts_pending`` to be indexed (those stored
    before the index existed, listed by migration 8)."""
    return conn.execute("SELECT 1 FROM article_fts_pending LIMIT 1").fetchone() is not None


def count_pending(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM article_fts_pending").fetchone()[0])


def index_pending(conn: sqlite3.Connection, limit: int) -> int:
    """Index up to ``limit`` of the pending articles and take them off the list;
    returns how many were taken (0: none is left)."""
    ids = [
        int(row[0])
        for row in conn.execute(
            "SELECT article_id FROM article_fts_pending ORDER BY article_id LIMIT ?", (limit,)
        )
    ]
    index_articles(conn, ids)
    marks = ",".join("?" * len(ids))
    conn.execute(f"DELETE FROM article_fts_pending WHERE article_id IN ({marks})", tuple(ids))
    return len(ids)


#: Matching non-duplicates. The article columns read come from the ``article_search``
#: index: reading the table would read whole texts.
_MATCHES = (
    " FROM article_fts JOIN article a INDEXED BY article_search ON a.id = article_fts.rowid"
    " WHERE article_fts MATCH ? AND a.duplicate_of IS NULL"
)


def search(conn: sqlite3.Connection, expression: str, limit: int, offset: int) -> SearchRows:
    """Non-duplicate articles matching ``expression`` (from :func:`match_expression`),
    best first (``bm25``, titles weighted above text), ties newest first."""
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
        (_OPEN, _CLOSE, SNIPPET_TOKENS, expression, *ids),
    )
    return {int(row[0]): str(row[1] or "") for row in rows}


def parse_snippet(raw: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A raw FTS5 snippet → its plain text (CJK separators removed, runs of white space
    made one space) and the matches in it as ``(start, end)`` character offsets,
    adjacent matches merged."""
    text: list[str] = []
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for char in raw:
        if char == _SEPARATOR:
            continue
        if char == _OPEN:
            start = len(text)
        elif char == _CLOSE and start is not None:
            end = len(text)
            if spans and spans[-1][1] == start:
                start = spans.pop()[0]
            if end > start:
                spans.append((start, end))
            start = None
        elif char.isspace():
            if text and text[-1] != " ":
                text.append(" ")
        else:
            text.append(char)
    return "".join(text), tuple(spans)
