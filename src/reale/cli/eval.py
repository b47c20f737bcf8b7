"""``reale eval TASK --data FILE.jsonl``: score the shipped models on a labelled file.

The file is in ../shared/data's format (``text``, ``label``, optional ``lang``). Prints accuracy,
macro-F1, macro-recall, per-class precision/recall/F1 and the confusion matrix; ``--json`` for tools.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from reale.errors import ConfigError


def register(sub: Any) -> None:
    from reale.understand.evaluate import EVAL_TASKS

    p = sub.add_parser("eval", help="score the understanding models on a labelled JSON Lines file",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("task", choices=EVAL_TASKS, help="which label to score")
    p.add_argument("--data", type=Path, required=True, help="labelled JSON Lines file")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--balanced", action="store_true",
                   help="weigh classes equally (as a test set with equal class counts would)")
    p.add_argument("--fast", action="store_true", help="score the overload (fast) labels instead")
    p.add_argument("--held-out", action="store_true",
                   help="score only the rows `make train` held out of a file without a validation split "
                        "(complaints, speech acts, FEEL-IT); refused for a file whose folder has "
                        "its own val.jsonl")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import msgspec

    from reale.understand.evaluate import check_held_out, evaluate, labelled_rows, trained_on
    from reale.understand.metrics import render
    from reale.understand.understander import Understander

    if not args.data.is_file():
        why = "it is a folder" if Path(args.data).is_dir() else "no such file"
        raise ConfigError(f"--data {args.data}: {why}")
    if args.held_out:
        check_held_out(args.task, args.data)  # before the models load: a refusal is instant
    rep = evaluate(Understander.load(), args.task, args.data, balanced=args.balanced, fast=args.fast,
                   held_out=args.held_out)
    title = f"{args.task} on {args.data}"
    if args.held_out:
        scored = (f"scored the {rep.n} held-out rows of {labelled_rows(args.task, args.data)} "
                  "labelled (the rest trained the models)")
        title += f": {scored}"
        if args.json:
            print(f"reale eval: {scored}", file=sys.stderr)
    elif trained := trained_on(args.data):
        title += f" (the models were trained on {trained})"
        print(f"reale eval: {_optimistic(args, trained)}", file=sys.stderr)
    if not args.held_out:
        with args.data.open("rb") as fh:
            lines = sum(1 for line in fh if line.strip())
        print(f"reale eval: {rep.n} of {lines} lines scored (the rest: malformed, without text, "
              f"or labelled with no {args.task} class)" if rep.n < lines else
              f"reale eval: {rep.n} of {lines} lines scored", file=sys.stderr)
    text = msgspec.json.encode(rep).decode() if args.json else render(rep, title)
    try:
        print(text, flush=True)
    except BrokenPipeError:  # `reale eval ... | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _optimistic(args: argparse.Namespace, trained: str) -> str:
    """Why the figures of a training file scored whole flatter the models, and what to run instead."""
    val = args.data.parent / "val.jsonl"
    honest = (f"score its validation split with `reale eval {args.task} --data {val}`"
              if val.is_file() else "score the rows training never saw with "
              f"`reale eval {args.task} --data {args.data} --held-out`")
    return f"the models were trained on {trained}: these figures are optimistic; {honest}"
