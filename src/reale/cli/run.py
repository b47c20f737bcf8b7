"""``reale run`` (live sources from the config) and ``reale replay FILE`` (recordings)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

import httpx
import msgspec

from reale.alerts import resolve_credentials
from reale.cli.serve import check_free, no_users_hint, port_number
from reale.config import Config, SourceConfig, load_config
from reale.errors import ConfigError
from reale.run.app import EmbeddedApp
from reale.run.embedded import RunSummary, Source
from reale.run.kafka.settings import ROLES
from reale.run.learning import relevance_memory
from reale.run.printer import LabelledPrinter, MentionPrinter
from reale.run.wiring import Pipeline, Understanding, alerts_from_config
from reale.signals.profile_clients import ProfileClient, clients_for


def register(sub: Any) -> None:
    p = sub.add_parser("run", help="listen to the live sources of a config and store every mention",
                       description="Listen to every [[sources]] entry of the config, match posts "
                       "against the brands' watch-queries and store mentions. Ctrl-C stops "
                       "gracefully: the store is flushed and cursors saved.")
    p.add_argument("--config", required=True, help="the reale.toml to run")
    p.add_argument("--store", default="", help="store URL (overrides the config's store)")
    p.add_argument("--quiet", action="store_true", help="do not print mentions as they arrive")
    p.add_argument("--serve", action="store_true",
                   help="also serve the web desk on 127.0.0.1 (see reale serve for its options); "
                   "it stays up after the sources end, until Ctrl-C")
    p.add_argument("--port", type=port_number, default=0,
                   help="web desk port with --serve (default: [web] port, else 8765)")
    p.add_argument("--runner", choices=("embedded", "kafka"), default="embedded",
                   help="embedded: one process (the default); kafka: this process takes one role "
                   "of the scale-out pipeline (pip install 'reale[kafka,postgres]')")
    p.add_argument("--bootstrap", default="", help="Kafka bootstrap servers HOST:PORT (--runner kafka)")
    p.add_argument("--role", choices=ROLES, default="all",
                   help="with --runner kafka: source, matcher, stages, moments or all")
    p.add_argument("--idle-exit", type=float, default=None,
                   help="with --runner kafka: stop after this many seconds without input")
    p.add_argument("--log-level", default="info",
                   help="with --runner kafka: level of the JSON log lines on stderr (default info)")
    p.set_defaults(func=run_live)

    r = sub.add_parser("replay", help="replay recordings (Jetstream, Mastodon or X JSON lines)",
                       description="Replay JSON-lines recordings in any supported wire format "
                       "through the pipeline, flat out or at the recorded pace times --speed. "
                       "Each file's cursor is its last stored line: an interrupted replay goes on "
                       "where it stopped, and a file already replayed into the same store gives "
                       "nothing new (the log says so; use another --store to start over).")
    r.add_argument("files", nargs="+", help="recordings to replay")
    r.add_argument("--config", default="", help="reale.toml with the brands (default: none)")
    r.add_argument("--store", default="", help="store URL (default: the config's)")
    r.add_argument("--speed", type=float, default=0.0, help="pace × N of the recording (0: flat out)")
    r.add_argument("--quiet", action="store_true", help="do not print mentions")
    r.add_argument("--json", action="store_true", help="print the summary as JSON")
    r.add_argument("--full", action="store_true",
                   help="run every stage (understanding, signals, desk, alerts), not only "
                   "match and store")
    r.set_defaults(func=run_replay)


def _with_tokens(cfg: Config) -> Config:
    """Fill each source's token from its token_env: the only place that reads the environment."""
    sources = []
    for s in cfg.sources:
        if s.token_env:
            token = os.environ.get(s.token_env, "")
            if not token:
                raise ConfigError(f"source {s.kind}: environment variable {s.token_env} is not set")
            s = msgspec.structs.replace(s, token=token)
        sources.append(s)
    return msgspec.structs.replace(cfg, sources=tuple(sources))


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


async def _run(cfg: Config, store_url: str, sources_of: Any, quiet: bool, *,
               full: bool = False, serve_port: int = 0) -> RunSummary:
    # the full pipeline prints each mention once labelled (its detected language), else at once
    stages = [] if quiet or full else [MentionPrinter()]
    sinks = () if quiet or not full else (LabelledPrinter(),)
    show_reload_log()  # `reale run` and `reale replay` alike say what a config edit changed
    async with EmbeddedApp(cfg, store_url=store_url, stages=stages) as app:
        assert app.writer is not None and app.store is not None
        sources: list[Source] = sources_of(app)
        stop = asyncio.Event()
        _stop_on_signals(stop)
        if not full:
            return await app.run(sources, stop)
        async with contextlib.AsyncExitStack() as stack:
            http = await stack.enter_async_context(httpx.AsyncClient(timeout=10.0))
            alerts = alerts_from_config(cfg.extra)
            secrets = (resolve_credentials(alerts, os.environ, base=_config_dir(cfg))
                       if alerts is not None else {})
            understanding = Understanding(cfg.brands, relevance_memory(cfg.extra))
            pipeline = Pipeline(app, clock=app.clock, understanding=understanding,
                                profile_clients=profile_clients(cfg, http),
                                alerts=alerts, alert_secrets=secrets, sinks=sinks)
            await stack.enter_async_context(pipeline)
            if serve_port:
                from reale.web.assemble import app_from_config
                from reale.web.serving import serving

                web = app_from_config(cfg, app.store, os.environ, hub=pipeline.hub,
                                      queue=pipeline.queue,
                                      moments=lambda since: pipeline.signals.moments(None, since))
                url = stack.enter_context(serving(web, serve_port))
                print(f"the desk is at {url}/live", file=sys.stderr)
                if not web.state.services.accounts.users():
                    print(no_users_hint(cfg.path, store_url or None),
                          file=sys.stderr, flush=True)
            started = app.clock.now()
            summary = await app.run(sources, stop)
            if serve_port and not stop.is_set():  # a replay ended: the desk is what is left
                await pipeline.settle()  # its last labels and opportunities, stored now
                print(f"reale: the sources have ended; the desk stays at {url}/live until "
                      "Ctrl-C", file=sys.stderr, flush=True)
                await stop.wait()
        # the pipeline has stored what it made: count what reached the desk
        summary.opportunities, summary.moments = (
            _stored_since(app.store, table, started) for table in ("opportunities", "moments"))
        return summary


def _stored_since(store: Any, table: str, since: float) -> int:
    found = store.query(f"SELECT COUNT(*) FROM {table} WHERE stored_at >= ?", (since,))
    return int(found[0][0]) if found else 0


def _config_dir(cfg: Config) -> Path | None:
    return Path(cfg.path).parent if cfg.path else None


def profile_clients(cfg: Config, http: httpx.AsyncClient) -> dict[str, ProfileClient]:
    """Profile lookups for the networks the config listens to (public AppView for Bluesky)."""
    return clients_for(cfg.sources, http)


def show_reload_log() -> None:
    """Print the config reloader's lines on stderr, the successful reloads (info) as well as the
    broken ones (warnings, which Python prints anyway): an edit that took says so."""
    reload_log = logging.getLogger("reale.match.reload")
    if not reload_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        reload_log.addHandler(handler)
        reload_log.setLevel(logging.INFO)
        reload_log.propagate = False


def run_live(args: argparse.Namespace) -> int:
    from reale.sources.factory import build_sources

    cfg = _with_tokens(load_config(args.config))
    if args.runner == "kafka":
        return _run_kafka(cfg, args)
    if not cfg.sources:
        raise ConfigError(f"{args.config}: no [[sources]] to listen to")

    def sources_of(app: EmbeddedApp) -> list[Source]:
        out: list[Source] = []
        for s in cfg.sources:
            out.extend(build_sources(s, cursor_store=app.writer, brands=cfg.brands))  # type: ignore[arg-type]
        return out

    _check_replay_paths(cfg.sources)
    if args.serve:  # a desk that would refuse to start stops the command before any source
        from reale.web.assemble import check_web_config

        settings = check_web_config(cfg, os.environ)
        args.port = args.port or settings.port
        check_free("127.0.0.1", args.port)
    summary = asyncio.run(_run(cfg, args.store, sources_of, args.quiet, full=True,
                               serve_port=args.port if args.serve else 0))
    print(_summary_text(summary))
    return _exit_code(summary)


def _run_kafka(cfg: Config, args: argparse.Namespace) -> int:
    if not args.bootstrap:
        raise ConfigError("--runner kafka needs --bootstrap HOST:PORT")
    from reale.cli.kafka import alert_secrets
    from reale.run.kafka import run_kafka
    from reale.run.kafka.logs import setup_json_logging

    setup_json_logging(args.log_level, role=args.role)
    summaries = run_kafka(cfg, bootstrap=args.bootstrap, store_url=args.store or None,
                          role=args.role, idle_exit=args.idle_exit,
                          alert_secrets=alert_secrets(cfg, args.role))
    for s in summaries:
        print(json.dumps(msgspec.to_builtins(s)))
    return 0


def run_replay(args: argparse.Namespace) -> int:
    from reale.sources.factory import build_sources, check_numbers

    cfg = load_config(args.config) if args.config else Config()
    replay = [SourceConfig(kind="replay", path=f, speed=args.speed, id=f"replay:{f}")
              for f in args.files]
    for source in replay:
        check_numbers(source)
    _check_replay_paths(replay)
    if not cfg.brands:
        print("reale replay: no brands to match, so nothing will be stored: pass --config "
              "reale.toml with [[brands]]", file=sys.stderr)

    def sources_of(app: EmbeddedApp) -> list[Source]:
        out: list[Source] = []
        for s in replay:
            out.extend(build_sources(s, cursor_store=app.writer, brands=cfg.brands))  # type: ignore[arg-type]
        return out

    summary = asyncio.run(_run(cfg, args.store, sources_of, args.quiet or args.json,
                               full=args.full))
    print(json.dumps(msgspec.to_builtins(summary)) if args.json else _summary_text(summary))
    return _exit_code(summary)


def _check_replay_paths(sources: tuple[SourceConfig, ...] | list[SourceConfig]) -> None:
    """A replay file that is not there fails before anything starts, not halfway through."""
    from reale.sources.replay import check_json_lines

    for s in sources:
        if s.kind != "replay":
            continue
        if not s.path:
            raise ConfigError('a replay source needs path = "FILE.jsonl"')
        if not Path(s.path).is_file():
            why = "it is a folder" if Path(s.path).is_dir() else "no such file"
            raise ConfigError(f"cannot read replay file {s.path}: {why}")
        check_json_lines(s.path)


def _exit_code(summary: RunSummary) -> int:
    """1 when a source stopped early (what it delivered is stored), after saying so."""
    if not summary.errors:
        return 0
    print(f"reale: error: {len(summary.errors)} source(s) stopped early: "
          f"{'; '.join(summary.errors)} (what arrived before is stored)", file=sys.stderr)
    return 1


def _summary_text(s: RunSummary) -> str:
    lat = s.latency
    text = (f"{s.events:,} events, {s.mentions:,} mentions, {s.posts_stored:,} posts and "
            f"{s.interactions_stored:,} interactions stored")
    if s.opportunities is not None:
        text += f", {s.opportunities:,} opportunities and {s.moments or 0:,} moments"
    if s.deletions:
        text += (f"; {s.deletions:,} deletions: {s.deletions_applied:,} posts erased, "
                 f"{s.deletions_unknown:,} of posts not stored")
    if not s.mentions:  # no latency to speak of
        return text
    return (f"{text}; arrival to stored mention p50 {lat.get('p50', 0) * 1000:.0f} ms, "
            f"p99 {lat.get('p99', 0) * 1000:.0f} ms")
