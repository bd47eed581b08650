"""``tidings store copy``: a whole store into another, empty one (SQLite to the test
run's engine: another SQLite file, or PostgreSQL when the suite runs on it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pipeline.test_process import QUAKE_EN, QUAKE_ZH, add
from tests.stores import TestStores
from tests.test_cli import tidings
from tidings.errors import StoreError
from tidings.pipeline.headlines import HeadlineJob
from tidings.pipeline.process import ProcessJob
from tidings.records import SourceKind, SourceSpec
from tidings.store import FetchLog, NewEvent, NewURL, SQLiteStore, Store
from tidings.store.base import ItemFilter
from tidings.store.copy import copy_store
from tidings.store.sql import SQLStore


def filled(path: Path) -> SQLiteStore:
    store = SQLiteStore(path)
    source, _ = store.add_source(SourceSpec("http://a.example/feed", SourceKind.FEED))
    store.enqueue([NewURL("http://a.example/1", "a.example", SourceKind.PAGE, source.id)])
    store.log_fetch(FetchLog("http://a.example/1", source.id, "article", 200, body=b"<p>x</p>"))
    quake = add(store, "http://a.example/quake", *QUAKE_EN, "en", "2024-03-09T08:00:00+00:00")
    add(store, "http://b.example/quake", *QUAKE_ZH, "zh", "2024-03-09T09:00:00+00:00")
    # an exact copy published earlier: the original, so the first points at a later id
    add(store, "http://c.example/quake", *QUAKE_EN, "en", "2024-03-09T07:00:00+00:00")
    ProcessJob(store).run()
    HeadlineJob(store).run()
    store.record_events([NewEvent("click", article_id=quake, reader="ann")])
    account = store.create_account("ann", "hash", fever_key="fk")
    store.subscribe(account.id, source.id, folder="News")
    store.set_article_state(account.id, [quake], starred=True)
    return store


def snapshot(store: Store) -> dict[str, object]:
    articles = store.list_articles(include_duplicates=True, limit=100).items
    return {
        "sources": [(s.id, s.url, s.article_count) for s in store.list_sources()],
        "frontier": store.frontier_counts(),
        "articles": [(a.id, a.url, a.title, a.duplicate_of) for a in articles],
        "stories": [(s.id, s.members, s.representative) for s in store.load_stories()],
        "headlines": {
            i: sorted((h.id, h.candidate.text, h.eligible) for h in hs)
            for i, hs in store.headlines_of([a.id for a in articles]).items()
        },
        "events": store.count_events(),
        "accounts": [(a.id, a.username, a.reader) for a in store.list_accounts()],
        "starred": store.reader_item_ids(1, ItemFilter(starred=True)),
        "raw": store.raw_html(articles[0].id),
    }


def test_a_copy_holds_every_row_with_its_id_and_goes_on_from_there(
    tmp_path: Path, stores: TestStores
) -> None:
    source = filled(tmp_path / "source.db")
    target = stores.open("copy")
    assert isinstance(target, SQLStore)
    copied = copy_store(source, target)
    assert copied["article"] == 3 and copied["account"] == 1 and copied["headline"] > 0
    assert snapshot(target) == snapshot(source)
    assert [h.article.id for h in target.search_articles("地震").hits] == [
        h.article.id for h in source.search_articles("地震").hits
    ]
    assert target.search_articles("earthquake").total == 1  # duplicates stay out
    # ids the target assigns next come after the copied ones
    new, _ = target.add_source(SourceSpec("http://z.example/feed", SourceKind.FEED))
    assert new.id > max(s.id for s in source.list_sources())
    event = target.record_event("click", reader="bob")
    assert event > source.count_events()
    # a second copy into a store that has rows is refused
    with pytest.raises(StoreError, match="not empty"):
        copy_store(source, target)
    source.close()


def test_tidings_store_copy_command(tmp_path: Path, stores: TestStores) -> None:
    source = filled(tmp_path / "source.db")
    source.close()
    target_url = stores.url("copy")
    done = tidings(
        "--database-url", str(tmp_path / "source.db"), "store", "copy", "--to", target_url,
        "--json", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert '"article": 3' in done.stdout
    assert stores.open("copy").count_articles(include_duplicates=True) == 3
