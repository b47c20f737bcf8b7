"""``reale alerts``: the alert outbox from the terminal.

    reale alerts                    pending, held and dead deliveries (--state, --brand, --json)
    reale alerts --retry ID         requeue a dead delivery (its number or delivery id)
    reale alerts test CHANNEL       send a test message to a channel now
    reale alerts rules              check the [alerts] section and print it back (--json)
    reale alerts rules --in-force   the rules in force: the config's with the desk's edits
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from reale.alerts.admin import delivery_dict, format_table, send_test
from reale.alerts.config import AlertsConfig, parse_alerts_config
from reale.alerts.db import open_alerts_db
from reale.alerts.outbox import STATES, Outbox
from reale.alerts.overlay import effective, views
from reale.alerts.rulestore import RuleStore
from reale.alerts.secrets import resolve_credentials
from reale.alerts.serialise import alerts_to_json, alerts_to_toml
from reale.clock import SystemClock
from reale.config import Config, load_config
from reale.errors import ConfigError


def register(sub: Any) -> None:
    p = sub.add_parser("alerts", help="list, retry and test alert deliveries",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("action", nargs="?", default="list", choices=["list", "test", "rules"],
                   help="list (default), test CHANNEL, or rules")
    p.add_argument("channel", nargs="?", help="the channel for `test`")
    p.add_argument("--config", default=None,
                   help="config file (default: $REALE_CONFIG or reale.toml)")
    p.add_argument("--store", help="store URL (default: the config's store)")
    p.add_argument("--state", action="append", choices=[*STATES, "all"],
                   help="states to list (repeatable; default: pending, held, dead)")
    p.add_argument("--brand", help="only this brand's deliveries")
    p.add_argument("--limit", type=int, default=100, help="rows to show (default 100)")
    p.add_argument("--retry", metavar="ID", help="requeue a dead delivery")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--in-force", action="store_true",
                   help="rules: with the edits made in the web desk (read from the store); each "
                        "rule's source is printed to stderr")
    p.set_defaults(func=run)


def _config(args: argparse.Namespace, *, required: bool) -> Config:
    named = args.config or os.environ.get("REALE_CONFIG", "")
    path = Path(named or "reale.toml")
    if path.is_file():
        return load_config(path)
    if named:  # a file the user named must exist; only the default may be absent
        raise ConfigError(f"config file {path} not found")
    if required:
        raise ConfigError(f"config file {path} not found; pass --config FILE")
    return Config()


def _alerts(cfg: Config) -> AlertsConfig:
    return parse_alerts_config(cfg.extra.get("alerts"), where=f"{cfg.path or 'config'} [alerts]")


def run(args: argparse.Namespace) -> int:
    if args.action == "test":
        return _test(args)
    if args.action == "rules":
        cfg = _config(args, required=True)
        rules = _in_force(_alerts(cfg), args.store or cfg.store) if args.in_force else _alerts(cfg)
        print(alerts_to_json(rules) if args.json else alerts_to_toml(rules), end="" if not args.json else "\n")
        if not rules.channels and not rules.rules:
            print(f"reale alerts: {cfg.path} has no [[alerts.channels]] or [[alerts.rules]] yet, so "
                  "no alert is sent (see docs/alerts.md)", file=sys.stderr)
        return 0
    cfg = _config(args, required=False)
    outbox = Outbox(open_alerts_db(args.store or cfg.store, create=False))  # lists: creates nothing
    if args.retry:
        row = outbox.requeue(args.retry, SystemClock().now())
        print(f"requeued delivery {row.id} ({row.delivery_id}) to {row.channel}")
        return 0
    states = list(STATES) if args.state and "all" in args.state else (args.state or ["pending", "held", "dead"])
    rows = outbox.list(states, brand=args.brand, limit=args.limit)
    if args.json:
        print(json.dumps({"counts": outbox.counts(), "deliveries": [delivery_dict(r) for r in rows]},
                         ensure_ascii=False, indent=2))
    else:
        counts = outbox.counts()
        print(format_table(rows, states))
        print("\n" + ", ".join(f"{k}: {v}" for k, v in counts.items()))
    return 0


def _in_force(config: AlertsConfig, store: str) -> AlertsConfig:
    """The rules the dispatcher routes by; each rule's source (and why one is off) on stderr."""
    rules = RuleStore(open_alerts_db(store))
    edits, order = rules.edits(), rules.order()
    for v in views(config, edits, order):  # in the order that decides
        why = "disabled" if v.disabled else v.problem
        print(f"# {v.rule.name}: {v.source}" + (f" (not in force: {why})" if why else ""),
              file=sys.stderr)
    return effective(config, edits, order)


def _test(args: argparse.Namespace) -> int:
    if not args.channel:
        raise ConfigError("say which channel to test: reale alerts test CHANNEL")
    cfg = _config(args, required=True)
    rules = _alerts(cfg)
    channel = rules.channel(args.channel)
    base = Path(cfg.path).parent if cfg.path else Path.cwd()
    secrets = {channel.name: resolve_credentials(
        AlertsConfig(channels=(channel,)), os.environ, base)[channel.name]}
    outcome = asyncio.run(send_test(rules, secrets, channel.name, SystemClock()))
    if outcome.ok:
        print(f"sent a test alert to {channel.name} ({channel.kind})")
        return 0
    print(f"reale: the test alert to {channel.name} failed: {outcome.error}", file=sys.stderr)
    return 1
