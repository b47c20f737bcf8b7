"""``reale momentum``: predict a cascade's final size from its first seconds (SEISMIC)."""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from reale.errors import ConfigError
from reale.signals.cascade_file import read_cascade
from reale.signals.seismic import Atoms, SeismicParams, predict


def register(sub: Any) -> None:
    p = sub.add_parser("momentum", help="predict a reshare cascade's final size (SEISMIC)",
                       description="Read a cascade file (header, then 'seconds,followers' per "
                       "reshare, the original post first), observe it for SECONDS and print "
                       '{"observed": N, "predicted_final": X, "interval": [LO, HI]} as JSON '
                       "(sizes count the original post; HI is null when the cascade is explosive).")
    p.add_argument("--cascade", required=True, metavar="FILE", help="cascade CSV file")
    p.add_argument("--observe", required=True, type=float, metavar="SECONDS",
                   help="how long the cascade is observed, in seconds after the original post")
    defaults = SeismicParams()
    p.add_argument("--alpha", type=float, default=defaults.alpha,
                   help="correction factor alpha (default %(default)s: the plain formula)")
    p.add_argument("--gamma", type=float, default=defaults.gamma,
                   help="correction factor gamma (default %(default)s)")
    p.add_argument("--n-star", type=float, default=defaults.n_star,
                   help="mean follower count n* (default %(default)s)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    for name in ("observe", "n_star"):
        value = getattr(args, name)
        if not math.isfinite(value) or value <= 0:
            raise ConfigError(f"--{name.replace('_', '-')} must be a positive number, got {value}")
    for name in ("alpha", "gamma"):
        if not math.isfinite(getattr(args, name)) or getattr(args, name) < 0:
            raise ConfigError(f"--{name} must be a number >= 0")
    times, followers = read_cascade(args.cascade)
    params = SeismicParams(alpha=args.alpha, gamma=args.gamma, n_star=args.n_star)
    est = predict(Atoms.from_events(times, followers), args.observe, params)
    high = None if est.high is None else round(est.high, 1)
    print(json.dumps({"observed": est.observed, "predicted_final": round(est.predicted_final, 1),
                      "interval": [round(est.low, 1), high]}))
    return 0
