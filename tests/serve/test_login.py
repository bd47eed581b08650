"""Accounts in the web reader and the JSON API, against a real server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.serve.test_feed_web import form_token
from tidings.records import Account
from tidings.serve import accounts, serve_in_background
from tidings.store import Store

PASSWORD = "correct horse battery"


@dataclass
class Instance:
    url: str
    store: Store
    alice: Account
    bob: Account


@pytest.fixture
def private(store: Store, analysed: object) -> Iterator[Instance]:
    """An instance with accounts (``TIDINGS_AUTH=accounts``)."""
    alice = accounts.create_account(store, "alice", PASSWORD, is_admin=False)
    bob = accounts.create_account(store, "bob", PASSWORD + "!")
    with serve_in_background(store, auth="accounts") as server:
        yield Instance(server.url, store, alice, bob)


def log_in(client: httpx.Client, username: str, password: str) -> httpx.Response:
    token = form_token(client.get("/login").text)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf": token, "next": "/top"},
    )


def test_passwords_are_argon2_hashes_and_fever_keys_are_not_stored_plain(store: Store) -> None:
    alice = accounts.create_account(store, "alice", PASSWORD)
    found = store.account_credentials("alice")
    assert found is not None and found[1].startswith("$argon2id$") and PASSWORD not in found[1]
    assert accounts.authenticate(store, "alice", PASSWORD) == alice
    assert accounts.authenticate(store, "alice", "wrong password") is None
    assert accounts.authenticate(store, "nobody", PASSWORD) is None
    import hashlib

    key = hashlib.md5(f"alice:{PASSWORD}".encode()).hexdigest()
    assert accounts.authenticate_fever(store, key) == alice
    assert accounts.authenticate_fever(store, key.upper()) == alice
    assert accounts.authenticate_fever(store, "0" * 32) is None
    assert accounts.authenticate_fever(store, "not hex") is None
    with pytest.raises(accounts.AccountError):
        accounts.create_account(store, "carol", "short")
    with pytest.raises(accounts.AccountError):
        accounts.create_account(store, "with space", PASSWORD)
    opened = accounts.open_session(store, alice, kind="api")
    assert accounts.session_account(store, opened.token, kind="api") == (alice, opened.csrf)
    assert accounts.session_account(store, opened.token, kind="web") is None
    accounts.change_password(store, alice, PASSWORD + "2")
    assert accounts.session_account(store, opened.token, kind="api") is None  # ended
    assert accounts.authenticate_fever(store, key) is None  # the old key is gone


def test_pages_and_api_need_a_login(private: Instance) -> None:
    with httpx.Client(base_url=private.url) as client:
        page = client.get("/for-you")
        assert page.status_code == 303 and page.headers["location"] == "/login?next=/for-you"
        assert client.get("/").status_code == 303
        assert client.get("/api/v1/articles").status_code == 401
        assert client.get("/api/v1/feed").status_code == 401
        assert client.get("/healthz").status_code == 200
        assert client.get("/login").status_code == 200
        assert client.get("/static/style.css").status_code == 200


def test_logging_in_and_out(private: Instance) -> None:
    with httpx.Client(base_url=private.url) as client:
        wrong = log_in(client, "alice", "wrong password")
        assert wrong.status_code == 401 and "Wrong username or password" in wrong.text
        assert "tidings_session" not in client.cookies
        done = log_in(client, "alice", PASSWORD)
        assert done.status_code == 303 and done.headers["location"] == "/top"
        cookie = done.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        page = client.get("/for-you")
        assert page.status_code == 200 and "Log out alice" in page.text
        # what the account does is kept under its reader (not an anonymous cookie's)
        saved = client.post(
            "/settings/region", data={"region": "gb", "csrf": form_token(page.text)}
        )
        assert saved.status_code == 303
        assert private.store.reader_controls(private.alice.reader).region == "GB"
        # logging out needs the form's token, then ends the session for good
        assert client.post("/logout").status_code == 400
        token = form_token(page.text)
        session = client.cookies["tidings_session"]
        out = client.post("/logout", data={"csrf": token})
        assert out.status_code == 303 and out.headers["location"] == "/login"
        assert accounts.session_account(private.store, session, kind="web") is None
        client.cookies.set("tidings_session", session)  # a stolen old cookie opens nothing
        assert client.get("/for-you").status_code == 303


def test_login_form_needs_its_token_and_never_redirects_away(private: Instance) -> None:
    with httpx.Client(base_url=private.url) as client:
        client.get("/login")
        forged = client.post("/login", data={"username": "alice", "password": PASSWORD})
        assert forged.status_code == 400 and "tidings_session" not in client.cookies
        token = form_token(client.get("/login").text)
        away = client.post(
            "/login",
            data={"username": "alice", "password": PASSWORD, "csrf": token, "next": "//evil"},
        )
        assert away.status_code == 303 and away.headers["location"] == "/for-you"


def test_failed_logins_are_limited(private: Instance) -> None:
    with httpx.Client(base_url=private.url) as client:
        statuses = [log_in(client, "bob", f"guess {i}").status_code for i in range(12)]
        assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]
        # even the right password waits out the window
        assert log_in(client, "bob", PASSWORD + "!").status_code == 429


def test_a_reader_acts_only_as_themselves_in_the_api(private: Instance) -> None:
    with httpx.Client(base_url=private.url) as client:
        assert log_in(client, "alice", PASSWORD).status_code == 303
        own = client.get("/api/v1/feed")
        assert own.status_code == 200 and own.json()["reader"] == private.alice.reader
        assert client.get("/api/v1/feed", params={"user": private.bob.reader}).status_code == 403
        controls = f"/api/v1/readers/{private.bob.reader}/controls"
        assert client.get(controls).status_code == 403
        mute = {"kind": "topic", "value": "sports", "action": "mute"}
        assert client.post(controls, json=mute).status_code == 403
        assert not private.store.reader_controls(private.bob.reader).muted
        mine = f"/api/v1/readers/{private.alice.reader}/controls"
        assert client.post(mine, json=mute).status_code == 200
        assert ("topic", "sports") in private.store.reader_controls(private.alice.reader).muted
        sent = client.post(
            "/api/v1/events", json={"events": [{"kind": "share", "reader": private.bob.reader}]}
        )
        assert sent.status_code == 403
        assert not any(e.reader == private.bob.reader for e in private.store.events_after(0))


def test_without_accounts_a_login_still_names_the_reader(store: Store) -> None:
    """On a personal instance nobody must log in, but an account that does reads as
    itself (the same reader as its reader apps) instead of an anonymous cookie."""
    alice = accounts.create_account(store, "alice", PASSWORD)
    with (
        serve_in_background(store, auth="none") as server,
        httpx.Client(base_url=server.url) as client,
    ):
        page = client.get("/for-you")
        assert page.status_code == 200 and "Log in" not in page.text
        assert client.cookies.get("tidings_reader")
        assert log_in(client, "alice", PASSWORD).status_code == 303
        assert client.get("/api/v1/feed").json()["reader"] == alice.reader
        assert re.search(r"Log out alice", client.get("/for-you").text)


def test_reader_app_logins_share_the_limit(private: Instance) -> None:
    """Guessing through Google Reader's ClientLogin or Fever's key counts like the
    web form: after ten failures from one address, even right answers wait."""
    import hashlib

    url = private.url
    for i in range(5):
        wrong = httpx.post(f"{url}/accounts/ClientLogin", data={"Email": "bob", "Passwd": f"x{i}"})
        assert wrong.status_code == 401
    for i in range(5):
        answer = httpx.post(f"{url}/fever/?api", data={"api_key": f"{i:032x}"}).json()
        assert answer == {"api_version": 3, "auth": 0}
    right = {"Email": "alice", "Passwd": PASSWORD}
    assert httpx.post(f"{url}/accounts/ClientLogin", data=right).status_code == 429
    key = hashlib.md5(f"alice:{PASSWORD}".encode()).hexdigest()
    assert httpx.post(f"{url}/fever/?api", data={"api_key": key}).json()["auth"] == 0
    with httpx.Client(base_url=url) as client:
        assert log_in(client, "alice", PASSWORD).status_code == 429
