"""The ``tidings`` command line."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gzip
import json
import logging
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tidings import __version__, cli_accounts, cli_ingest, cli_store
from tidings.config import Settings
from tidings.errors import TidingsError
from tidings.records import ExtractedArticle, NotAnArticle, SourceKind

log = logging.getLogger("tidings.cli")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help()
        return 2
    overrides: dict[str, Any] = {}
    if args.data_dir is not None:
        overrides["data_dir"] = args.data_dir
    if args.database_url is not None:
        overrides["database_url"] = args.database_url
    try:
        settings = Settings.from_env(**overrides)
    except TidingsError as exc:
        print(f"tidings: {exc}", file=sys.stderr)
        return 2
    _setup_logging(args.log_level or settings.log_level)
    try:
        return int(args.handler(args, settings) or 0)
    except TidingsError as exc:
        print(f"tidings: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tidings",
        description="Tidings: an open, self-hostable news engine. "
        "Crawl feeds, sitemaps and pages; extract articles; serve a reader and an API.",
    )
    parser.add_argument("--version", action="version", version=f"tidings {__version__}")
    parser.add_argument(
        "--data-dir", type=Path, help="where the database lives (env TIDINGS_DATA_DIR; ./data)"
    )
    parser.add_argument(
        "--database-url", help="e.g. sqlite:///data/tidings.db (env TIDINGS_DATABASE_URL)"
    )
    parser.add_argument("--log-level", help="DEBUG, INFO, WARNING... (env TIDINGS_LOG_LEVEL)")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    demo = sub.add_parser(
        "demo", help="run a local demo: a generated news web, crawled, extracted and served"
    )
    demo.add_argument("--port", type=int, default=8000, help="port of the reader (default 8000)")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--seed", type=int, default=7, help="seed of the generated news web")
    demo.add_argument(
        "--no-serve", action="store_true", help="crawl and report, then exit without serving"
    )
    demo.set_defaults(handler=_demo)

    crawl = sub.add_parser("crawl", help="crawl every source once (resumes an interrupted run)")
    crawl.add_argument("--max-pages", type=int, help="stop after this many pages")
    crawl.add_argument("--concurrency", type=int, help="requests in flight across hosts")
    crawl.add_argument("--host-delay", type=float, help="seconds between requests to one host")
    crawl.add_argument(
        "--allow-network",
        action="append",
        default=[],
        metavar="CIDR",
        help="let the crawler reach this private range (e.g. 127.0.0.0/8); repeatable",
    )
    crawl.add_argument("--json", action="store_true", help="print the run's figures as JSON")
    crawl.add_argument(
        "--no-process", action="store_true", help="skip language processing after the crawl"
    )
    crawl.add_argument(
        "--warc", metavar="DIR", help="keep every response fetched as WARC files in DIR"
    )
    crawl.set_defaults(handler=_crawl)

    cli_ingest.add_parser(sub)

    process = sub.add_parser(
        "process",
        help="run language processing (duplicates, stories, entities, topics, summaries) "
        "on every article not processed yet",
    )
    process.add_argument("--json", action="store_true", help="print the run's figures as JSON")
    process.add_argument(
        "--no-headlines", action="store_true", help="skip the headline stage after language"
    )
    process.set_defaults(handler=_process)

    serve = sub.add_parser("serve", help="serve the reader and the JSON API")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 8000)")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes (default 1; one per core serves more feeds per second)",
    )
    serve.set_defaults(handler=_serve)

    extract = sub.add_parser(
        "extract", help="extract articles from saved HTML files (.html or .html.gz)"
    )
    extract.add_argument("files", nargs="+", type=Path, metavar="FILE")
    extract.add_argument("--json", action="store_true", help="one JSON object per file and line")
    extract.add_argument("--url", help="the page's address (only with a single FILE)")
    extract.set_defaults(handler=_extract)

    retrain = sub.add_parser(
        "retrain", help="retrain the feed ranker from the whole event log (batch), then go on"
    )
    retrain.add_argument("--passes", type=int, default=2, help="passes over the log")
    retrain.set_defaults(handler=_retrain)

    clickbait = sub.add_parser(
        "clickbait",
        help="score headlines read from stdin, one per line: prints one score in [0, 1] "
        "per line, in order (1 = clickbait)",
    )
    clickbait.set_defaults(handler=_clickbait)

    headline = sub.add_parser(
        "headline",
        help="headline candidates of an article (HTML page or extracted-article JSON) "
        "with their faithfulness and clickbait scores, and the one chosen",
    )
    headline.add_argument("file", type=Path, metavar="FILE")
    headline.add_argument("--json", action="store_true", help="print one JSON object")
    headline.add_argument("--url", help="the page's address")
    headline.add_argument(
        "--generator",
        help="smollm2, llama-cpp:/path/model.gguf or openai:http://host:port/v1 "
        "(env TIDINGS_HEADLINE_GENERATOR; default: none)",
    )
    headline.set_defaults(handler=_headline)

    sources = sub.add_parser("sources", help="add, list, remove, import and export sources")
    ssub = sources.add_subparsers(title="sources commands", metavar="ACTION")
    add = ssub.add_parser("add", help="add a feed, sitemap or page (feeds are autodiscovered)")
    add.add_argument("url")
    add.add_argument("--kind", choices=[k.value for k in SourceKind], help="skip autodiscovery")
    add.add_argument("--allow-network", action="append", default=[], metavar="CIDR")
    add.set_defaults(handler=_sources_add)
    lst = ssub.add_parser("list", help="list sources with their health")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=_sources_list)
    rm = ssub.add_parser("remove", help="remove a source by id (its articles stay)")
    rm.add_argument("id", type=int)
    rm.set_defaults(handler=_sources_remove)
    imp = ssub.add_parser("import", help="import feeds from an OPML file")
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--account", metavar="USERNAME", help="also subscribe this account, in the file's folders"
    )
    imp.set_defaults(handler=_sources_import)
    exp = ssub.add_parser("export", help="export feeds as OPML (to stdout, or -o FILE)")
    exp.add_argument("-o", "--output", type=Path)
    exp.add_argument(
        "--account", metavar="USERNAME", help="export this account's subscriptions and folders"
    )
    exp.set_defaults(handler=_sources_export)

    cli_accounts.add_parsers(sub)
    cli_store.add_parser(sub)

    status = sub.add_parser("status", help="counts of sources, URLs and articles")
    status.set_defaults(handler=_status)
    return parser


def _setup_logging(level: str) -> None:
    from rich.logging import RichHandler

    logging.basicConfig(
        level=level.upper(),
        format="%(name)s: %(message)s",
        datefmt="[%X]",
        handlers=[RichHandler(console=_stderr_console(), show_path=False, markup=False)],
        force=True,
    )
    # Extraction libraries are chatty at INFO about every page they look at.
    for noisy in ("trafilatura", "htmldate", "httpx", "httpcore", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def _open_store(settings: Settings) -> Any:
    from tidings.store import open_store

    return open_store(settings.resolved_database_url)


# --- crawl ---------------------------------------------------------------------


def _crawl(args: argparse.Namespace, settings: Settings) -> int:
    crawl = settings.crawl
    changes: dict[str, Any] = {}
    if args.max_pages is not None:
        changes["max_pages"] = args.max_pages
    if args.concurrency is not None:
        changes["concurrency"] = args.concurrency
    if args.host_delay is not None:
        changes["host_delay"] = args.host_delay
    if args.warc:
        changes["warc_dir"] = args.warc
    crawl = dataclasses.replace(crawl, **changes).allowing(*args.allow_network)
    store = _open_store(settings)
    try:
        with open_executor(settings) as executor:
            stats = run_crawl_with_progress(store, crawl, executor)
            processed, headlines = run_later_stages(
                store, settings, skip=args.no_process, executor=executor
            )
    finally:
        store.close()
    if args.json:
        print(json.dumps(run_figures(stats, processed, headlines)))
    else:
        _print_crawl_summary(stats)
        if processed is not None:
            _print_process_summary(processed)
        if headlines is not None:
            _print_headline_summary(headlines)
    return 0


def _process(args: argparse.Namespace, settings: Settings) -> int:
    store = _open_store(settings)
    try:
        with open_executor(settings) as executor:
            stats = run_process_with_progress(store, settings, executor=executor)
        headlines = None if args.no_headlines else run_headlines_with_progress(store)
    finally:
        store.close()
    if args.json:
        figures = stats.as_dict()
        if headlines is not None:
            figures["headlines"] = headlines.as_dict()
        print(json.dumps(figures))
    else:
        _print_process_summary(stats)
        if headlines is not None:
            _print_headline_summary(headlines)
    return 0


def open_executor(settings: Settings) -> Any:
    """``pipeline.executor.open_executor`` (where the jobs run: ``TIDINGS_EXECUTOR``),
    imported only when a command needs it."""
    from tidings.pipeline.executor import open_executor as _open_executor

    return _open_executor(settings)


def index_path(data_dir: Path) -> Path:
    """``pipeline.process.index_path``, imported only when a command needs it."""
    from tidings.pipeline.process import index_path as _index_path

    return _index_path(data_dir)


def run_process_with_progress(
    store: Any, settings: Settings, index: Path | None = None, executor: Any = None
) -> Any:
    """Run the language stage over every unprocessed article, with a progress bar
    (its per-article work on ``executor``; None: in this process)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from tidings.pipeline.process import ProcessJob, ProcessStats

    total = store.count_articles_to_process()
    with Progress(
        TextColumn("processing"),
        BarColumn(),
        MofNCompleteColumn(),
        console=_stderr_console(),
        transient=True,
    ) as progress:
        task = progress.add_task("processing", total=total)

        def on_progress(stats: ProcessStats, batch: int) -> None:
            progress.advance(task, batch)

        job = ProcessJob(
            store,
            index_path=index or index_path(settings.data_dir),
            on_progress=on_progress,
            executor=executor,
        )
        return job.run()


def _print_process_summary(stats: Any) -> None:
    figures = stats.as_dict()
    print(
        f"Processed {figures['processed']} articles in {figures['elapsed']:.1f}s "
        f"({figures['articles_per_second']}/s): {figures['near_duplicates']} near-duplicates, "
        f"{figures['stories_created']} new stories, {figures['stories_merged']} merged."
    )


def run_headlines_with_progress(store: Any) -> Any:
    """Run the headline stage over every article that needs candidates."""
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from tidings.headlines.generate import generator_from_setting
    from tidings.headlines.writer import HeadlineWriter
    from tidings.pipeline.headlines import HeadlineJob, HeadlineStats

    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), console=_stderr_console(), transient=True
    ) as progress:
        task = progress.add_task("headlines", total=None)

        def on_progress(stats: HeadlineStats, batch: int) -> None:
            progress.update(task, description=f"headlines: {stats.articles} articles")

        writer = HeadlineWriter(generator=generator_from_setting())
        return HeadlineJob(store, writer=writer, on_progress=on_progress).run()


def _print_headline_summary(stats: Any) -> None:
    figures = stats.as_dict()
    print(
        f"Headlines for {figures['articles']} articles in {figures['elapsed']:.1f}s: "
        f"{figures['candidates']} candidates, {figures['eligible']} passed both gates, "
        f"{figures['originals_rejected']} original titles rejected."
    )


def run_later_stages(
    store: Any, settings: Settings, *, skip: bool, executor: Any = None
) -> tuple[Any, Any]:
    """After new articles arrive (a crawl, an ingest): the language stage (on
    ``executor``), then the headline stage, with progress; (None, None) when ``skip``."""
    if skip:
        return None, None
    processed = run_process_with_progress(store, settings, executor=executor)
    return processed, run_headlines_with_progress(store)


def run_figures(stats: Any, processed: Any, headlines: Any) -> dict[str, Any]:
    """A run's figures for ``--json``: its own, then the stages that followed it."""
    figures: dict[str, Any] = stats.as_dict()
    if processed is not None:
        figures["processing"] = processed.as_dict()
    if headlines is not None:
        figures["headlines"] = headlines.as_dict()
    return figures


def progress_line() -> Any:
    """A live one-line progress display on stderr (spinner, text, time elapsed)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=_stderr_console(),
        transient=True,
    )


def run_crawl_with_progress(store: Any, crawl: Any, executor: Any = None) -> Any:
    """Run one crawl (on ``executor``; None: in this process) with a live progress
    line on stderr."""
    from tidings.pipeline import CrawlStats
    from tidings.pipeline.executor import LocalExecutor

    with progress_line() as progress:
        task = progress.add_task("crawling", total=None)

        def on_progress(stats: CrawlStats, frontier: dict[str, int]) -> None:
            progress.update(
                task,
                description=(
                    f"crawling: {stats.fetched} fetched, {stats.articles_new} new articles, "
                    f"{stats.duplicates} duplicates, {sum(stats.errors.values())} errors; "
                    f"{frontier.get('queued', 0)} queued"
                ),
            )

        return (executor or LocalExecutor()).crawl(store, crawl, on_progress=on_progress)


def _print_crawl_summary(stats: Any) -> None:
    figures = stats.as_dict()
    print(
        f"Crawled in {figures['elapsed']:.1f}s: {figures['fetched']} fetched "
        f"({figures['not_modified']} not modified), {figures['articles_new']} new articles, "
        f"{figures['articles_updated']} updated, {figures['duplicates']} duplicates."
    )
    for key in ("not_articles", "errors", "warnings"):
        if figures[key]:
            detail = ", ".join(f"{k}: {v}" for k, v in sorted(figures[key].items()))
            print(f"  {key.replace('_', ' ')}: {detail}")
    if figures["robots_blocked"]:
        print(f"  blocked by robots.txt: {figures['robots_blocked']}")


# --- serve ---------------------------------------------------------------------


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from tidings.serve import run_server

    host = args.host or settings.host
    port = args.port if args.port is not None else settings.port
    store = _open_store(settings)
    print(f"Tidings is serving at http://{host}:{port}/  (Ctrl-C to stop)", flush=True)
    try:
        run_server(
            store,
            host,
            port,
            log_level=settings.log_level.lower(),
            workers=max(1, args.workers),
            crawl=settings.crawl,
            auth=settings.auth,
        )
    finally:
        store.close()
    return 0


# --- demo ----------------------------------------------------------------------


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from tidings.demo import DemoWeb
    from tidings.pipeline import add_source
    from tidings.store import open_store

    demo_dir = settings.data_dir / "demo"
    # The demo web listens on new ports each run, so its URLs change: start afresh.
    shutil.rmtree(demo_dir, ignore_errors=True)
    crawl = dataclasses.replace(settings.crawl, host_delay=0.05).allowing("127.0.0.0/8")
    with DemoWeb(seed=args.seed) as web:
        print(f"Demo news web: {len(web.sites)} sites on 127.0.0.1", flush=True)
        store = open_store(str(demo_dir / "tidings.db"))
        try:
            # One site is added the way a reader would: by its home page, with its
            # feed autodiscovered; the others by their feed or sitemap URLs.
            discovered = asyncio.run(add_source(store, web.home_pages[0], crawl))
            print(f"Autodiscovered {discovered.source.url} from {web.home_pages[0]}")
            for spec in web.sources:
                if spec.url != discovered.source.url:
                    store.add_source(spec)
            started = time.monotonic()
            stats = run_crawl_with_progress(store, crawl)
            took = time.monotonic() - started
            _print_crawl_summary(stats)
            processed = run_process_with_progress(store, settings, index=index_path(demo_dir))
            _print_process_summary(processed)
            _print_headline_summary(run_headlines_with_progress(store))
            print(
                f"Demo crawl: {store.count_articles()} articles "
                f"({stats.duplicates} duplicates folded) from {len(store.list_sources())} "
                f"sources in {took:.2f}s.",
                flush=True,
            )
            if args.no_serve:
                return 0
            from tidings.serve import run_server

            print(
                f"Open http://{args.host}:{args.port}/ to read the demo (Ctrl-C to stop).",
                flush=True,
            )
            run_server(store, args.host, args.port, log_level="warning")
        finally:
            store.close()
    return 0


# --- extract -------------------------------------------------------------------


def _extract(args: argparse.Namespace, settings: Settings) -> int:
    from tidings.extract import extract_article

    if args.url and len(args.files) != 1:
        print("tidings: --url needs exactly one FILE", file=sys.stderr)
        return 2
    for path in args.files:
        try:
            data = path.read_bytes()
            if path.suffix == ".gz" or data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            _emit({"file": str(path), "error": f"cannot read {path}: {exc}"}, args.json)
            continue
        try:
            result = extract_article(data, url=args.url)
        except Exception as exc:  # one bad file must not stop the others
            log.exception("extraction failed for %s", path)
            _emit({"file": str(path), "error": f"extraction failed: {exc}"}, args.json)
            continue
        _emit(_extraction_json(str(path), result), args.json)
    # Unreadable files are reported on their own line; the exit status stays 0 so
    # callers reading the JSON lines see every file.
    return 0


def _extraction_json(path: str, result: ExtractedArticle | NotAnArticle) -> dict[str, Any]:
    if isinstance(result, NotAnArticle):
        fields = dataclasses.asdict(result.partial) if result.partial else {}
        base: dict[str, Any] = {
            "title": None,
            "text": "",
            "authors": [],
            "date": None,
            "language": None,
            "url": result.url,
            "image": None,
        }
        base.update(fields)
        base.update({"page_type": "not_article", "reason": result.reason})
    else:
        base = dataclasses.asdict(result)
        base["page_type"] = "article"
    base["authors"] = list(base.get("authors") or [])
    return {"file": path, **base}


def _emit(obj: dict[str, Any], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    elif "error" in obj:
        sys.stdout.write(f"== {obj['file']}\nerror: {obj['error']}\n\n")
    else:
        sys.stdout.write(
            f"== {obj['file']}\n{obj.get('title') or '(no title)'}\n"
            f"{', '.join(obj['authors'])} {obj.get('date') or ''}\n\n{obj.get('text') or ''}\n\n"
        )
    sys.stdout.flush()


# --- ranking -------------------------------------------------------------------


def _retrain(args: argparse.Namespace, settings: Settings) -> int:
    store = _open_store(settings)
    try:
        started = time.monotonic()
        with open_executor(settings) as executor:
            events = executor.retrain(store, passes=args.passes)
    finally:
        store.close()
    print(f"Ranker retrained on {events} events in {time.monotonic() - started:.1f}s.")
    return 0


# --- headlines -----------------------------------------------------------------


def _clickbait(args: argparse.Namespace, settings: Settings) -> int:
    from tidings.headlines.clickbait import ClickbaitScorer

    lines = [line.rstrip("\r\n") for line in sys.stdin]
    wanted = [i for i, line in enumerate(lines) if line.strip()]
    scores = [0.0] * len(lines)  # an empty line is no headline, so no clickbait
    scorer = ClickbaitScorer()
    for start in range(0, len(wanted), 512):
        chunk = wanted[start : start + 512]
        for i, score in zip(chunk, scorer.score([lines[i] for i in chunk]), strict=True):
            scores[i] = score
    sys.stdout.write("".join(f"{score:.4f}\n" for score in scores))
    return 0


def _headline(args: argparse.Namespace, settings: Settings) -> int:
    from tidings.headlines.generate import generator_from_setting
    from tidings.headlines.writer import HeadlineWriter, eligible, pick_without_readers

    article = _headline_input(args.file, args.url)
    if article is None:
        return 1
    writer = HeadlineWriter(generator=generator_from_setting(args.generator))
    candidates = writer.write(article)
    chosen = pick_without_readers(candidates)
    original = next((c for c in candidates if c.origin.value == "original"), None)
    out: dict[str, Any] = {
        "file": str(args.file),
        "title": article.title,
        "language": article.language,
        "candidates": [
            {
                "text": c.text,
                "origin": c.origin.value,
                "author": c.author,
                "clickbait": round(c.clickbait or 0.0, 4),
                "faithful": bool(c.faithfulness and c.faithfulness.supported),
                "support": round(c.faithfulness.support, 4) if c.faithfulness else None,
                "reasons": list(c.faithfulness.reasons) if c.faithfulness else [],
                "eligible": eligible(c),
            }
            for c in candidates
        ],
        "chosen": chosen.text if chosen else None,
        "chosen_origin": chosen.origin.value if chosen else None,
        "replaced_original": bool(chosen and original and chosen is not original),
        "generator_failures": writer.generator_failures,
    }
    if args.json:
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        return 0
    sys.stdout.write(f"Chosen: {out['chosen'] or '(none passed both gates)'}\n\n")
    for c in out["candidates"]:
        mark = "ok " if c["eligible"] else "-- "
        why = "; ".join(c["reasons"])
        sys.stdout.write(
            f"{mark}[{c['origin']}] {c['text']}\n    clickbait {c['clickbait']:.2f}, "
            f"support {c['support'] or 0:.2f}{'; ' + why if why else ''}\n"
        )
    return 0


def _headline_input(path: Path, url: str | None) -> Any:
    """An article to write headlines for, from an HTML page or an extracted-article
    JSON (e.g. a line of ``tidings extract --json``); None (after a message) if neither."""
    from tidings.extract import extract_article
    from tidings.headlines.writer import HeadlineInput
    from tidings.nlp.summary import summarize

    try:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        print(f"tidings: cannot read {path}: {exc}", file=sys.stderr)
        return None
    title: str | None
    if data.lstrip()[:1] == b"{":
        try:
            obj = json.loads(data.decode("utf-8", errors="replace").splitlines()[0])
        except (ValueError, IndexError) as exc:
            print(f"tidings: {path} is not valid JSON: {exc}", file=sys.stderr)
            return None
        text = str(obj.get("text") or "")
        title = obj.get("title") if isinstance(obj.get("title"), str) else None
        language = obj.get("language") if isinstance(obj.get("language"), str) else None
        site_name = obj.get("site_name") if isinstance(obj.get("site_name"), str) else None
    else:
        result = extract_article(data, url=url)
        found = result.partial if isinstance(result, NotAnArticle) else result
        if found is None:
            reason = result.reason if isinstance(result, NotAnArticle) else "no text"
            print(f"tidings: no article in {path}: {reason}", file=sys.stderr)
            return None
        text, title, language, site_name = found.text, found.title, found.language, found.site_name
    if not text.strip():
        print(f"tidings: {path} holds no article text", file=sys.stderr)
        return None
    return HeadlineInput(
        text=text,
        title=title,
        language=language,
        summary=summarize(text, language),
        site_name=site_name,
    )


# --- sources -------------------------------------------------------------------


def _sources_add(args: argparse.Namespace, settings: Settings) -> int:
    from tidings.pipeline import add_source

    crawl = settings.crawl.allowing(*args.allow_network)
    kind = SourceKind(args.kind) if args.kind else None
    store = _open_store(settings)
    try:
        added = asyncio.run(add_source(store, args.url, crawl, kind))
    finally:
        store.close()
    verb = "Added" if added.created else "Already present:"
    print(f"{verb} {added.source.kind.value} {added.source.url} (id {added.source.id})")
    for alternative in added.alternatives:
        print(f"  the page also advertises {alternative}")
    return 0


def _sources_list(args: argparse.Namespace, settings: Settings) -> int:
    store = _open_store(settings)
    try:
        sources = store.list_sources()
    finally:
        store.close()
    if args.json:
        print(json.dumps([dataclasses.asdict(s) for s in sources], ensure_ascii=False))
        return 0
    for s in sources:
        print(
            f"{s.id:>4}  {s.kind.value:<7} {s.url}  {s.title or ''}\n"
            f"      last fetch {s.last_fetched_at or 'never'}: {s.last_status or '-'}; "
            f"{s.error_count} errors; {s.article_count} articles"
        )
    return 0


def _sources_remove(args: argparse.Namespace, settings: Settings) -> int:
    store = _open_store(settings)
    try:
        store.remove_source(args.id)
    finally:
        store.close()
    print(f"Removed source {args.id}")
    return 0


def _sources_import(args: argparse.Namespace, settings: Settings) -> int:
    from tidings.pipeline import import_opml

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"tidings: cannot read {args.file}: {exc}", file=sys.stderr)
        return 1
    store = _open_store(settings)
    try:
        account = cli_accounts.find_account(store, args.account) if args.account else None
        added, existing = import_opml(store, data, account_id=account.id if account else None)
    finally:
        store.close()
    print(f"Imported {added} feeds ({existing} already present)")
    return 0


def _sources_export(args: argparse.Namespace, settings: Settings) -> int:
    from tidings.pipeline import export_opml

    store = _open_store(settings)
    try:
        account = cli_accounts.find_account(store, args.account) if args.account else None
        opml = export_opml(store, account_id=account.id if account else None)
    finally:
        store.close()
    if args.output:
        args.output.write_text(opml, encoding="utf-8")
    else:
        sys.stdout.write(opml)
    return 0


def _status(args: argparse.Namespace, settings: Settings) -> int:
    store = _open_store(settings)
    try:
        figures = {
            "database": settings.resolved_database_url,
            "schema_version": store.schema_version(),
            "sources": len(store.list_sources()),
            "articles": store.count_articles(),
            "duplicates": store.count_articles(include_duplicates=True) - store.count_articles(),
            "frontier": store.frontier_counts(),
        }
    finally:
        store.close()
    print(json.dumps(figures, indent=2))
    return 0
