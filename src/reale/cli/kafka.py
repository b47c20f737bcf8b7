"""``reale kafka init | status | worker``: create Reale's topics, show consumer lag per group and
partition, and run one role of the scale-out runner (the entry point ``reale run --runner kafka``
shares). Thin: parse, build frozen settings, call :mod:`reale.run.kafka`."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

import msgspec

from reale.config import Config, load_config
from reale.errors import ConfigError, RealeError
from reale.run.kafka.settings import ROLES, KafkaSettings


def register(sub: Any) -> None:
    p = sub.add_parser("kafka", help="scale out on Kafka: create topics, show lag, run a worker")
    cmds = p.add_subparsers(dest="kafka_command", metavar="ACTION", required=True)
    i = cmds.add_parser("init", help="create the topics (posts, interactions, mentions, tracked, moment-terms)")
    add_kafka_arguments(i)
    i.set_defaults(func=run_init)
    _status(cmds.add_parser("status", help="consumer lag per group and partition"))
    _status(sub.add_parser("status", help="the Kafka runner's consumer lag per group and "
                           "partition (same as kafka status; one-process runs: store info)"))
    w = cmds.add_parser("worker", help="run one role: source, matcher, stages, moments or all")
    add_kafka_arguments(w)
    add_worker_arguments(w)
    w.set_defaults(func=run_worker)


def _status(p: argparse.ArgumentParser) -> None:
    """``reale kafka status`` and its short form ``reale status`` take the same arguments."""
    add_kafka_arguments(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=run_status)


def add_kafka_arguments(p: argparse.ArgumentParser) -> None:
    d = KafkaSettings()
    p.add_argument("--bootstrap", default=d.bootstrap, metavar="HOST:PORT",
                   help=f"Kafka bootstrap servers (default {d.bootstrap})")
    p.add_argument("--prefix", default="", help="prefix for topic and group names")
    p.add_argument("--partitions", type=int, default=d.partitions,
                   help=f"partitions per topic for init (default {d.partitions})")
    p.add_argument("--retention-ms", type=int, default=d.retention_ms,
                   help="topic retention.ms for init (default: a week)")
    p.add_argument("--kafka-option", action="append", default=[], metavar="KEY=VALUE",
                   help="extra librdkafka setting, e.g. security.protocol=SASL_SSL (repeatable)")


def add_worker_arguments(p: argparse.ArgumentParser) -> None:
    d = KafkaSettings()
    p.add_argument("--role", choices=ROLES, default="all", help="what this process runs")
    p.add_argument("--store", metavar="URL", help="postgresql://… shared by every worker "
                   "(default: the config file's store)")
    p.add_argument("--config", metavar="FILE", help="reale.toml (brands, sources, metrics port)")
    p.add_argument("--replay", metavar="FILE", help="source role: publish this JSONL file")
    p.add_argument("--batch-size", type=int, default=d.batch_size,
                   help="records per poll and store transaction (default %(default)s)")
    p.add_argument("--batch-wait", type=float, default=d.batch_wait, metavar="SECONDS",
                   help="how long a poll waits to fill a batch (default %(default)s)")
    p.add_argument("--session-timeout-ms", type=int, default=d.session_timeout_ms,
                   help="how soon a dead worker's partitions move (default %(default)s)")
    p.add_argument("--snapshot-interval", type=float, default=d.snapshot_interval,
                   metavar="SECONDS", help="keyed state saved this often (default %(default)s)")
    p.add_argument("--grace", type=float, default=d.grace, metavar="SECONDS",
                   help="stream time a late record is waited for: interactions for their post's "
                   "marker, partial counts for their moment bucket (default %(default)s)")
    p.add_argument("--idle-exit", type=float, metavar="SECONDS",
                   help="stop after this long without a record, counted again from each "
                   "partition assignment (batch jobs, tests; joining a group takes seconds: "
                   "give it 20 or more)")
    p.add_argument("--metrics-port", type=int, help="Prometheus /metrics port (0: off)")
    p.add_argument("--metrics-host", help="address for metrics (default 127.0.0.1)")
    p.add_argument("--log-level", default="info")


def settings_from(args: argparse.Namespace) -> KafkaSettings:
    bad = [kv for kv in args.kafka_option if "=" not in kv]
    if bad:
        raise ConfigError(f"--kafka-option {bad[0]!r}: write KEY=VALUE, e.g. "
                          "security.protocol=SASL_SSL")
    client = dict(kv.split("=", 1) for kv in args.kafka_option)
    extra: dict[str, Any] = {}
    if getattr(args, "batch_size", None):
        extra["batch_size"] = args.batch_size
    if getattr(args, "snapshot_interval", None) is not None:
        extra["snapshot_interval"] = args.snapshot_interval
    if getattr(args, "grace", None) is not None:
        extra["grace"] = args.grace
    if getattr(args, "batch_wait", None):
        extra["batch_wait"] = args.batch_wait
    if getattr(args, "session_timeout_ms", None):
        extra["session_timeout_ms"] = args.session_timeout_ms
        extra["heartbeat_ms"] = max(100, min(1000, args.session_timeout_ms // 5))
    return KafkaSettings(bootstrap=args.bootstrap, prefix=args.prefix,
                         partitions=args.partitions, retention_ms=args.retention_ms,
                         client=client, **extra).validate()


def run_init(args: argparse.Namespace) -> int:
    from reale.run.kafka.admin import check_copartitioned, init_topics

    s = settings_from(args)
    results = init_topics(s)
    for r in results:
        state = "created" if r.created else "exists"
        print(f"{r.topic}: {state}, {r.partitions} partitions" + (f" ({r.note})" if r.note else ""))
    check_copartitioned(s, {r.topic[len(s.prefix):]: r.partitions for r in results})
    return 0


def run_status(args: argparse.Namespace) -> int:
    from reale.run.kafka.admin import consumer_lag

    try:
        rows = consumer_lag(settings_from(args))
    except RealeError as exc:
        raise RealeError(f"{exc}; `reale status` shows the Kafka runner's lag: for `reale run` "
                         "(one process) see `reale store info`") from exc
    if args.json:
        print(json.dumps(msgspec.to_builtins(rows), indent=2))
        return 0
    print(f"{'group':<28} {'topic':<16} {'part':>4} {'committed':>10} {'end':>10} {'lag':>8}")
    for r in rows:
        done = "-" if r.committed is None else str(r.committed)
        print(f"{r.group:<28} {r.topic:<16} {r.partition:>4} {done:>10} {r.end:>10} {r.lag:>8}")
    return 0


def worker_config(args: argparse.Namespace) -> Config:
    """The config a worker runs, its sources' tokens read from their ``token_env`` as ``reale
    run`` reads them (the source role listens with them, the stages role fetches profiles)."""
    from reale.cli.run import _with_tokens

    cfg = _with_tokens(load_config(args.config)) if args.config else Config()
    changes: dict[str, Any] = {}
    if args.metrics_port is not None:
        changes["metrics_port"] = args.metrics_port
    if args.metrics_host:
        changes["metrics_host"] = args.metrics_host
    if args.replay:
        from reale.config import SourceConfig

        changes["sources"] = (SourceConfig(kind="replay", path=args.replay),)
    return msgspec.structs.replace(cfg, **changes) if changes else cfg


def alert_secrets(cfg: Config, role: str) -> dict[str, Any]:
    """The alert channels' credentials from the environment, for a role that delivers alerts."""
    if role not in ("stages", "moments", "all"):
        return {}
    from reale.alerts import resolve_credentials
    from reale.run.wiring import alerts_from_config

    alerts = alerts_from_config(cfg.extra)
    if alerts is None:
        return {}
    base = Path(cfg.path).parent if cfg.path else None
    return dict(resolve_credentials(alerts, os.environ, base=base))


def run_worker(args: argparse.Namespace) -> int:
    from reale.run.kafka.logs import setup_json_logging
    from reale.run.kafka.runner import run_kafka

    cfg = worker_config(args)
    setup_json_logging(args.log_level, role=args.role)
    run_kafka(cfg, bootstrap=args.bootstrap, store_url=args.store or cfg.store, role=args.role,
              settings=settings_from(args), idle_exit=args.idle_exit,
              alert_secrets=alert_secrets(cfg, args.role))
    return 0
