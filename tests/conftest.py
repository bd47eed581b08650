"""Fixtures for every test package: stores on the backend this run was asked for."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.stores import TestStores


@pytest.fixture
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestStores]:
    """Databases by name for one test (SQLite files, or PostgreSQL databases)."""
    made = TestStores(tmp_path_factory.mktemp("stores"))
    yield made
    made.close()


@pytest.fixture(scope="module")
def module_stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestStores]:
    """The same, shared by a module's tests (for module-scoped sites)."""
    made = TestStores(tmp_path_factory.mktemp("stores"))
    yield made
    made.close()
