"""A benchmark module run by itself (`python -m reale.bench.web --quick`) honours `--quick`,
as `make bench` does: a direct run once ignored the flag and measured the full 100,000 mentions."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path
from typing import Any

import pytest

import reale.bench
from reale.bench import signals_fatigue
from reale.bench.__main__ import modules, run_alone


def test_run_alone_passes_the_quick_flag_and_prints_the_rows(capsys: pytest.CaptureFixture[str]) -> None:
    asked: list[bool] = []

    def run(quick: bool = False) -> list[dict[str, Any]]:
        asked.append(quick)
        return [{"name": "demo.rate", "value": 12.5, "unit": "posts/s", "target": 10, "ok": True}]

    assert run_alone("demo", run, ["--quick"]) == 0
    assert run_alone("demo", run, []) == 0
    assert asked == [True, False]
    out = capsys.readouterr().out
    assert "== demo" in out and "OK demo.rate: 12.500 posts/s  target 10" in out


def test_run_alone_refuses_an_unknown_flag() -> None:
    with pytest.raises(SystemExit):
        run_alone("demo", lambda quick=False: [], ["--fast"])


def _main_block(source: str) -> str:
    for node in ast.parse(source).body:
        if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test):
            return ast.unparse(node)
    return ""


def _ignores_quick(name: str) -> bool:
    source = Path(importlib.import_module(f"reale.bench.{name}").__file__ or "").read_text("utf-8")
    block = _main_block(source)
    # A module runnable by itself uses the shared entry point, or has a main() of its own
    # with an argparse --quick option.
    return bool(block and "run_alone(" not in block and not ("main(" in block and "'--quick'" in
                                                             ast.unparse(ast.parse(source))))


def test_every_benchmark_run_directly_knows_quick() -> None:
    assert [name for name in modules() if _ignores_quick(name)] == []


def test_every_report_run_directly_knows_quick_too() -> None:
    """Modules that feed another benchmark's rows but run by themselves too (``python -m
    reale.bench.signals_fatigue --quick`` once read "--quick" as a seed and crashed)."""
    runnable = [m.name for m in pkgutil.iter_modules(reale.bench.__path__)
                if not m.name.startswith("_") and m.name not in modules()]
    assert {"signals_fatigue", "signals_momentum"} <= set(runnable)
    assert [name for name in runnable if _ignores_quick(name)] == []


def test_the_fatigue_report_reads_quick_as_its_two_seeds_and_keeps_given_seeds() -> None:
    assert signals_fatigue.seeds_from(["--quick"]) == [7, 8]
    assert signals_fatigue.seeds_from(["3", "4"]) == [3, 4]
    assert signals_fatigue.seeds_from([]) == list(range(1, 9))
