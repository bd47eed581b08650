"""Crash safety (issue 9): ``kill -9`` at random moments, over and over, then check that
nothing is corrupt, lost or stored twice.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/crash_loop.py              # 50 + 50 kills
    .venv/bin/python bench/crash_loop.py --crawl-kills 10 --serve-kills 10

1. **Crawl and process**: ``tidings crawl`` (which then runs the language and headline
   stages) over the demo news web, SIGKILLed at a random moment of each run, then
   restarted, ``--crawl-kills`` times; after each kill the database must pass SQLite's
   ``integrity_check`` and hold no article URL twice. A last run goes to the end, and the
   result must equal an uninterrupted reference run's: the same article URLs and texts,
   every article processed and given headlines.
2. **Serve**: ``tidings serve`` under a stream of ``POST /api/v1/events`` batches,
   SIGKILLed at a random moment and restarted, ``--serve-kills`` times: every batch the
   server acknowledged (HTTP 200) must be in the event log afterwards (an event
   acknowledged and then lost would be a lie to the client); batches cut by the kill may
   or may not be stored, never half.

Prints one table. The comparison point is the issue's: no corruption, no lost event, no
duplicate article, over at least 50 kills.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from tidings.demo import DemoWeb  # noqa: E402
from tidings.store import SQLiteStore  # noqa: E402

ENV = {
    **os.environ,
    "TIDINGS_CRAWL_HOST_DELAY": "0.02",
    "TIDINGS_LOG_LEVEL": "WARNING",
    "HF_HUB_OFFLINE": "1",
}


def tidings(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "tidings", "--data-dir", str(data_dir), *args]


def seed(data_dir: Path, web: DemoWeb) -> Path:
    store = SQLiteStore(data_dir / "tidings.db")
    for spec in web.sources:
        store.add_source(spec)
    store.close()
    return data_dir / "tidings.db"


def crawl_cmd(data_dir: Path) -> list[str]:
    return tidings(data_dir, "crawl", "--allow-network", "127.0.0.0/8")


def integrity(db: Path) -> tuple[bool, int]:
    """(integrity_check passed, article URLs stored more than once)."""
    with sqlite3.connect(db) as conn:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        twice = conn.execute(
            "SELECT COUNT(*) FROM (SELECT url FROM article GROUP BY url HAVING COUNT(*) > 1)"
        ).fetchone()[0]
    return ok, int(twice)


def articles(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT url, content_hash FROM article"))


def unfinished(db: Path) -> tuple[int, int]:
    """(articles not processed, articles without headlines)."""
    with sqlite3.connect(db) as conn:
        unprocessed = conn.execute(
            "SELECT COUNT(*) FROM article a LEFT JOIN article_nlp n ON n.article_id = a.id"
            " WHERE n.article_id IS NULL"
        ).fetchone()[0]
        headless = conn.execute(
            "SELECT COUNT(*) FROM article_nlp WHERE headlines_at IS NULL"
        ).fetchone()[0]
    return int(unprocessed), int(headless)


@dataclass
class CrawlResult:
    kills: int
    corrupt: int
    duplicated_urls: int
    same_articles: bool
    unfinished: tuple[int, int]
    #: The same for the uninterrupted run (an article whose story another article
    #: represents gets no headlines of its own).
    reference_unfinished: tuple[int, int]
    reference_seconds: float
    articles: int


def crawl_part(kills: int, rng: random.Random, work: Path) -> CrawlResult:
    with DemoWeb(seed=7) as web:
        reference_dir = work / "reference"
        reference = seed(reference_dir, web)
        began = time.monotonic()
        subprocess.run(crawl_cmd(reference_dir), env=ENV, check=True, capture_output=True)
        full = time.monotonic() - began
        expected = articles(reference)
        print(f"reference run: {len(expected)} articles in {full:.1f} s", flush=True)

        crash_dir = work / "crashed"
        db = seed(crash_dir, web)
        corrupt = duplicated = 0
        for i in range(kills):
            process = subprocess.Popen(
                crawl_cmd(crash_dir), env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            # a moment anywhere in a whole run: start-up, fetching, processing, headlines
            time.sleep(rng.uniform(0.2, full))
            process.send_signal(signal.SIGKILL)
            process.wait()
            ok, twice = integrity(db)
            corrupt += not ok
            duplicated += twice
            if (i + 1) % 10 == 0:
                print(f"  {i + 1} kills: {len(articles(db))} articles so far", flush=True)
            if process.returncode == 0:  # the run ended before the kill: start afresh
                db.unlink()
                for extra in crash_dir.glob("tidings.db-*"):
                    extra.unlink()
                seed(crash_dir, web)
        subprocess.run(crawl_cmd(crash_dir), env=ENV, check=True, capture_output=True)
        got = articles(db)
        return CrawlResult(
            kills=kills,
            corrupt=corrupt,
            duplicated_urls=duplicated,
            same_articles=got == expected,
            unfinished=unfinished(db),
            reference_unfinished=unfinished(reference),
            reference_seconds=full,
            articles=len(got),
        )


@dataclass
class ServeResult:
    kills: int
    acknowledged: int
    stored_of_acknowledged: int
    lost: int
    corrupt: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_part(kills: int, rng: random.Random, work: Path) -> ServeResult:
    data_dir = work / "serve"
    db = data_dir / "tidings.db"
    SQLiteStore(db).close()
    acknowledged: list[str] = []
    corrupt = 0
    for _ in range(kills):
        port = free_port()
        process = subprocess.Popen(
            tidings(data_dir, "serve", "--port", str(port)),
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        kill_at = time.monotonic() + rng.uniform(0.1, 2.0)
        with httpx.Client(base_url=base, timeout=5) as client:
            while time.monotonic() < kill_at:
                mark = f"b{len(acknowledged)}-{rng.random():.12f}"
                batch = {"events": [{"kind": "share", "reader": mark} for _ in range(5)]}
                try:
                    if client.post("/api/v1/events", json=batch).status_code == 200:
                        acknowledged.append(mark)
                except httpx.HTTPError:
                    break
        process.send_signal(signal.SIGKILL)
        process.wait()
        ok, _ = integrity(db)
        corrupt += not ok
    with sqlite3.connect(db) as conn:
        stored = dict(
            conn.execute("SELECT reader, COUNT(*) FROM event WHERE kind = 'share' GROUP BY reader")
        )
    kept = sum(1 for mark in acknowledged if stored.get(mark) == 5)
    return ServeResult(kills, len(acknowledged), kept, len(acknowledged) - kept, corrupt)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--crawl-kills", type=int, default=50)
    parser.add_argument("--serve-kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="tidings-crash-") as tmp:
        work = Path(tmp)
        began = time.monotonic()
        crawl = crawl_part(args.crawl_kills, rng, work) if args.crawl_kills else None
        serve = serve_part(args.serve_kills, rng, work) if args.serve_kills else None
        took = time.monotonic() - began
    print()
    print("| part | kills | result |")
    print("| --- | ---: | --- |")
    if crawl is not None:
        print(
            f"| crawl + process + headlines ({crawl.articles} articles, "
            f"{crawl.reference_seconds:.0f} s a run) | {crawl.kills} | "
            f"corrupt databases: {crawl.corrupt}; URLs stored twice: {crawl.duplicated_urls}; "
            f"same articles as the uninterrupted run: {'yes' if crawl.same_articles else 'NO'}; "
            f"left unprocessed / without headlines of their own: {crawl.unfinished[0]} / "
            f"{crawl.unfinished[1]} (uninterrupted: {crawl.reference_unfinished[0]} / "
            f"{crawl.reference_unfinished[1]}) |"
        )
    if serve is not None:
        print(
            f"| serve under event batches | {serve.kills} | acknowledged batches: "
            f"{serve.acknowledged:,}, stored whole: {serve.stored_of_acknowledged:,}, "
            f"lost: {serve.lost}; corrupt databases: {serve.corrupt} |"
        )
    print(f"\n({took:.0f} s in all)")
    failed = (
        crawl is not None
        and (
            crawl.corrupt
            or crawl.duplicated_urls
            or not crawl.same_articles
            or crawl.unfinished != crawl.reference_unfinished
        )
    ) or (serve is not None and (serve.lost or serve.corrupt))
    print(json.dumps({"failed": bool(failed)}))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
