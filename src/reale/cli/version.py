"""``reale version``: print the installed version."""

from __future__ import annotations

import argparse
from typing import Any

import reale


def register(sub: Any) -> None:
    p = sub.add_parser("version", help="print Reale's version")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print(reale.__version__)
    return 0
