"""Stores for tests, on the backend the run was asked for.

By default each store is a SQLite file under the test's temporary folder. With
``TIDINGS_TEST_DATABASE_URL=postgresql://…`` (an account that may create databases;
``scripts/postgres`` starts such a server on loopback), each name is a fresh
PostgreSQL database instead, copied from a migrated template and dropped after the
test: the same tests then exercise the PostgreSQL backend.

    def test_x(stores: TestStores) -> None:
        store = stores.open()              # "t.db" unless named
        again = stores.open()              # the same database, a second handle
        env = stores.env("t.db")           # for a CLI subprocess: TIDINGS_DATABASE_URL
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from tidings.store import Store, open_store

#: The server of a PostgreSQL run (empty: SQLite).
ADMIN_URL = os.environ.get("TIDINGS_TEST_DATABASE_URL", "")
TEMPLATE = "tidings_test_template"

_template_ready = False


def postgresql() -> bool:
    """Whether this run puts stores on PostgreSQL."""
    return ADMIN_URL.startswith(("postgresql://", "postgres://"))


class TestStores:
    """Databases by name for one test (or one module): same name, same database."""

    __test__ = False  # not a test class, whatever its name

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._urls: dict[str, str] = {}
        self._opened: list[Store] = []

    def url(self, name: str = "t.db") -> str:
        """The database URL for ``name`` (created on first use)."""
        if name not in self._urls:
            if postgresql():
                self._urls[name] = _create_database()
            else:
                self._urls[name] = str(self.folder / name)
        return self._urls[name]

    def open(self, name: str = "t.db") -> Store:
        """A new handle on ``name``'s database, closed with the fixture."""
        store = open_store(self.url(name))
        self._opened.append(store)
        return store

    def env(self, name: str = "t.db") -> dict[str, str]:
        """The environment that points a CLI or server subprocess at ``name``'s database."""
        return {**os.environ, "TIDINGS_DATABASE_URL": self.url(name)}

    def close(self) -> None:
        for store in self._opened:
            store.close()
        self._opened.clear()
        if postgresql():
            for url in self._urls.values():
                _drop_database(url)
        self._urls.clear()


def _admin_url(database: str) -> str:
    base, _, _ = ADMIN_URL.rpartition("/")
    return f"{base}/{database}"


def _create_database() -> str:
    import psycopg

    global _template_ready
    if not _template_ready:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {TEMPLATE}")
        open_store(_admin_url(TEMPLATE)).close()  # migrated once, copied for each test
        _template_ready = True
    name = f"tidings_test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE} STRATEGY FILE_COPY")
    return _admin_url(name)


def _drop_database(url: str) -> None:
    import psycopg

    name = url.rpartition("/")[2]
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
