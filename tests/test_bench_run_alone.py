"""A benchmark module run by itself (`python -m reale.bench.web --quick`) honours `--quick`,
as `make bench` does: a direct run once ignored the flag and measured the full 100,000 mentions."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any

import pytest

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


def test_every_benchmark_run_directly_knows_quick() -> None:
    ignoring = []
    for name in modules():
        source = Path(importlib.import_module(f"reale.bench.{name}").__file__ or "").read_text("utf-8")
        block = _main_block(source)
        # A module runnable by itself uses the shared entry point, or has a main() of its own
        # with an argparse --quick option.
        if block and "run_alone(" not in block and not ("main(" in block and "'--quick'" in
                                                       ast.unparse(ast.parse(source))):
            ignoring.append(name)
    assert ignoring == []
