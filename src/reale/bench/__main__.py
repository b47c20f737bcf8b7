"""``make bench``: run every benchmark module and print figures with their targets.

Each module in this package exposes ``run(quick: bool = False) -> list[dict]`` whose rows carry
``name``, ``value``, ``unit`` and optionally ``target``, ``ok`` and ``note``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import reale.bench


def modules() -> list[str]:
    """Benchmark modules: those of this package that define ``run`` (helpers do not)."""
    names = [m.name for m in pkgutil.iter_modules(reale.bench.__path__) if not m.name.startswith("_")]
    return sorted(n for n in names if hasattr(importlib.import_module(f"reale.bench.{n}"), "run"))


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.3f}" if abs(v) < 100 else f"{v:,.0f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def print_rows(part: str, rows: list[dict[str, Any]]) -> None:
    print(f"\n== {part}")
    for r in rows:
        ok = r.get("ok")
        mark = "  " if ok is None else ("OK" if ok else "!!")
        target = f"  target {r['target']}" if r.get("target") not in (None, "") else ""
        note = f"  ({r['note']})" if r.get("note") else ""
        print(f"{mark} {r['name']}: {_fmt(r.get('value'))} {r.get('unit', '')}{target}{note}")


def run_alone(part: str, run: Callable[..., list[dict[str, Any]]],
              argv: list[str] | None = None) -> int:
    """One benchmark module run by itself: ``python -m reale.bench.PART [--quick]``."""
    ap = argparse.ArgumentParser(prog=f"python -m reale.bench.{part}")
    ap.add_argument("--quick", action="store_true", help="smaller inputs, for a smoke run")
    args = ap.parse_args(argv)
    print_rows(part, run(quick=args.quick))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m reale.bench", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="smaller inputs, for a smoke run")
    ap.add_argument("--only", default="", help="comma-separated module names to run")
    ap.add_argument("--json", default="var/bench.json", help="where to write all rows as JSON")
    args = ap.parse_args(argv)
    only = {s for s in args.only.split(",") if s}
    results: dict[str, Any] = {}
    failed = 0
    for name in modules():
        if only and name not in only:
            continue
        t0 = time.perf_counter()
        try:
            rows = importlib.import_module(f"reale.bench.{name}").run(quick=args.quick)
        except Exception:  # a broken benchmark must not hide the others' figures
            failed += 1
            print(f"\n== {name}: FAILED\n{traceback.format_exc()}", file=sys.stderr)
            continue
        print_rows(f"{name} ({time.perf_counter() - t0:.1f} s)", rows)
        results[name] = rows
        sys.stdout.flush()
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    print(f"\nall rows written to {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
