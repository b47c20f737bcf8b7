"""``reale assess``: the realness check as a filter — one JSON situation on stdin, one JSON verdict
on stdout. Bad input is reported on stderr with exit code 2 (by ``reale.cli.main``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import msgspec

from reale.config import BrandConfig, Config, load_config
from reale.desk.realness import DEFAULT_WEIGHTS, explain
from reale.desk.realness_rules import realness_weights_from_config
from reale.desk.situation import (
    MAX_INPUT_BYTES,
    Situation,
    parse_situation,
    with_known_partners,
    with_products,
)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "assess",
        help="judge how a proposed action will read: genuine, care or transactional",
        description="Read one JSON situation on stdin and print one JSON verdict "
        '({"verdict", "risk", "reasons", "advice"}). See docs/realness.md for the format.',
    )
    p.add_argument("--config", metavar="PATH",
                   help="reale.toml: [desk.realness] weights, the brands' known partners "
                   "and their products' prices")
    p.add_argument("--explain", action="store_true",
                   help="also print the features and their log-odds contributions")
    p.set_defaults(func=run)


def _brand(cfg: Config, s: Situation) -> BrandConfig | None:
    """The configured brand the situation names, by name or by handle."""
    name, handle = s.brand.name.lower(), s.brand.handle.lower().lstrip("@")
    for b in cfg.brands:
        handles = {h.lower().lstrip("@") for h in b.handles}
        if b.name.lower() == name or (handle and handle in handles):
            return b
    return None


def run(args: argparse.Namespace) -> int:
    raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    situation = parse_situation(raw)
    weights = DEFAULT_WEIGHTS
    if args.config:
        cfg = load_config(args.config)
        weights = realness_weights_from_config(cfg.extra)
        brand = _brand(cfg, situation)
        if brand is not None:
            situation = with_products(with_known_partners(situation, brand.partners),
                                      brand.products)
    a = explain(situation, weights)
    if args.explain:
        out: object = {**msgspec.to_builtins(a.verdict), "logit": round(a.logit, 4),
                       "features": {k: round(v, 4) for k, v in a.features.items()},
                       "contributions": {k: round(v, 4) for k, v in a.contributions.items()}}
    else:
        out = a.verdict
    sys.stdout.write(msgspec.json.encode(out).decode("utf-8") + "\n")
    return 0
