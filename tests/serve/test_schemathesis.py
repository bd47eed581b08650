"""The running server against its own OpenAPI schema (schemathesis): no input the schema
allows may end in a server error. And the inputs it once found, kept as plain tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from tests.serve.conftest import Analysed, Corpus
from tidings.serve import RunningServer
from tidings.store import Store

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


def run_schemathesis(
    url: str, folder: Path, *options: str, examples: int, seed: int
) -> subprocess.CompletedProcess[str]:
    """``schemathesis run`` against ``url``'s schema, failing on any server error."""
    return subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{url}/openapi.json",
            "--checks",
            "not_a_server_error",
            *options,
            "--max-examples",
            str(examples),
            "--seed",
            str(seed),
            "--workers",
            "1",
            "--no-color",
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=280,
        cwd=folder,
    )


def test_no_input_the_schema_allows_is_a_server_error(
    server: RunningServer, analysed: Analysed, tmp_path: Path
) -> None:
    run = run_schemathesis(server.url, tmp_path, examples=25, seed=7)
    assert run.returncode == 0, run.stdout[-4000:]
    assert "generated" in run.stdout


def test_no_input_is_a_server_error_for_a_logged_in_reader_with_accounts(
    store: Store, analysed: Analysed, tmp_path: Path
) -> None:
    """The same on an instance with accounts, as a logged-in (non-admin) reader: the
    API answers as that reader, 403 for others' data, never a server error."""
    from tests.serve.test_login import PASSWORD, log_in
    from tidings.serve import accounts, serve_in_background

    accounts.create_account(store, "alice", PASSWORD, is_admin=False)
    accounts.create_account(store, "bob", PASSWORD + "!")
    with serve_in_background(store, auth="accounts") as server:
        with httpx.Client(base_url=server.url) as client:
            assert log_in(client, "alice", PASSWORD).status_code == 303
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
            assert client.get("/api/v1/feed").status_code == 200  # logged in
        run = run_schemathesis(
            server.url, tmp_path, "--header", f"Cookie: {cookie}", examples=15, seed=11
        )
    assert run.returncode == 0, run.stdout[-4000:]
    assert "generated" in run.stdout


def test_what_schemathesis_found(client: httpx.Client, corpus: Corpus, store: Store) -> None:
    # ids past SQLite's 64-bit range were a 500 (OverflowError in the driver)
    huge = 2**70
    for path in (f"/api/v1/articles/{huge}", f"/api/v1/stories/{huge}", f"/articles/{huge}"):
        assert client.get(path).status_code in (404, 422), path
    # a NUL in a search ended the FTS5 string early: "unterminated string"
    assert client.get("/api/v1/search", params={"q": "wire\x00story"}).status_code == 200
    # an event naming an article that does not exist broke the foreign key: now 400,
    # and nothing of the batch is stored
    before = store.count_events()
    batch = {
        "events": [
            {"kind": "share", "article_id": corpus.english[0]},
            {"kind": "share", "article_id": 999_999},
        ]
    }
    refused = client.post("/api/v1/events", json=batch)
    assert refused.status_code == 400 and "999999" in refused.text
    assert store.count_events() == before
    assert (
        client.post(
            "/api/v1/events", json={"events": [{"kind": "share", "article_id": 0}]}
        ).status_code
        == 422
    )
