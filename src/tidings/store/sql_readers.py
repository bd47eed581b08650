"""Statements for readers (controls, settings, profiles), model state and the
candidate stories of a feed. Functions over an open connection, like
:mod:`tidings.store.sql_headlines`."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from tidings.records import FeedCandidate, ReaderControls, ReaderProfile
from tidings.store.sql_headlines import advance_cursor, event_cursor
from tidings.store.sql_types import Connection
from tidings.timestamps import utcnow_iso
from tidings.urls import host_of

CONTROL_KINDS = ("source", "topic", "entity", "keyword", "story")
CONTROL_ACTIONS = ("mute", "boost")


def reader_controls(conn: Connection, reader: str) -> ReaderControls:
    muted: set[tuple[str, str]] = set()
    boosted: set[tuple[str, str]] = set()
    hidden: set[int] = set()
    for row in conn.execute(
        "SELECT kind, value, action FROM reader_control WHERE reader = ?", (reader,)
    ):
        kind, value, action = row["kind"], row["value"], row["action"]
        if kind == "story":
            if action == "mute" and str(value).isdigit():
                hidden.add(int(value))
        elif action == "mute":
            muted.add((kind, value))
        else:
            boosted.add((kind, value))
    setting = conn.execute(
        "SELECT personalized, region FROM reader_setting WHERE reader = ?", (reader,)
    ).fetchone()
    return ReaderControls(
        personalized=bool(setting["personalized"]) if setting else True,
        muted=frozenset(muted),
        boosted=frozenset(boosted),
        hidden=frozenset(hidden),
        region=setting["region"] if setting else None,
    )


def set_control(conn: Connection, reader: str, kind: str, value: str, action: str | None) -> None:
    if kind not in CONTROL_KINDS:
        raise ValueError(f"unknown control kind {kind!r} (one of {', '.join(CONTROL_KINDS)})")
    if action is None:
        conn.execute(
            "DELETE FROM reader_control WHERE reader = ? AND kind = ? AND value = ?",
            (reader, kind, value),
        )
        return
    if action not in CONTROL_ACTIONS:
        raise ValueError(f"unknown control action {action!r} (mute or boost)")
    conn.execute(
        "INSERT INTO reader_control (reader, kind, value, action, created_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (reader, kind, value)"
        " DO UPDATE SET action = excluded.action",
        (reader, kind, value, action, utcnow_iso()),
    )


def set_personalized(conn: Connection, reader: str, on: bool) -> None:
    conn.execute(
        "INSERT INTO reader_setting (reader, personalized, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (reader) DO UPDATE SET personalized = excluded.personalized,"
        " updated_at = excluded.updated_at",
        (reader, int(on), utcnow_iso()),
    )


def set_region(conn: Connection, reader: str, region: str | None) -> None:
    if region is not None and not re.fullmatch(r"[A-Z]{2}", region):
        raise ValueError(f"region must be an ISO 3166-1 alpha-2 code, not {region!r}")
    conn.execute(
        "INSERT INTO reader_setting (reader, region, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (reader) DO UPDATE SET region = excluded.region,"
        " updated_at = excluded.updated_at",
        (reader, region, utcnow_iso()),
    )


def regional_clicks(conn: Connection, clicks_after: str) -> dict[str, dict[int, int]]:
    """Region → story id → clicks since ``clicks_after`` by readers of that region."""
    out: dict[str, dict[int, int]] = {}
    for row in conn.execute(
        "SELECT s.region, m.story_id, COUNT(*) FROM event e"
        " JOIN reader_setting s ON s.reader = e.reader"
        " JOIN story_member m ON m.article_id = e.article_id"
        " WHERE e.kind = 'click' AND e.created_at >= ? AND s.region IS NOT NULL"
        " GROUP BY s.region, m.story_id",
        (clicks_after,),
    ):
        out.setdefault(str(row[0]), {})[int(row[1])] = int(row[2])
    return out


def reader_profiles(conn: Connection, readers: Sequence[str]) -> dict[str, ReaderProfile]:
    out: dict[str, ReaderProfile] = {}
    unique = list(dict.fromkeys(readers))
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        rows = conn.execute(
            f"SELECT * FROM reader_profile WHERE reader IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        for row in rows:
            data = json.loads(row["data"] or "{}")
            out[row["reader"]] = ReaderProfile(
                reader=row["reader"],
                topics=dict(data.get("topics", {})),
                sources=dict(data.get("sources", {})),
                entities=dict(data.get("entities", {})),
                interest=row["interest"],
                read=frozenset(int(x) for x in data.get("read", [])),
                events=int(data.get("events", 0)),
            )
    return out


def save_learning(
    conn: Connection,
    profiles: Sequence[ReaderProfile],
    models: Mapping[str, bytes],
    *,
    consumer: str,
    expected_cursor: int,
    new_cursor: int,
) -> bool:
    if event_cursor(conn, consumer) != expected_cursor:
        return False
    now = utcnow_iso()
    for p in profiles:
        data = {
            "topics": p.topics,
            "sources": p.sources,
            "entities": p.entities,
            "read": sorted(p.read)[-2000:],
            "events": p.events,
        }
        conn.execute(
            "INSERT INTO reader_profile (reader, data, interest, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (reader) DO UPDATE SET data = excluded.data,"
            " interest = excluded.interest, updated_at = excluded.updated_at",
            (p.reader, json.dumps(data, ensure_ascii=False), p.interest, now),
        )
    for name, blob in models.items():
        conn.execute(
            "INSERT INTO model_state (name, data, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET data = excluded.data,"
            " updated_at = excluded.updated_at",
            (name, blob, now),
        )
    advance_cursor(conn, consumer, new_cursor)
    return True


def load_model(conn: Connection, name: str) -> bytes | None:
    row = conn.execute("SELECT data FROM model_state WHERE name = ?", (name,)).fetchone()
    return bytes(row[0]) if row else None


POOL_STORIES = """
    SELECT s.id AS story_id, s.size, s.last_published, s.updated_at,
           a.id AS article_id, a.title, a.url, a.site_name, a.published_at, a.created_at,
           src.title AS source_title, n.topic, n.embedding, n.entities, n.keywords
    FROM story s
    JOIN article a ON a.id = s.representative_id
    LEFT JOIN article_nlp n ON n.article_id = a.id
    LEFT JOIN source src ON src.id = a.source_id
    WHERE a.duplicate_of IS NULL
      AND (CAST(? AS TEXT) IS NULL OR s.last_published >= ?
           OR (s.last_published IS NULL AND a.created_at >= ?))
      AND (CAST(? AS TEXT) IS NULL OR s.updated_at > ?)
    ORDER BY COALESCE(s.last_published, a.created_at) DESC, s.id DESC
"""

#: The stories the given articles belong to, shown through those articles.
STORIES_OF_ARTICLES = """
    SELECT COALESCE(s.id, -a.id) AS story_id, COALESCE(s.size, 1) AS size,
           s.last_published, s.updated_at,
           a.id AS article_id, a.title, a.url, a.site_name, a.published_at, a.created_at,
           src.title AS source_title, n.topic, n.embedding, n.entities, n.keywords
    FROM article a
    LEFT JOIN story_member m ON m.article_id = a.id
    LEFT JOIN story s ON s.id = m.story_id
    LEFT JOIN article_nlp n ON n.article_id = a.id
    LEFT JOIN source src ON src.id = a.source_id
    WHERE a.id IN ({marks})
"""


def _candidate(item: Mapping[str, object], outlets: Sequence[str] | None) -> FeedCandidate:
    source = (
        item["site_name"] or item["source_title"] or host_of(str(item["url"] or "")) or "unknown"
    )
    entities = [e.get("normalized") for e in json.loads(str(item["entities"] or "[]"))]
    embedding = item["embedding"]
    return FeedCandidate(
        story_id=int(str(item["story_id"])),
        article_id=int(str(item["article_id"])),
        title=str(item["title"]) if item["title"] is not None else None,
        topic=str(item["topic"]) if item["topic"] is not None else None,
        source=str(source),
        outlets=tuple(outlets or (str(source),)),
        entities=tuple(e for e in entities if isinstance(e, str)),
        keywords=tuple(json.loads(str(item["keywords"] or "[]"))),
        published_at=str(item["published_at"] or item["created_at"]),
        story_size=int(str(item["size"] or 1)),
        embedding=bytes(embedding) if isinstance(embedding, bytes | memoryview) else None,
    )


def story_pool(
    conn: Connection, *, published_after: str | None, changed_after: str | None
) -> list[tuple[FeedCandidate, str]]:
    """Stories newest first (each through its representative, with its outlets) and the
    time each was last changed."""
    rows = conn.execute(
        POOL_STORIES,
        (published_after, published_after, published_after, changed_after, changed_after),
    )
    items = [dict(row) for row in rows]
    outlets = _story_outlets(conn, [int(i["story_id"]) for i in items])
    return [
        (_candidate(item, outlets.get(int(item["story_id"]))), str(item["updated_at"]))
        for item in items
    ]


def stories_of_articles(conn: Connection, article_ids: Sequence[int]) -> dict[int, FeedCandidate]:
    """Article id → its story as a candidate shown through that article (an article in
    no story stands alone, story id ``-article id``)."""
    out: dict[int, FeedCandidate] = {}
    for start in range(0, len(article_ids), 500):
        chunk = list(article_ids[start : start + 500])
        query = STORIES_OF_ARTICLES.format(marks=",".join("?" * len(chunk)))
        items = [dict(row) for row in conn.execute(query, chunk)]
        outlets = _story_outlets(conn, [int(i["story_id"]) for i in items if i["story_id"] > 0])
        for item in items:
            out[int(item["article_id"])] = _candidate(item, outlets.get(int(item["story_id"])))
    return out


def story_activity(
    conn: Connection, *, clicks_after: str, joined_after: str
) -> dict[int, tuple[int, int]]:
    """Story id → (clicks on its members since ``clicks_after``, members that joined
    since ``joined_after``), for stories with either."""
    out: dict[int, tuple[int, int]] = {}
    for row in conn.execute(
        "SELECT m.story_id, COUNT(*) FROM event e"
        " JOIN story_member m ON m.article_id = e.article_id"
        " WHERE e.kind = 'click' AND e.created_at >= ? GROUP BY m.story_id",
        (clicks_after,),
    ):
        out[int(row[0])] = (int(row[1]), 0)
    for row in conn.execute(
        "SELECT m.story_id, COUNT(*) FROM article a JOIN story_member m ON m.article_id = a.id"
        " WHERE a.created_at >= ? GROUP BY m.story_id",
        (joined_after,),
    ):
        clicks = out.get(int(row[0]), (0, 0))[0]
        out[int(row[0])] = (clicks, int(row[1]))
    return out


def _story_outlets(conn: Connection, story_ids: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for start in range(0, len(story_ids), 500):
        chunk = story_ids[start : start + 500]
        rows = conn.execute(
            "SELECT m.story_id, COALESCE(a.site_name, src.title, a.url) AS outlet"
            " FROM story_member m JOIN article a ON a.id = m.article_id"
            " LEFT JOIN source src ON src.id = a.source_id"
            f" WHERE m.story_id IN ({','.join('?' * len(chunk))}) ORDER BY m.position",
            chunk,
        )
        for row in rows:
            outlet = row["outlet"] or ""
            if outlet.startswith(("http://", "https://")):
                outlet = host_of(outlet) or outlet
            names = out.setdefault(int(row["story_id"]), [])
            if outlet and outlet not in names:
                names.append(outlet)
    return out


CO_READ = """
    WITH mine AS (
        SELECT article_id FROM event
        WHERE reader = ? AND kind = 'click' AND article_id IS NOT NULL
        GROUP BY article_id ORDER BY MAX(id) DESC LIMIT 50
    ),
    peers AS (
        SELECT DISTINCT reader FROM event
        WHERE kind = 'click' AND reader IS NOT NULL AND reader != ?
          AND article_id IN (SELECT article_id FROM mine)
        LIMIT 300
    )
    SELECT e.article_id, COUNT(DISTINCT e.reader) AS readers FROM event e
    WHERE e.kind = 'click' AND e.reader IN (SELECT reader FROM peers)
      AND e.article_id IS NOT NULL AND e.article_id NOT IN (SELECT article_id FROM mine)
    GROUP BY e.article_id
    ORDER BY readers DESC, e.article_id DESC
    LIMIT ?
"""


def co_read(conn: Connection, reader: str, limit: int) -> dict[int, int]:
    """Articles read by readers who read what ``reader`` read (article id → how many
    such readers), the reader's own reads left out."""
    return {int(row[0]): int(row[1]) for row in conn.execute(CO_READ, (reader, reader, limit))}
