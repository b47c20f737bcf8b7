"""``reale serve``: the web desk on 127.0.0.1 (``--host``/``--port`` to change), reading the
store and brands of ``--config`` (or ``--store``); its live feed follows what others store."""

from __future__ import annotations

import argparse
import os
import socket
import sys
from typing import Any

from reale.config import Config, load_config
from reale.errors import ConfigError
from reale.store import open_store


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 1-65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 1-65535, not {value}")
    return value


def check_free(host: str, port: int) -> None:
    """Say so plainly when the address is taken (uvicorn would log and exit with code 3)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror} (another reale "
                              "serve? choose another with --port)") from exc


def register(sub: Any) -> None:
    p = sub.add_parser("serve", help="serve the web desk (default http://127.0.0.1:8765)")
    p.add_argument("--host", help="address to bind (default 127.0.0.1; [web] host)")
    p.add_argument("--port", type=port_number, help="port (default 8765; [web] port)")
    p.add_argument("--config", metavar="FILE", help="reale.toml (brands, store, [web], accounts)")
    p.add_argument("--store", metavar="URL", help="store URL (overrides the config's)")
    p.add_argument("--no-follow", action="store_true",
                   help="do not read new rows from the store for the live feed ([web] "
                   "follow_interval = 0)")
    p.set_defaults(func=run)



def no_users_hint(config: str | None, store: str | None) -> str:
    """What to run when the desk has nobody to log in: on the store this desk reads (a user added
    without the same --config or --store lands in the default store, and cannot log in here)."""
    where = f" --store {store}" if store else f" --config {config}" if config else ""
    return ("reale: no users yet: create the first admin with "
            f"`reale users add NAME --role admin{where}`")

def run(args: argparse.Namespace) -> int:
    import uvicorn

    from reale.store.upkeep import Upkeep
    from reale.web.assemble import accounts_of, app_from_config, check_web_config
    from reale.web.data import register_writers
    from reale.web.follow import StoreFollower, following
    from reale.web.settings import web_settings

    config = load_config(args.config) if args.config else Config()
    settings = web_settings(config.extra, config.team_language)
    host, port = args.host or settings.host, args.port or settings.port
    check_web_config(config, os.environ)  # before the store is opened (or created)
    check_free(host, port)
    store = open_store(args.store or config.store)
    try:
        app = app_from_config(config, store, os.environ)
        services = app.state.services
        if not args.no_follow:  # this process writes nothing: the live feed follows the store
            services.follower = StoreFollower.from_settings(store, services.hub, settings)
        if not accounts_of(store, settings).users():
            print(no_users_hint(args.config, args.store), file=sys.stderr, flush=True)
        if host not in ("127.0.0.1", "localhost", "::1"):
            print(f"reale: serving on {host}: put it behind https (cookies are Secure only "
                  "over https)", file=sys.stderr)
        print(f"Reale desk on http://{host}:{port}", flush=True)
        # retention and the rollups' upkeep, which a writing process does as it writes
        store.keep_text_days = config.keep_text_days
        register_writers(store)
        # live pages hold their connection open: give them two seconds to go on shutdown
        with following(services.follower), Upkeep(store):
            uvicorn.run(app, host=host, port=port, log_level="warning", lifespan="off",
                        timeout_graceful_shutdown=2)
    finally:
        store.close()
    return 0
