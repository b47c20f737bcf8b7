"""``reale demo``: the simulator's scenarios through the embedded pipeline, mentions as they arrive."""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
from typing import Any

from reale.errors import ConfigError


def register(sub: Any) -> None:
    p = sub.add_parser(
        "demo", help="run the simulator's scenarios through the whole pipeline",
        description="Simulate a Bluesky firehose with scripted scenarios (an influencer asking a "
        "car brand for a car, a spontaneous #followfriday to a florist, a stadium blackout, a "
        "snowballing complaint, an earthquake) and run it through matching, understanding, "
        "signals and the desk, printing mentions, opportunities and moments as they arrive.")
    p.add_argument("--store", default="sqlite:///var/demo.sqlite",
                   help="where to store the demo (default %(default)s; recreated at each run, so a "
                        "store holding another desk's brands or users is refused)")
    p.add_argument("--duration", type=float, default=300.0, help="simulated seconds")
    p.add_argument("--rate", type=float, default=500.0, help="simulated events per second")
    p.add_argument("--speed", type=float, default=0.0,
                   help="wall-clock pace × N (0: flat out, as fast as the pipeline goes)")
    p.add_argument("--seed", type=int, default=7, help="simulator seed")
    p.add_argument("--json", action="store_true",
                   help="print only the final summary as JSON (implies --no-serve)")
    p.add_argument("--no-serve", action="store_true",
                   help="do not open the web desk; end when the scenarios have run")
    p.set_defaults(func=run)


def _check(args: argparse.Namespace) -> None:
    """Refuse what the simulator cannot run with (an infinite rate or a nan duration never
    ended; a negative seed was a numpy traceback; a negative speed a stopped source)."""
    for flag, low_ok in (("duration", False), ("rate", False), ("speed", True)):
        value = getattr(args, flag)
        if not (math.isfinite(value) and (value > 0 or (low_ok and value == 0))):
            need = "a finite number, 0 or more" if low_ok else "a finite number above 0"
            raise ConfigError(f"--{flag} must be {need}, got {value}")
    if args.seed < 0:
        raise ConfigError(f"--seed must be 0 or more, got {args.seed}")


def run(args: argparse.Namespace) -> int:
    import io

    from reale.run.demo import run_demo

    _check(args)

    out = io.StringIO() if args.json else sys.stdout
    serve = not (args.json or args.no_serve)
    try:
        result = asyncio.run(run_demo(out=out, store_url=args.store, rate=args.rate,
                                      duration=args.duration, speed=args.speed, seed=args.seed,
                                      serve=serve))
    except KeyboardInterrupt:
        print("\nbye", file=sys.stderr)
        return 0
    if args.json:
        print(json.dumps(result, default=str))
    return 0
