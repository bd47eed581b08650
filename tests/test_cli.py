"""The command line, run as a real subprocess."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from tests.pipeline.test_process import QUAKE_EN
from tests.stores import TestStores
from tests.webserver import TestWeb, article_html

CONTRACT_KEYS = {"title", "text", "authors", "date", "language", "url", "image"}


def tidings(
    *args: str, cwd: Path, stdin: str | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``tidings *args``; ``env`` (``stores.env(name)``) names the database to use."""
    return subprocess.run(
        [sys.executable, "-m", "tidings", *args],
        check=False,
        cwd=cwd,
        env={**(os.environ if env is None else env), "TIDINGS_LOG_LEVEL": "WARNING"},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_help_lists_every_command(tmp_path: Path) -> None:
    out = tidings("--help", cwd=tmp_path).stdout
    for command in (
        "demo",
        "crawl",
        "process",
        "serve",
        "extract",
        "sources",
        "status",
        "clickbait",
        "headline",
    ):
        assert command in out


def test_extract_json_prints_one_line_per_file_in_order(tmp_path: Path) -> None:
    first = tmp_path / "first.html"
    first.write_text(
        article_html("First story").replace(
            "<head>",
            "<head><meta property='article:published_time' content='2026-11-20T08:00:00Z'>"
            "<meta property='og:image' content='/lead.jpg'>",
        ),
        encoding="utf-8",
    )
    second = tmp_path / "second.html.gz"
    second.write_bytes(gzip.compress(article_html("Second story").encode()))
    missing = tmp_path / "missing.html"
    tiny = tmp_path / "tiny.html"
    tiny.write_text("<html><body><p>Hi</p></body></html>")
    result = tidings(
        "extract", "--json", str(first), str(second), str(missing), str(tiny), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 4
    assert lines[0]["title"] == "First story" and lines[0]["date"] == "2026-11-20"
    assert lines[1]["title"] == "Second story"
    assert "harbour budget" in lines[1]["text"]
    for line in (lines[0], lines[1], lines[3]):
        assert set(line) >= CONTRACT_KEYS
        assert isinstance(line["authors"], list)
    assert "error" in lines[2] and "missing.html" in lines[2]["error"]
    assert lines[3]["page_type"] == "not_article"


def test_extract_url_option_resolves_relative_links(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(
        article_html("Linked").replace(
            "<head>", "<head><meta property='og:image' content='/img/lead.jpg'>"
        )
    )
    result = tidings(
        "extract", "--json", "--url", "https://news.example/a/1", str(page), cwd=tmp_path
    )
    line = json.loads(result.stdout)
    assert line["url"] == "https://news.example/a/1"
    assert line["image"] == "https://news.example/img/lead.jpg"


def test_sources_add_discovers_feed_and_opml_round_trips(
    tmp_path: Path, stores: TestStores
) -> None:
    with TestWeb() as web:
        web.page(
            "/",
            "<html><head><link rel='alternate' type='application/rss+xml' href='/rss.xml'>"
            "</head><body>Home</body></html>",
        )
        web.page(
            "/rss.xml",
            "<?xml version='1.0'?><rss version='2.0'><channel><title>T</title></channel></rss>",
            content_type="application/rss+xml",
        )
        data = ["--data-dir", str(tmp_path / "d")]
        env = stores.env("d.db")
        add = ("sources", "add", web.url("/"), "--allow-network", "127.0.0.0/8")
        added = tidings(*data, *add, cwd=tmp_path, env=env)
        assert added.returncode == 0, added.stderr
        assert "feed" in added.stdout and "/rss.xml" in added.stdout
    exported = tidings(*data, "sources", "export", cwd=tmp_path, env=env)
    assert "/rss.xml" in exported.stdout and "<opml" in exported.stdout
    opml = tmp_path / "feeds.opml"
    opml.write_text(exported.stdout)
    other = ["--data-dir", str(tmp_path / "other")]
    other_env = stores.env("other.db")
    imported = tidings(*other, "sources", "import", str(opml), cwd=tmp_path, env=other_env)
    assert "Imported 1 feeds" in imported.stdout
    listed = tidings(*other, "sources", "list", "--json", cwd=tmp_path, env=other_env)
    assert [s["url"] for s in json.loads(listed.stdout)] == [web.url("/rss.xml")]
    # each command used the database the test named, the two data dirs two databases
    assert [s.url for s in stores.open("other.db").list_sources()] == [web.url("/rss.xml")]
    assert [s.url for s in stores.open("d.db").list_sources()] == [web.url("/rss.xml")]


# --- headlines: the CLI contract -------------------------------------------------

BAIT = "You won't believe what this celebrity did next"
SOBER = "Council approves budget for new harbour bridge"


def test_clickbait_prints_one_score_per_line_in_order(tmp_path: Path) -> None:
    lines = [
        BAIT,
        SOBER,
        "",
        "震惊！你绝对想不到他接下来做了什么",
        "国务院公布2025年政府工作报告全文",
    ]
    result = tidings("clickbait", cwd=tmp_path, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    scores = [float(x) for x in result.stdout.splitlines()]
    assert len(scores) == len(lines)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores[0] > 0.5 > scores[1]
    assert scores[2] == 0.0
    assert scores[3] > scores[4]


def test_clickbait_on_empty_input_prints_nothing(tmp_path: Path) -> None:
    result = tidings("clickbait", cwd=tmp_path, stdin="")
    assert result.returncode == 0 and result.stdout == ""


def test_headline_json_from_a_page_and_from_extracted_json(tmp_path: Path) -> None:
    title, text = QUAKE_EN
    paragraphs = "".join(f"<p>{s}.</p>" for s in text.split(". "))
    page = tmp_path / "quake.html"
    page.write_text(
        f"<html lang='en'><head><title>{BAIT}</title></head><body><article><h1>{BAIT}</h1>"
        f"{paragraphs}</article></body></html>",
        encoding="utf-8",
    )
    result = tidings("headline", "--json", str(page), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    original = next(c for c in out["candidates"] if c["origin"] == "original")
    assert original["text"] == BAIT and not original["eligible"]
    assert out["chosen"] and out["chosen"] != BAIT and out["replaced_original"]
    chosen = next(c for c in out["candidates"] if c["text"] == out["chosen"])
    assert chosen["eligible"] and chosen["faithful"] and chosen["clickbait"] < 0.5
    for candidate in out["candidates"]:
        assert set(candidate) >= {"text", "origin", "clickbait", "faithful", "support", "reasons"}

    extracted = tmp_path / "quake.json"
    extracted.write_text(json.dumps({"title": title, "text": text, "language": "en"}))
    result = tidings("headline", "--json", str(extracted), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["chosen"] == title  # an honest title is kept
    assert not out["replaced_original"]


def test_headline_reports_unreadable_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = tidings("headline", "--json", str(bad), cwd=tmp_path)
    assert result.returncode == 1 and "not valid JSON" in result.stderr
    result = tidings("headline", str(tmp_path / "missing.html"), cwd=tmp_path)
    assert result.returncode == 1 and "cannot read" in result.stderr


OPML_WITH_FOLDERS = """<?xml version="1.0"?>
<opml version="2.0"><head><title>mine</title></head><body>
  <outline text="World" title="World">
    <outline type="rss" text="Wire" title="Wire" xmlUrl="https://wire.example/feed.xml"/>
  </outline>
  <outline type="rss" text="Local" xmlUrl="https://local.example/rss"/>
</body></opml>
"""


def test_accounts_and_their_opml(tmp_path: Path, stores: TestStores) -> None:
    data = ("--data-dir", str(tmp_path / "data"))
    env = stores.env("data.db")
    added = tidings(
        *data, "accounts", "add", "alice", "--admin", cwd=tmp_path, env=env, stdin="s3cret-pass\n"
    )
    assert added.returncode == 0, added.stderr
    assert "Added admin alice" in added.stdout
    taken = tidings(
        *data, "accounts", "add", "alice", cwd=tmp_path, env=env, stdin="another-pass\n"
    )
    assert taken.returncode == 1 and "exists already" in taken.stderr
    short = tidings(*data, "accounts", "add", "bob", cwd=tmp_path, env=env, stdin="short\n")
    assert short.returncode == 1 and "at least 8" in short.stderr
    opml = tmp_path / "mine.opml"
    opml.write_text(OPML_WITH_FOLDERS)
    imported = tidings(
        *data, "sources", "import", str(opml), "--account", "alice", cwd=tmp_path, env=env
    )
    assert imported.returncode == 0 and "Imported 2 feeds" in imported.stdout
    listed = tidings(*data, "accounts", "list", cwd=tmp_path, env=env)
    assert (
        "alice" in listed.stdout and "admin" in listed.stdout and "2 subscriptions" in listed.stdout
    )
    assert [a.username for a in stores.open("data.db").list_accounts()] == ["alice"]
    exported = tidings(
        *data, "sources", "export", "--account", "alice", cwd=tmp_path, env=env
    ).stdout
    assert 'text="World"' in exported and "wire.example/feed.xml" in exported
    nobody = tidings(*data, "sources", "export", "--account", "nobody", cwd=tmp_path, env=env)
    assert nobody.returncode == 1 and "no account named" in nobody.stderr
    passwd = tidings(
        *data, "accounts", "passwd", "alice", cwd=tmp_path, env=env, stdin="n3w-password\n"
    )
    assert passwd.returncode == 0, passwd.stderr
    removed = tidings(*data, "accounts", "remove", "alice", cwd=tmp_path, env=env)
    assert removed.returncode == 0
    assert "alice" not in tidings(*data, "accounts", "list", cwd=tmp_path, env=env).stdout
