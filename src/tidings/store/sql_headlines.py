"""Statements for headline candidates and the event log's consumers.

Functions over an open connection; :class:`tidings.store.sql.SQLStore` calls them
inside its transactions, so ``sql.py`` stays about articles and stories.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from tidings.errors import NotFoundError
from tidings.records import (
    Event,
    FaithfulnessVerdict,
    HeadlineCandidate,
    HeadlineDelta,
    HeadlineOrigin,
    StoredHeadline,
)
from tidings.store.base import NewEvent
from tidings.store.sql_types import Connection, Row
from tidings.timestamps import utcnow_iso

#: Articles whose candidates are due: never built, or a representative whose story
#: changed since (new members bring their titles; the representative may change).
NEEDING_HEADLINES = """
    SELECT a.id FROM article a
    JOIN article_nlp n ON n.article_id = a.id
    LEFT JOIN story_member m ON m.article_id = a.id
    LEFT JOIN story s ON s.id = m.story_id
    WHERE a.duplicate_of IS NULL
      AND (n.headlines_at IS NULL
           OR (s.representative_id = a.id AND s.updated_at > n.headlines_at))
    ORDER BY a.id
    LIMIT ?
"""


def record_events(conn: Connection, events: Sequence[NewEvent]) -> int:
    now = utcnow_iso()
    conn.executemany(
        "INSERT INTO event (kind, article_id, reader, data, created_at) VALUES (?, ?, ?, ?, ?)",
        [
            (e.kind, e.article_id, e.reader, json.dumps(e.data, ensure_ascii=False), now)
            for e in events
        ],
    )
    return len(events)


def events_after(
    conn: Connection, after_id: int, kinds: Sequence[str] | None, limit: int
) -> list[Event]:
    sql = "SELECT * FROM event WHERE id > ?"
    params: list[object] = [after_id]
    if kinds:
        # ``kind || ''``: SQLite would otherwise read the kinds through the event_kind
        # index, i.e. every event of those kinds ever logged, and sort them, on every
        # call (42 ms at 300,000 events, growing with the log); the id range reads only
        # new events (SQLite's own ``+kind`` idiom is not SQL PostgreSQL reads)
        sql += f" AND kind || '' IN ({','.join('?' * len(kinds))})"
        params.extend(kinds)
    sql += " ORDER BY id LIMIT ?"
    params.append(limit)
    return [
        Event(
            id=int(row["id"]),
            kind=row["kind"],
            article_id=row["article_id"],
            reader=row["reader"],
            data=_json_object(row["data"]),
            created_at=row["created_at"],
        )
        for row in conn.execute(sql, params)
    ]


def event_cursor(conn: Connection, consumer: str) -> int:
    row = conn.execute("SELECT last_id FROM event_cursor WHERE consumer = ?", (consumer,))
    found = row.fetchone()
    return int(found[0]) if found else 0


def save_headlines(
    conn: Connection,
    article_id: int,
    story_id: int | None,
    checked: Sequence[tuple[HeadlineCandidate, str | None, bool]],
) -> None:
    now = utcnow_iso()
    for candidate, language, eligible in checked:
        verdict = candidate.faithfulness
        conn.execute(
            """
            INSERT INTO headline (article_id, story_id, text, origin, author,
                source_article_id, language, clickbait, supported, support, reasons,
                eligible, created_at, checked_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (article_id, text) DO UPDATE SET
                story_id = excluded.story_id, origin = excluded.origin,
                author = excluded.author, source_article_id = excluded.source_article_id,
                language = excluded.language, clickbait = excluded.clickbait,
                supported = excluded.supported, support = excluded.support,
                reasons = excluded.reasons, eligible = excluded.eligible,
                checked_at = excluded.checked_at
            """,
            (
                article_id,
                story_id,
                candidate.text,
                candidate.origin.value,
                candidate.author,
                candidate.article_id,
                language,
                candidate.clickbait,
                int(bool(verdict and verdict.supported)),
                verdict.support if verdict else None,
                json.dumps(list(verdict.reasons) if verdict else [], ensure_ascii=False),
                int(eligible),
                now,
                now,
            ),
        )
    # microseconds, as the story's updated_at it is compared with
    checked_at = datetime.now(UTC).isoformat(timespec="microseconds")
    conn.execute(
        "UPDATE article_nlp SET headlines_at = ? WHERE article_id = ?", (checked_at, article_id)
    )


def headlines_of(conn: Connection, article_ids: Sequence[int]) -> dict[int, list[StoredHeadline]]:
    out: dict[int, list[StoredHeadline]] = {}
    ids = list(dict.fromkeys(article_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = conn.execute(
            f"SELECT * FROM headline WHERE article_id IN ({','.join('?' * len(chunk))})"
            " ORDER BY id",
            chunk,
        )
        for row in rows:
            out.setdefault(int(row["article_id"]), []).append(stored_headline(row))
    return out


def get_headline(conn: Connection, headline_id: int) -> StoredHeadline:
    row = conn.execute("SELECT * FROM headline WHERE id = ?", (headline_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"no headline with id {headline_id}")
    return stored_headline(row)


def apply_headline_deltas(
    conn: Connection,
    deltas: Mapping[int, HeadlineDelta],
    *,
    consumer: str,
    expected_cursor: int,
    new_cursor: int,
) -> bool:
    if event_cursor(conn, consumer) != expected_cursor:
        return False
    conn.executemany(
        """
        UPDATE headline SET impressions = impressions + ?, clicks = clicks + ?,
            pending_clicks = CASE WHEN pending_clicks + ? > 0 THEN pending_clicks + ? ELSE 0 END,
            reward = CASE WHEN reward + ? > 0 THEN reward + ? ELSE 0 END
        WHERE id = ?
        """,
        [
            (
                d.impressions,
                d.clicks,
                d.pending_clicks,
                d.pending_clicks,
                d.reward,
                d.reward,
                headline_id,
            )
            for headline_id, d in deltas.items()
        ],
    )
    advance_cursor(conn, consumer, new_cursor)
    return True


def advance_cursor(conn: Connection, consumer: str, last_id: int) -> None:
    conn.execute(
        "INSERT INTO event_cursor (consumer, last_id) VALUES (?, ?)"
        " ON CONFLICT (consumer) DO UPDATE SET last_id = excluded.last_id",
        (consumer, last_id),
    )


def stored_headline(row: Row) -> StoredHeadline:
    supported = bool(row["supported"])
    support = row["support"]
    verdict = (
        FaithfulnessVerdict(
            supported=supported,
            support=float(support),
            reasons=tuple(str(r) for r in json.loads(row["reasons"] or "[]")),
        )
        if support is not None
        else None
    )
    return StoredHeadline(
        id=int(row["id"]),
        article_id=int(row["article_id"]),
        story_id=row["story_id"],
        candidate=HeadlineCandidate(
            text=row["text"],
            origin=HeadlineOrigin(row["origin"]),
            article_id=row["source_article_id"],
            author=row["author"],
            clickbait=row["clickbait"],
            faithfulness=verdict,
        ),
        language=row["language"],
        eligible=bool(row["eligible"]),
        impressions=int(row["impressions"]),
        clicks=int(row["clicks"]),
        pending_clicks=int(row["pending_clicks"]),
        reward=float(row["reward"]),
    )


def _json_object(raw: str | None) -> dict[str, object]:
    try:
        value = json.loads(raw or "{}")
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}
