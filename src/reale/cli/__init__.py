"""The ``reale`` command line: thin wrappers that parse arguments, build the frozen config and call
the library. Each command lives in its own module with a ``register(subparsers)`` function.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from reale.errors import RealeError

# One module per command group; each adds its sub-commands to the parser.
COMMAND_MODULES: tuple[str, ...] = (
    "reale.cli.version",
    "reale.cli.run",
    "reale.cli.demo",
    "reale.cli.draft",
    "reale.cli.assess",
    "reale.cli.store",
    "reale.cli.simulate",
    "reale.cli.momentum",
    "reale.cli.query",
    "reale.cli.annotate",
    "reale.cli.eval",
    "reale.cli.alerts",
    "reale.cli.serve",
    "reale.cli.users",
    "reale.cli.kafka",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reale",
        description="Reale: a self-hosted real-time marketing desk. "
        "Listen to social streams, understand and weigh what people say about a brand, "
        "answer in a human voice with a person approving, and watch what happens next.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


# One BLAS thread per process unless the user sets these: the models multiply small batches, and
# on a busy 2-core machine a second BLAS thread made labelling 3-8 times slower and the demo's
# arrival-to-stored p99 4.4-6.9 s instead of 0.6-1.4 s. Scale out with processes (Kafka) instead.
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def main(argv: Sequence[str] | None = None) -> int:
    for var in BLAS_THREADS:  # before any command module imports numpy
        os.environ.setdefault(var, "1")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        code: int = args.func(args)
    except RealeError as exc:
        print(f"reale: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`| head`): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return code
