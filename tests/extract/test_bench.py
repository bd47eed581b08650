"""The benchmark's runner and table (bench/extraction.py): speed is reported both as
wall-clock and per CPU-second, so a figure taken on a shared machine still means
something."""

from __future__ import annotations

from types import ModuleType


def test_run_times_wall_clock_and_cpu_and_the_table_shows_both(bench: ModuleType) -> None:
    page = bench.Page(
        "scrapinghub",
        "k1",
        "https://news.example.org/a",
        b"<html><body><p>Hello.</p></body></html>",
        {"body": "Hello."},
    )
    calls: list[str] = []

    def runner(p: object) -> object:
        calls.append("run")
        return bench.Output(text="Hello.")

    bench.RUNNERS["fake"] = runner
    try:
        row, outputs = bench.run("fake", "scrapinghub", [page, page])
    finally:
        del bench.RUNNERS["fake"]
    assert len(calls) == 3  # one warm-up, then every page
    assert len(outputs) == 2 and row.pages == 2
    assert row.seconds > 0 and row.cpu_seconds >= 0
    assert row.scores["body F1"] == 1.0
    header, _, line = list(bench.table([row]))
    assert "| pages/s | pages/CPU-s |" in header
    assert line.startswith("| fake | scrapinghub | 2 | ")
