"""Statements for accounts, their sessions, subscriptions and read/starred
articles. Functions over an open connection, like :mod:`tidings.store.sql_readers`.

Which articles an account sees: those of the sources it subscribes to, less an article
that duplicates another article it also subscribes to (cross-feed dedupe: one story
reported by two subscribed feeds with the same text shows once), plus anything it
starred.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from typing import Any

from tidings.errors import ConflictError, NotFoundError
from tidings.records import Account
from tidings.store.base import ItemFilter
from tidings.store.sql_types import Connection, Row
from tidings.timestamps import utcnow_iso

_ACCOUNT_COLUMNS = "id, username, reader, is_admin, created_at"


def _account(row: Row) -> Account:
    return Account(
        id=int(row["id"]),
        username=row["username"],
        reader=row["reader"],
        is_admin=bool(row["is_admin"]),
        created_at=row["created_at"],
    )


def create_account(
    conn: Connection,
    username: str,
    password_hash: str,
    fever_key: str | None,
    *,
    is_admin: bool,
    reader: str | None,
) -> Account:
    if conn.execute("SELECT 1 FROM account WHERE username = ?", (username,)).fetchone():
        raise ConflictError(f"an account named {username!r} exists already")
    row = conn.execute(
        "INSERT INTO account (username, password_hash, fever_key, reader, is_admin, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (
            username,
            password_hash,
            fever_key,
            reader or f"account-{secrets.token_urlsafe(12)}",
            int(is_admin),
            utcnow_iso(),
        ),
    ).fetchall()[0]
    return get_account(conn, int(row[0]))


def get_account(conn: Connection, account_id: int) -> Account:
    row = conn.execute(
        f"SELECT {_ACCOUNT_COLUMNS} FROM account WHERE id = ?", (account_id,)
    ).fetchone()
    if row is None:
        raise NotFoundError(f"no account with id {account_id}")
    return _account(row)


def list_accounts(conn: Connection) -> list[Account]:
    rows = conn.execute(f"SELECT {_ACCOUNT_COLUMNS} FROM account ORDER BY id")
    return [_account(row) for row in rows]


def account_credentials(conn: Connection, username: str) -> tuple[Account, str] | None:
    row = conn.execute(
        f"SELECT {_ACCOUNT_COLUMNS}, password_hash FROM account WHERE username = ?", (username,)
    ).fetchone()
    return (_account(row), row["password_hash"]) if row else None


def account_by_fever_key(conn: Connection, fever_key: str) -> Account | None:
    row = conn.execute(
        f"SELECT {_ACCOUNT_COLUMNS} FROM account WHERE fever_key = ?", (fever_key,)
    ).fetchone()
    return _account(row) if row else None


def set_password(
    conn: Connection, account_id: int, password_hash: str, fever_key: str | None
) -> None:
    cur = conn.execute(
        "UPDATE account SET password_hash = ?, fever_key = ? WHERE id = ?",
        (password_hash, fever_key, account_id),
    )
    if cur.rowcount == 0:
        raise NotFoundError(f"no account with id {account_id}")
    # a new password ends every session opened with the old one
    conn.execute("DELETE FROM auth_session WHERE account_id = ?", (account_id,))


def delete_account(conn: Connection, account_id: int) -> None:
    if conn.execute("DELETE FROM account WHERE id = ?", (account_id,)).rowcount == 0:
        raise NotFoundError(f"no account with id {account_id}")


# --- sessions ---------------------------------------------------------------------


def create_session(
    conn: Connection,
    token_hash: str,
    account_id: int,
    kind: str,
    csrf: str,
    expires_at: str,
) -> None:
    now = utcnow_iso()
    conn.execute("DELETE FROM auth_session WHERE expires_at <= ?", (now,))
    conn.execute(
        "INSERT INTO auth_session (token_hash, account_id, kind, csrf, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (token_hash, account_id, kind, csrf, now, expires_at),
    )


def session(conn: Connection, token_hash: str, kind: str, now: str) -> tuple[Account, str] | None:
    row = conn.execute(
        "SELECT a.id, a.username, a.reader, a.is_admin, a.created_at, s.csrf"
        " FROM auth_session s JOIN account a ON a.id = s.account_id"
        " WHERE s.token_hash = ? AND s.kind = ? AND s.expires_at > ?",
        (token_hash, kind, now),
    ).fetchone()
    return (_account(row), row["csrf"]) if row else None


def delete_session(conn: Connection, token_hash: str) -> None:
    conn.execute("DELETE FROM auth_session WHERE token_hash = ?", (token_hash,))


# --- subscriptions ----------------------------------------------------------------


def subscribe(
    conn: Connection,
    account_id: int,
    source_id: int,
    title: str | None,
    folder: str | None,
) -> None:
    """Subscribe, or change the title and folder of a subscription."""
    conn.execute(
        "INSERT INTO subscription (account_id, source_id, title, folder, created_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id, source_id)"
        " DO UPDATE SET title = excluded.title, folder = excluded.folder",
        (account_id, source_id, title, folder, utcnow_iso()),
    )


def unsubscribe(conn: Connection, account_id: int, source_id: int) -> None:
    conn.execute(
        "DELETE FROM subscription WHERE account_id = ? AND source_id = ?", (account_id, source_id)
    )


def subscription_rows(conn: Connection, account_id: int) -> list[Row]:
    """(source_id, title, folder) of each subscription, in the order they were made."""
    return conn.execute(
        "SELECT source_id, title, folder FROM subscription WHERE account_id = ?"
        " ORDER BY created_at, source_id",
        (account_id,),
    ).fetchall()


# --- read and starred -------------------------------------------------------------


def set_article_state(
    conn: Connection,
    account_id: int,
    article_ids: Sequence[int],
    *,
    read: bool | None,
    starred: bool | None,
) -> int:
    """Mark articles read/unread and/or starred/unstarred; returns how many exist."""
    now = utcnow_iso()
    changed = 0
    for article_id in dict.fromkeys(article_ids):
        if not conn.execute("SELECT 1 FROM article WHERE id = ?", (article_id,)).fetchone():
            continue
        conn.execute(
            "INSERT INTO article_state (account_id, article_id, read, starred, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id, article_id) DO UPDATE SET"
            " read = COALESCE(?, article_state.read), starred = COALESCE(?, article_state.starred),"
            " updated_at = excluded.updated_at",
            (
                account_id,
                article_id,
                int(bool(read)),
                int(bool(starred)),
                now,
                None if read is None else int(read),
                None if starred is None else int(starred),
            ),
        )
        changed += 1
    return changed


def mark_read(conn: Connection, account_id: int, where: ItemFilter) -> int:
    """Mark every article ``where`` selects read (a feed's, a folder's, all, up to a
    time); returns how many were unread."""
    sql, params = _select_items(account_id, where, "a.id", ordered=False)
    cur = conn.execute(
        "INSERT INTO article_state (account_id, article_id, read, starred, updated_at)"
        f" SELECT ?, id, 1, 0, ? FROM ({sql}) AS chosen WHERE true"
        " ON CONFLICT (account_id, article_id) DO UPDATE SET read = 1,"
        " updated_at = excluded.updated_at WHERE article_state.read = 0",
        (account_id, utcnow_iso(), *params),
    )
    return cur.rowcount


def item_rows(conn: Connection, account_id: int, where: ItemFilter) -> list[tuple[int, bool, bool]]:
    """(article id, read, starred) of the articles ``where`` selects, in its order."""
    sql, params = _select_items(
        account_id, where, "a.id, COALESCE(st.read, 0), COALESCE(st.starred, 0)"
    )
    return [(int(i), bool(r), bool(s)) for i, r, s in conn.execute(sql, params)]


def item_times(conn: Connection, account_id: int, where: ItemFilter) -> list[tuple[int, str]]:
    """(article id, crawl time) of the articles ``where`` selects, in its order."""
    sql, params = _select_items(account_id, where, "a.id, a.created_at")
    return [(int(i), created) for i, created in conn.execute(sql, params)]


def unread_counts(conn: Connection, account_id: int) -> dict[int, tuple[int, str]]:
    """source id -> (unread articles, when the newest of them was crawled)."""
    sql, params = _select_items(account_id, ItemFilter(unread=True), "a.id", ordered=False)
    rows = conn.execute(
        f"SELECT a.source_id, COUNT(*), MAX(a.created_at) FROM article a WHERE a.id IN ({sql})"
        " GROUP BY a.source_id",
        params,
    )
    return {int(source): (int(count), newest) for source, count, newest in rows}


def _select_items(
    account_id: int, where: ItemFilter, columns: str, *, ordered: bool = True
) -> tuple[str, list[Any]]:
    params: list[Any] = [account_id]
    if where.starred:
        # starred articles stay readable after their feed is unsubscribed
        sql = (
            f"SELECT {columns} FROM article_state st JOIN article a ON a.id = st.article_id"
            " WHERE st.account_id = ? AND st.starred = 1"
        )
    else:
        sql = (
            f"SELECT {columns} FROM article a"
            " JOIN subscription sub ON sub.source_id = a.source_id AND sub.account_id = ?"
            " LEFT JOIN article_state st ON st.account_id = sub.account_id"
            " AND st.article_id = a.id"
            " WHERE (a.duplicate_of IS NULL OR NOT EXISTS (SELECT 1 FROM article d"
            " JOIN subscription s2 ON s2.source_id = d.source_id AND s2.account_id = ?"
            " WHERE d.id = a.duplicate_of))"
        )
        params.append(account_id)
        if where.source_ids is not None:
            sql += f" AND a.source_id IN ({','.join('?' * len(where.source_ids))})"
            params += where.source_ids
        if where.folder is not None:
            sql += " AND sub.folder = ?"
            params.append(where.folder)
    if where.unread:
        sql += " AND COALESCE(st.read, 0) = 0"
    if where.read:
        sql += " AND st.read = 1"
    if where.ids is not None:
        sql += f" AND a.id IN ({','.join('?' * len(where.ids))})"
        params += where.ids
    if where.crawled_after is not None:
        sql += " AND a.created_at > ?"
        params.append(where.crawled_after)
    if where.crawled_before is not None:
        sql += " AND a.created_at <= ?"
        params.append(where.crawled_before)
    if where.after_id is not None:
        sql += " AND a.id > ?"
        params.append(where.after_id)
    if where.before_id is not None:
        sql += " AND a.id < ?"
        params.append(where.before_id)
    if not ordered:
        return sql, params
    if where.by_id:
        sql += " ORDER BY a.id" + ("" if where.oldest_first else " DESC")
    else:
        direction = "" if where.oldest_first else " DESC"
        sql += f" ORDER BY a.sort_at{direction}, a.id{direction}"
    if where.limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [where.limit, where.offset]
    return sql, params


def article_states(
    conn: Connection, account_id: int, article_ids: Sequence[int]
) -> dict[int, tuple[bool, bool]]:
    """(read, starred) of those of ``article_ids`` that have a state."""
    if not article_ids:
        return {}
    marks = ",".join("?" * len(article_ids))
    rows = conn.execute(
        "SELECT article_id, read, starred FROM article_state"
        f" WHERE account_id = ? AND article_id IN ({marks})",
        (account_id, *article_ids),
    )
    return {int(a): (bool(r), bool(s)) for a, r, s in rows}


def set_account_reader(conn: Connection, account_id: int, reader: str) -> None:
    if (
        conn.execute("UPDATE account SET reader = ? WHERE id = ?", (reader, account_id)).rowcount
        == 0
    ):
        raise NotFoundError(f"no account with id {account_id}")


# --- a reader's own data (export and erasure) -------------------------------------------


def reader_history(conn: Connection, reader: str) -> dict[str, Any]:
    """Everything kept under a reader id, as plain data (for their download)."""
    events = [
        {
            "kind": row["kind"],
            "article_id": row["article_id"],
            "data": json.loads(row["data"] or "{}"),
            "created_at": row["created_at"],
        }
        for row in conn.execute(
            "SELECT kind, article_id, data, created_at FROM event WHERE reader = ? ORDER BY id",
            (reader,),
        )
    ]
    controls = [
        dict(row)
        for row in conn.execute(
            "SELECT kind, value, action, created_at FROM reader_control WHERE reader = ?"
            " ORDER BY created_at",
            (reader,),
        )
    ]
    setting = conn.execute(
        "SELECT personalized, region, updated_at FROM reader_setting WHERE reader = ?", (reader,)
    ).fetchone()
    profile = conn.execute(
        "SELECT data, updated_at FROM reader_profile WHERE reader = ?", (reader,)
    ).fetchone()
    return {
        "reader": reader,
        "events": events,
        "controls": controls,
        "settings": dict(setting) if setting else None,
        "profile": {"data": json.loads(profile["data"]), "updated_at": profile["updated_at"]}
        if profile
        else None,
    }


def account_history(conn: Connection, account_id: int) -> dict[str, Any]:
    """An account's subscriptions and article states, as plain data."""
    subscriptions = [
        dict(row)
        for row in conn.execute(
            "SELECT s.url, s.kind, sub.title, sub.folder, sub.created_at"
            " FROM subscription sub JOIN source s ON s.id = sub.source_id"
            " WHERE sub.account_id = ? ORDER BY sub.created_at",
            (account_id,),
        )
    ]
    states = [
        dict(row)
        for row in conn.execute(
            "SELECT st.article_id, a.url, st.read, st.starred, st.updated_at"
            " FROM article_state st JOIN article a ON a.id = st.article_id"
            " WHERE st.account_id = ? ORDER BY st.article_id",
            (account_id,),
        )
    ]
    return {"subscriptions": subscriptions, "article_states": states}


def delete_reader_history(conn: Connection, reader: str) -> int:
    """Delete the events, controls, settings and profile kept under ``reader``; returns
    how many events went."""
    deleted = conn.execute("DELETE FROM event WHERE reader = ?", (reader,)).rowcount
    for table in ("reader_control", "reader_setting", "reader_profile"):
        conn.execute(f"DELETE FROM {table} WHERE reader = ?", (reader,))
    return deleted
