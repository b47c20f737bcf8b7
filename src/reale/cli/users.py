"""``reale users``: the desk's people. ``add NAME --role ROLE`` creates one (or resets their
password and role), prompting for the password or reading it from ``--password-stdin``;
``list`` shows them; ``disable``/``enable`` lock an account out or let it back in."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from reale.config import Config, load_config
from reale.errors import DeskError
from reale.store import open_existing_store, open_store


def register(sub: Any) -> None:
    p = sub.add_parser("users", help="add, list, disable or enable the desk's users")
    cmds = p.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = cmds.add_parser("add", help="add a user (or reset their password and role)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=("viewer", "responder", "approver", "admin"))
    add.add_argument("--lang", default="", choices=("", "en", "it"), help="interface language")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of stdin instead of prompting")
    _target(add)
    add.set_defaults(func=run_add)
    ls = cmds.add_parser("list", help="list the users and their roles")
    _target(ls)
    ls.set_defaults(func=run_list)
    for name, flag in (("disable", True), ("enable", False)):
        c = cmds.add_parser(name, help=f"{name} a user's account")
        c.add_argument("name")
        _target(c)
        c.set_defaults(func=run_disable, disabled=flag)


def _target(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="FILE", help="reale.toml to read the store from")
    p.add_argument("--store", metavar="URL", help="store URL (overrides the config's)")


def _accounts(args: argparse.Namespace, *, create: bool = False) -> Any:
    """The store and its accounts; only ``add`` may create a store (the first user of a new
    desk), the other actions need one that exists."""
    from reale.web.assemble import accounts_of
    from reale.web.settings import web_settings

    config = load_config(args.config) if args.config else Config()
    url = args.store or config.store
    store = open_store(url) if create else open_existing_store(url, migrate=True)
    return store, accounts_of(store, web_settings(config.extra, config.team_language))


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    try:
        first = getpass.getpass(f"Password for {args.name}: ")
        again = getpass.getpass("Again: ")
    except EOFError as exc:
        raise DeskError("no password was typed; to pipe one in, use --password-stdin") from exc
    if again != first:
        raise DeskError("the two passwords differ; nothing was changed")
    return first


def run_add(args: argparse.Namespace) -> int:
    password = _password(args)
    store, accounts = _accounts(args, create=True)
    with store:
        user = accounts.add(args.name, password, args.role, args.lang)
        print(f"{user.name}: {user.role}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    store, accounts = _accounts(args)
    with store:
        for u in accounts.users():
            print(f"{u.name}\t{u.role or '-'}\t{u.lang or '-'}\t{'disabled' if u.disabled else 'active'}")
    return 0


def run_disable(args: argparse.Namespace) -> int:
    store, accounts = _accounts(args)
    with store:
        accounts.set_disabled(args.name, args.disabled)
        print(f"{args.name}: {'disabled' if args.disabled else 'enabled'}")
    return 0
