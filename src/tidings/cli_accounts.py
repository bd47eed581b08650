"""``tidings accounts``: the readers who log in (web, Google Reader and Fever apps).

Passwords are read from ``--password-file``, else from standard input when it is not
a terminal (``echo secret | tidings accounts add me``), else asked for twice; they
never appear on the command line, where other users of the machine could read them.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from tidings.config import Settings
from tidings.records import Account
from tidings.store.base import Store


def add_parsers(sub: Any) -> None:
    """The ``accounts`` command and its actions, on ``tidings``' sub-parsers."""
    accounts = sub.add_parser(
        "accounts", help="reader accounts: add, list, change a password, remove"
    )
    asub = accounts.add_subparsers(title="accounts commands", metavar="ACTION")
    add = asub.add_parser("add", help="add an account (its password from stdin or a prompt)")
    add.add_argument("username")
    add.add_argument("--admin", action="store_true", help="may manage sources and crawling")
    add.add_argument(
        "--subscribe-all", action="store_true", help="subscribe it to every source there is"
    )
    add.add_argument("--password-file", type=Path, help="read the password from this file")
    add.set_defaults(handler=_add)
    lst = asub.add_parser("list", help="list accounts")
    lst.set_defaults(handler=_list)
    passwd = asub.add_parser("passwd", help="set an account's password (ends its sessions)")
    passwd.add_argument("username")
    passwd.add_argument("--password-file", type=Path)
    passwd.set_defaults(handler=_passwd)
    remove = asub.add_parser(
        "remove", help="remove an account with its subscriptions and reading state"
    )
    remove.add_argument("username")
    remove.set_defaults(handler=_remove)


def find_account(store: Store, username: str) -> Account:
    """The account named ``username``; raises ``SystemExit`` (status 1) if none."""
    found = store.account_credentials(username)
    if found is None:
        print(f"tidings: no account named {username!r}", file=sys.stderr)
        raise SystemExit(1)
    return found[0]


def _password(path: Path | None) -> str:
    if path is not None:
        lines = path.read_text(encoding="utf-8").splitlines()
        return lines[0] if lines else ""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        print("tidings: the passwords differ", file=sys.stderr)
        raise SystemExit(1)
    return first


def _open(settings: Settings) -> Store:
    from tidings.store import open_store

    return open_store(settings.resolved_database_url)


def _add(args: argparse.Namespace, settings: Settings) -> int:
    from tidings.serve.accounts import AccountError, create_account

    password = _password(args.password_file)
    store = _open(settings)
    try:
        try:
            account = create_account(store, args.username, password, is_admin=args.admin)
        except AccountError as exc:
            print(f"tidings: {exc}", file=sys.stderr)
            return 1
        subscribed = 0
        if args.subscribe_all:
            for source in store.list_sources():
                store.subscribe(account.id, source.id)
                subscribed += 1
    finally:
        store.close()
    role = "admin" if account.is_admin else "reader"
    print(f"Added {role} {account.username} (id {account.id}); subscribed to {subscribed} sources")
    return 0


def _list(args: argparse.Namespace, settings: Settings) -> int:
    store = _open(settings)
    try:
        for account in store.list_accounts():
            subscriptions = len(store.subscriptions(account.id))
            role = "admin" if account.is_admin else "reader"
            print(
                f"{account.id:>4}  {account.username:<24} {role:<6} "
                f"{subscriptions} subscriptions, since {account.created_at}"
            )
    finally:
        store.close()
    return 0


def _passwd(args: argparse.Namespace, settings: Settings) -> int:
    from tidings.serve.accounts import AccountError, change_password

    store = _open(settings)
    try:
        account = find_account(store, args.username)
        try:
            change_password(store, account, _password(args.password_file))
        except AccountError as exc:
            print(f"tidings: {exc}", file=sys.stderr)
            return 1
    finally:
        store.close()
    print(f"Password of {account.username} changed; its sessions are closed")
    return 0


def _remove(args: argparse.Namespace, settings: Settings) -> int:
    store = _open(settings)
    try:
        account = find_account(store, args.username)
        store.delete_account(account.id)
    finally:
        store.close()
    print(f"Removed account {account.username}")
    return 0
