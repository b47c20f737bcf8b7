"""``reale store migrate``, ``reale store info`` and ``reale store prune``: bring a store's schema
up to date, show its backend, migrations and row counts (``--json`` for scripts), or erase the
words of posts older than the retention period."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import Any

from reale.config import Config, load_config
from reale.errors import ConfigError, StoreError
from reale.store import open_existing_store, open_store


def register(sub: Any) -> None:
    p = sub.add_parser("store", help="inspect or migrate the store (SQLite or PostgreSQL)")
    cmds = p.add_subparsers(dest="store_command", metavar="ACTION", required=True)
    m = cmds.add_parser("migrate", help="apply pending schema migrations (safe to repeat)")
    _target(m)
    m.set_defaults(func=run_migrate)
    i = cmds.add_parser("info", help="show the backend, applied and pending migrations, row counts "
                        "(a store that does not exist is an error; nothing is created)")
    _target(i)
    i.add_argument("--json", action="store_true", help="print JSON instead of text")
    i.set_defaults(func=run_info)
    r = cmds.add_parser("prune", help="erase the words (text, links, display names) of posts "
                        "older than --keep-text-days, in small batches; counts stay "
                        "(safe to repeat)")
    _target(r)
    r.add_argument("--keep-text-days", type=int, required=True, metavar="N",
                   help="keep the words of posts of the last N days (N >= 1)")
    r.add_argument("--dry-run", action="store_true",
                   help="print how many posts would be erased, change nothing")
    r.set_defaults(func=run_prune)


def _target(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", metavar="URL", help="sqlite:///PATH, sqlite:////ABS/PATH or "
                   "postgresql://… (default: the config file's store, else "
                   f"{Config().store})")
    p.add_argument("--config", metavar="FILE", help="reale.toml to read the store URL from")


def _url(args: argparse.Namespace) -> str:
    return str(args.store or (load_config(args.config).store if args.config else Config().store))


def run_migrate(args: argparse.Namespace) -> int:
    with open_store(_url(args), migrate=False) as store:
        applied = store.migrate()
        print(f"{store.url}: applied {', '.join(applied)}" if applied
              else f"{store.url}: up to date")
    return 0


def run_info(args: argparse.Namespace) -> int:
    with open_existing_store(_url(args)) as store:  # info only reads: it creates nothing
        applied = store.applied_migrations()
        pending = store.pending_migrations()
        counts = store.table_counts() if applied else {}
        info: dict[str, Any] = {
            "url": store.url,
            "backend": store.dialect.name,
            "applied": [{"name": a.name, "applied_at": _iso(a.applied_at)} for a in applied],
            "pending": pending,
            "rows": counts,
        }
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    print(f"store     {info['url']} ({info['backend']})")
    print(f"applied   {', '.join(a.name for a in applied) or '(none)'}")
    print(f"pending   {', '.join(pending) or '(none)'}")
    for table, n in counts.items():
        print(f"{table:<21} {n:>10,}")
    return 0


def run_prune(args: argparse.Namespace) -> int:
    if args.keep_text_days < 1:
        raise ConfigError(f"--keep-text-days must be at least 1, got {args.keep_text_days}")
    from reale.web.data import register_writers  # the desk's parts erase what they keep

    with open_existing_store(_url(args)) as store:
        if store.pending_migrations():
            raise StoreError(f"{store.url}: the schema is not up to date: run reale store migrate"
                             " first")
        register_writers(store)
        done = store.prune_texts(args.keep_text_days, dry_run=args.dry_run)
    verb = "would erase" if args.dry_run else "erased"
    print(f"{store.url}: {verb} the words of {done.posts} posts created before "
          f"{_iso(done.before)} (kept: {args.keep_text_days} days)")
    return 0


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat(timespec="seconds")
