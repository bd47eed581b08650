"""``serve_in_background``: a real socket, sync and async, and a clean shutdown."""

from __future__ import annotations

import socket

import httpx
import pytest

from tidings.serve import serve_in_background
from tidings.store import Store


def _refused(url: str) -> bool:
    try:
        httpx.get(url, timeout=2.0)
    except httpx.ConnectError:
        return True
    return False


def test_sync_context_manager_binds_ephemeral_port(store: Store) -> None:
    with serve_in_background(store) as server:
        assert server.port > 0
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert httpx.get(server.url + "/healthz").json() == {"ok": True}
        url = server.url
    assert _refused(url + "/healthz")


async def test_async_context_manager(store: Store) -> None:
    async with serve_in_background(store, "127.0.0.1", 0) as server:
        async with httpx.AsyncClient(base_url=server.url) as client:
            response = await client.get("/api/v1/status")
        assert response.status_code == 200
        assert response.json()["articles"] == 0
        url = server.url
    assert _refused(url + "/healthz")


def test_empty_store_pages(store: Store) -> None:
    with serve_in_background(store, title="Empty") as server:
        html = httpx.get(server.url + "/").text
        assert "No articles yet" in html
        assert "<title>Latest news · Empty</title>" in html
        assert "No sources yet" in httpx.get(server.url + "/sources").text
        assert httpx.get(server.url + "/api/v1/articles").json() == {
            "items": [],
            "next_cursor": None,
        }


def test_port_in_use_raises(store: Store) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError), serve_in_background(store, "127.0.0.1", port):
            pass
