"""``tidings ingest``: process WARC archives (the crawler's own, Common Crawl's CC-NEWS,
any crawler's) as if their pages had been crawled, then run the language and headline
stages over what is new."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tidings.config import Settings


def add_parser(sub: Any) -> None:
    ingest = sub.add_parser(
        "ingest", help="extract and store the pages of WARC archives (.warc or .warc.gz)"
    )
    ingest.add_argument("files", nargs="+", type=Path, metavar="FILE")
    ingest.add_argument("--json", action="store_true", help="print the run's figures as JSON")
    ingest.add_argument(
        "--no-process", action="store_true", help="skip language processing afterwards"
    )
    ingest.set_defaults(handler=_ingest)


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from tidings.cli import (
        _open_store,
        open_executor,
        progress_line,
        run_figures,
        run_later_stages,
    )
    from tidings.pipeline.ingest import IngestStats

    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        print(f"tidings: no such file: {', '.join(missing)}", file=sys.stderr)
        return 1
    store = _open_store(settings)
    try:
        with open_executor(settings) as executor:
            with progress_line() as progress:
                task = progress.add_task("ingesting", total=None)

                def on_progress(stats: IngestStats) -> None:
                    progress.update(
                        task,
                        description=f"ingesting: {stats.responses} responses, "
                        f"{stats.articles_new} new articles, {stats.duplicates} duplicates",
                    )

                stats = executor.ingest(store, args.files, on_progress=on_progress)
            processed, headlines = run_later_stages(
                store, settings, skip=args.no_process, executor=executor
            )
    finally:
        store.close()
    if args.json:
        print(json.dumps(run_figures(stats, processed, headlines)))
    else:
        print(
            f"Ingested {stats.archives} archives in {stats.elapsed:.1f}s: "
            f"{stats.responses} responses, {stats.articles_new} new articles, "
            f"{stats.articles_updated} updated, {stats.duplicates} duplicates, "
            f"{sum(stats.not_articles.values())} not articles, "
            f"{sum(stats.not_pages.values())} not pages, {stats.records_skipped} other records"
            + (f"; damaged: {', '.join(stats.damaged)}" if stats.damaged else "")
        )
    return 0
