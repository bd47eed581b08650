"""Memory over a long crawl (issue 9): does the crawler's resident memory stay flat?

    HF_HUB_OFFLINE=1 .venv/bin/python bench/crawl_memory.py             # 10,000 pages
    .venv/bin/python bench/crawl_memory.py --pages 2000

A local site on 127.0.0.1 serves a news sitemap of ``--pages`` URLs and an article page
at each (generated text, a few kB); a ``CrawlJob`` crawls it in this process (language
processing is a separate stage and not run), and the process's resident set size
(``VmRSS``) is sampled every ``--every`` pages. Prints RSS against pages crawled, and the
growth from the first sample past warm-up to the last: flat means the crawl's memory does
not grow with the pages it has seen (the frontier lives in the store, not in memory).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from tidings.config import CrawlSettings  # noqa: E402
from tidings.pipeline import CrawlJob, CrawlStats  # noqa: E402
from tidings.records import SourceKind, SourceSpec  # noqa: E402
from tidings.store import SQLiteStore  # noqa: E402

WORDS = [
    "council",
    "harbour",
    "budget",
    "repairs",
    "pier",
    "storm",
    "winter",
    "minutes",
    "members",
    "agreed",
    "river",
    "bridge",
    "school",
    "fair",
    "market",
    "train",
    "station",
    "mayor",
    "election",
    "vote",
    "plan",
    "city",
]


def page(n: int) -> bytes:
    words = [WORDS[(n * 7 + i * 3) % len(WORDS)] for i in range(400)]
    paragraphs = "".join(
        f"<p>Story {n}: {' '.join(words[i : i + 40])}.</p>" for i in range(0, 400, 40)
    )
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Story {n}"
        f"</title></head><body><nav><a href='/'>Home</a></nav><article><h1>Story {n} "
        f"about the {WORDS[n % len(WORDS)]}</h1>{paragraphs}</article>"
        f"<footer>Copyright Example</footer></body></html>"
    ).encode()


def sitemap(base: str, pages: int) -> bytes:
    urls = "".join(f"<url><loc>{base}/story/{n}</loc></url>" for n in range(pages))
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>"
    ).encode()


def serve(pages: int) -> tuple[ThreadingHTTPServer, str]:
    holder: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/sitemap.xml":
                body, kind = holder["sitemap"], "application/xml"
            elif self.path.startswith("/story/"):
                body, kind = page(int(self.path.rsplit("/", 1)[1])), "text/html; charset=utf-8"
            elif self.path == "/robots.txt":
                body, kind = b"User-agent: *\nAllow: /\n", "text/plain"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    holder["sitemap"] = sitemap(base, pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, base


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=1_000)
    args = parser.parse_args(argv)
    server, base = serve(args.pages)
    samples: list[tuple[int, float, float]] = []
    began = time.monotonic()

    def on_progress(stats: CrawlStats, frontier: dict[str, int]) -> None:
        done = stats.articles_new + sum(stats.not_articles.values())
        if done >= (len(samples)) * args.every:
            samples.append((done, rss_mib(), time.monotonic() - began))

    with tempfile.TemporaryDirectory(prefix="tidings-memory-") as tmp:
        store = SQLiteStore(Path(tmp) / "tidings.db")
        store.add_source(SourceSpec(f"{base}/sitemap.xml", SourceKind.SITEMAP))
        settings = CrawlSettings(host_delay=0.0, concurrency=8).allowing("127.0.0.0/8")
        stats = asyncio.run(CrawlJob(store, settings, on_progress=on_progress).run())
        samples.append((stats.articles_new, rss_mib(), time.monotonic() - began))
        store.close()
    server.shutdown()
    print("| pages crawled | RSS (MiB) | seconds |")
    print("| ---: | ---: | ---: |")
    for done, rss, seconds in samples:
        print(f"| {done:,} | {rss:.0f} | {seconds:.0f} |")
    warm = next((s for s in samples if s[0] >= args.every), samples[0])
    growth = samples[-1][1] - warm[1]
    print(
        f"\n{stats.articles_new:,} articles, {sum(stats.errors.values())} errors, "
        f"{stats.articles_new / stats.elapsed:.1f} pages/s; RSS from {warm[0]:,} pages to the "
        f"end: {warm[1]:.0f} -> {samples[-1][1]:.0f} MiB ({growth:+.0f} MiB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
