"""``reale annotate``: JSON Lines on stdin, the same lines with labels added on stdout.

Every input field is kept; a line that is not JSON, not UTF-8 or has no ``text`` comes back with an
``error`` field and the run goes on. A summary goes to stderr at the end.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from reale.errors import ConfigError


def register(sub: Any) -> None:
    from reale.understand.understander import TASKS

    p = sub.add_parser("annotate", help="label posts read as JSON Lines on stdin",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tasks", default=",".join(TASKS),
                   help=f"comma-separated labels to compute (default: all of {','.join(TASKS)})")
    p.add_argument("--fast", action="store_true",
                   help="overload mode: language and word n-gram sentiment only")
    p.add_argument("--batch-size", type=int, default=256, help="posts labelled together (default 256)")
    p.set_defaults(func=run)


def parse_tasks(value: str) -> list[str]:
    from reale.understand.understander import TASKS

    tasks = [t.strip() for t in value.split(",") if t.strip()]
    unknown = [t for t in tasks if t not in TASKS]
    if unknown or not tasks:
        raise ConfigError(f"--tasks: unknown {', '.join(unknown) or '(none given)'}; known: {', '.join(TASKS)}")
    return tasks


def run(args: argparse.Namespace) -> int:
    from reale.understand.stream import annotate_stream
    from reale.understand.understander import Understander

    tasks = parse_tasks(args.tasks)
    if args.batch_size < 1:
        raise ConfigError("--batch-size must be at least 1")
    from reale.understand.understander import TASKS

    left_out = [t for t in tasks if t not in ("language", "sentiment")] if args.fast else []
    if left_out and args.tasks != ",".join(TASKS):  # asked for by name, not the default "all"
        print(f"reale annotate: --fast computes language and sentiment only; "
              f"{', '.join(left_out)} left out", file=sys.stderr)
    try:
        counts = annotate_stream(sys.stdin.buffer, sys.stdout.buffer, Understander.load(), tasks,
                                 fast=args.fast, batch_size=args.batch_size)
    except BrokenPipeError:  # the reader went away (`reale annotate | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    detail = ", ".join(f"{k}: {v}" for k, v in sorted(counts.by_error.items()))
    print(f"reale annotate: {counts.lines} lines, {counts.labelled} labelled, {counts.errors} errors"
          + (f" ({detail})" if detail else ""), file=sys.stderr)
    return 0
