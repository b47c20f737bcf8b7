"""``reale momentum``: predict a cascade's final size from its first seconds (the hurdle model
over SEISMIC by default, or SEISMIC's formula alone)."""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from reale.errors import ConfigError
from reale.signals.cascade_file import read_cascade
from reale.signals.hurdle import HurdleParams, predict_hurdle
from reale.signals.seismic import Atoms, SeismicParams, predict


def register(sub: Any) -> None:
    p = sub.add_parser("momentum", help="predict a reshare cascade's final size",
                       description="Read a cascade file (header, then 'seconds,followers' per "
                       "reshare, the original post first), observe it for SECONDS and print "
                       '{"observed": N, "predicted_final": X, "interval": [LO, HI], ...} as JSON '
                       "(sizes count the original post). The default model gives the chance the "
                       "cascade is already over (p_ended) and a point suited to percentage error; "
                       "--model seismic prints SEISMIC's own (HI is then null when explosive).")
    p.add_argument("--cascade", required=True, metavar="FILE", help="cascade CSV file")
    p.add_argument("--observe", required=True, type=float, metavar="SECONDS",
                   help="how long the cascade is observed, in seconds after the original post")
    p.add_argument("--model", choices=("hurdle", "seismic"), default="hurdle",
                   help="hurdle (default): SEISMIC with an explicit 'already over' part; "
                   "seismic: the paper's formula alone")
    defaults = SeismicParams()
    p.add_argument("--alpha", type=float, default=defaults.alpha,
                   help="SEISMIC correction factor alpha, --model seismic (default %(default)s)")
    p.add_argument("--gamma", type=float, default=defaults.gamma,
                   help="SEISMIC correction factor gamma, --model seismic (default %(default)s)")
    p.add_argument("--n-star", type=float, default=defaults.n_star,
                   help="mean follower count n* (default %(default)s)")
    p.set_defaults(func=run)


def _check(args: argparse.Namespace) -> None:
    for name in ("observe", "n_star"):
        value = getattr(args, name)
        if not math.isfinite(value) or value <= 0:
            raise ConfigError(f"--{name.replace('_', '-')} must be a positive number, got {value}")
    for name in ("alpha", "gamma"):
        if not math.isfinite(getattr(args, name)) or getattr(args, name) < 0:
            raise ConfigError(f"--{name} must be a number >= 0")


def run(args: argparse.Namespace) -> int:
    _check(args)
    times, followers = read_cascade(args.cascade, until=args.observe)
    atoms = Atoms.from_events(times, followers)
    if args.model == "hurdle":
        h = predict_hurdle(atoms, args.observe, SeismicParams(n_star=args.n_star), HurdleParams())
        doc: dict[str, Any] = {
            "observed": h.observed, "predicted_final": round(h.predicted_final, 1),
            "interval": [round(h.low, 1), round(h.high, 1)], "model": "hurdle",
            "p_ended": round(h.p_ended, 4), "median_final": round(h.median_final, 1),
            "seismic_final": round(h.seismic_final, 1), "explosive": h.explosive}
    else:
        params = SeismicParams(alpha=args.alpha, gamma=args.gamma, n_star=args.n_star)
        est = predict(atoms, args.observe, params)
        high = None if est.high is None else round(est.high, 1)
        doc = {"observed": est.observed, "predicted_final": round(est.predicted_final, 1),
               "interval": [round(est.low, 1), high], "model": "seismic",
               "explosive": est.explosive}
    print(json.dumps(doc))
    return 0
