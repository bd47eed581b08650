"""``tidings store copy --to URL``: copy the whole store into another, empty one (from
SQLite to PostgreSQL when a deployment outgrows one machine; see docs/operations.md)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from tidings.config import Settings


def add_parser(sub: Any) -> None:
    store = sub.add_parser("store", help="the store itself: copy it to another database")
    ssub = store.add_subparsers(dest="store_command", metavar="STORE_COMMAND", required=True)
    copy = ssub.add_parser(
        "copy", help="copy every row into another, empty database (e.g. SQLite to PostgreSQL)"
    )
    copy.add_argument("--to", required=True, metavar="URL", help="the target database URL")
    copy.add_argument("--json", action="store_true", help="print rows copied per table as JSON")
    copy.set_defaults(handler=_copy)


def _copy(args: argparse.Namespace, settings: Settings) -> int:
    from tidings.cli import _open_store, progress_line
    from tidings.errors import StoreError
    from tidings.store import open_store
    from tidings.store.copy import copy_store
    from tidings.store.sql import SQLStore

    source = _open_store(settings)
    try:
        target = open_store(args.to)
    except StoreError:
        source.close()
        raise
    try:
        if not isinstance(source, SQLStore) or not isinstance(target, SQLStore):
            print("both stores must be SQL stores", file=sys.stderr)
            return 1
        with progress_line() as progress:
            task = progress.add_task("copying", total=None)
            copied = copy_store(
                source,
                target,
                on_progress=lambda table, rows: progress.update(
                    task, description=f"copying {table}: {rows:,} rows"
                ),
            )
    finally:
        source.close()
        target.close()
    if args.json:
        print(json.dumps(copied))
    else:
        for table, rows in copied.items():
            print(f"{table:16} {rows:>10,}")
    return 0
