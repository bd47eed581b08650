"""PostgreSQL full-text search over articles (a ``tsvector`` per article, GIN-indexed).

The same behaviour as SQLite's FTS5 index (:mod:`tidings.store.sqlite_search`):
every term of a reader's query must match (a quoted phrase as a phrase), the last
word also as a prefix, CJK words as phrases of characters, accents ignored, titles
weighted above text, duplicates left out by their current ``duplicate_of``. The
``simple`` text search configuration is used (no stemming, no stop words: articles
are in many languages), and accents are removed in Python on both sides, so no
extension (``unaccent``) is needed. Snippets are cut in Python from the stored text
around the first match, with the matches marked as SQLite's ``snippet()`` marks them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from tidings.store.search_text import (
    CJK_RANGES,
    CLOSE,
    OPEN,
    SEPARATOR,
    SNIPPET_TOKENS,
    TITLE_WEIGHT,
    QueryTerms,
    SearchRows,
    indexed_text,
    query_terms,
)
from tidings.store.sql_types import Connection

#: Characters of an article's text indexed (a tsvector holds at most 1 MB).
MAX_INDEXED_CHARS = 100_000
#: Tokens shown before the first match in a snippet.
_LEAD_TOKENS = 6
#: A token as the ``simple`` parser reads one: a CJK character, or a run of word
#: characters (letters, digits) that are not CJK.
_TOKEN = re.compile(rf"[{CJK_RANGES}]|(?:(?![{CJK_RANGES}])[^\W_])+")


#: Characters PostgreSQL's parser reads as the start of an HTML tag or entity (whose
#: words it would then not index): spaces to it.
_MARKUP = str.maketrans({"<": " ", ">": " ", "&": " "})


def fold(text: str) -> str:
    """Text as indexed and searched: accents removed (``café`` → ``cafe``), markup
    characters made spaces, the rest kept."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_MARKUP))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def index_articles(conn: Connection, article_ids: Sequence[int]) -> None:
    """(Re)index these articles from their stored title and text."""
    if not article_ids:
        return
    marks = ",".join("?" * len(article_ids))
    rows = conn.execute(
        f"SELECT id, title, text FROM article WHERE id IN ({marks})", tuple(article_ids)
    ).fetchall()
    conn.executemany(
        "INSERT INTO article_fts (article_id, document) VALUES (?,"
        " setweight(to_tsvector('simple', ?), 'A') || setweight(to_tsvector('simple', ?), 'D'))"
        " ON CONFLICT (article_id) DO UPDATE SET document = excluded.document",
        [
            (
                row[0],
                fold(indexed_text(row[1] or "")),
                fold(indexed_text(row[2][:MAX_INDEXED_CHARS])),
            )
            for row in rows
        ],
    )


def _tsquery(parsed: QueryTerms) -> tuple[str, list[str]]:
    """The SQL expression of a query (all terms must match) and its parameters."""
    parts: list[str] = []
    params: list[str] = []
    for i, term in enumerate(parsed.terms):
        folded = fold(term)
        if parsed.prefix and i == len(parsed.terms) - 1:
            words = [w.lower() for w in _TOKEN.findall(folded)]
            if words:
                quoted = ["'" + w.replace("\\", "\\\\").replace("'", "''") + "'" for w in words]
                parts.append("to_tsquery('simple', ?)")
                params.append(" <-> ".join(quoted) + ":*")
                continue
        parts.append("phraseto_tsquery('simple', ?)")
        params.append(folded)
    return " && ".join(parts), params


def search(conn: Connection, query: str, limit: int, offset: int) -> SearchRows | None:
    """Non-duplicate articles matching a reader's query, best first (``ts_rank``,
    titles weighted above text), ties newest first; None when it has nothing to search."""
    parsed = query_terms(query)
    if parsed is None:
        return None
    expression, params = _tsquery(parsed)
    matches = (
        f" FROM article_fts f JOIN article a ON a.id = f.article_id,"
        f" (SELECT {expression} AS query) q"
        " WHERE f.document @@ q.query AND a.duplicate_of IS NULL"
    )
    # weights of D, C, B, A lexemes (at most 1 each): the title's A is TITLE_WEIGHT
    # times the text's D
    text_weight = 1.0 / TITLE_WEIGHT
    weights = "{" + f"{text_weight}, {text_weight}, {text_weight}, 1.0" + "}"
    ids = [
        int(row[0])
        for row in conn.execute(
            "SELECT a.id" + matches + " ORDER BY ts_rank(?::float4[], f.document, q.query) DESC,"
            " a.sort_at DESC, a.id DESC LIMIT ? OFFSET ?",
            (*params, weights, limit + 1, offset),
        )
    ]
    total = int(conn.execute("SELECT COUNT(*)" + matches, params).fetchone()[0])
    page = ids[:limit]
    texts: dict[int, str] = {}
    if page:
        marks = ",".join("?" * len(page))
        rows = conn.execute(f"SELECT id, text FROM article WHERE id IN ({marks})", page)
        texts = {int(row[0]): str(row[1]) for row in rows}
    return SearchRows(
        rows=[(i, snippet(texts.get(i, ""), parsed)) for i in page],
        total=total,
        next_offset=offset + limit if len(ids) > limit else None,
    )


def snippet(text: str, parsed: QueryTerms) -> str:
    """A raw snippet (matches between the OPEN and CLOSE markers, ``…`` where cut) of
    about :data:`SNIPPET_TOKENS` tokens of ``text`` from just before its first match."""
    tokens = [(m.start(), m.end(), fold(m.group()).casefold()) for m in _TOKEN.finditer(text)]
    if not tokens:
        return ""
    words = [t[2] for t in tokens]
    marked = [False] * len(tokens)
    for i, term in enumerate(parsed.terms):
        wanted = [fold(w).casefold() for w in _TOKEN.findall(term.replace(SEPARATOR, ""))]
        if not wanted:
            continue
        prefix = parsed.prefix and i == len(parsed.terms) - 1
        for start in range(len(words) - len(wanted) + 1):
            if _matches(words[start : start + len(wanted)], wanted, prefix=prefix):
                for k in range(start, start + len(wanted)):
                    marked[k] = True
    first = next((k for k, on in enumerate(marked) if on), 0)
    begin = max(0, first - _LEAD_TOKENS)
    end = min(len(tokens), begin + SNIPPET_TOKENS)
    out: list[str] = ["…"] if begin > 0 else []
    position = tokens[begin][0]
    for k in range(begin, end):
        start, stop, _ = tokens[k]
        out.append(text[position:start])
        piece = text[start:stop]
        out.append(f"{OPEN}{piece}{CLOSE}" if marked[k] else piece)
        position = stop
    if end < len(tokens):
        out.append("…")
    return "".join(out)


def _matches(words: Sequence[str], wanted: Sequence[str], *, prefix: bool) -> bool:
    last = len(wanted) - 1
    return all(
        words[k].startswith(w) if prefix and k == last else words[k] == w
        for k, w in enumerate(wanted)
    )
