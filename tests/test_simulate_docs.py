"""The simulator's documentation runs and stays complete: docstring examples are executed, and
docs/simulate.md names every scenario, default brand and command-line option."""

from __future__ import annotations

import argparse
import doctest
import importlib

import pytest

from reale.cli import simulate as cli
from reale.simulate import DEFAULT_BRANDS, SCENARIOS
from tests.conftest import ROOT

DOC = ROOT / "docs" / "simulate.md"


@pytest.mark.parametrize("module", ["reale.simulate", "reale.simulate.engine",
                                    "reale.simulate.ids", "reale.simulate.scenarios"])
def test_docstring_examples_run(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0


def test_the_guide_names_every_scenario_brand_and_option() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in SCENARIOS:
        assert f"`{name}`" in text, name
    for brand in DEFAULT_BRANDS:
        assert f"`{brand.handle}`" in text, brand.handle
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    sub = parser._subparsers._group_actions[0].choices["simulate"]  # type: ignore[union-attr]
    for action in sub._actions:
        for flag in action.option_strings:
            if flag.startswith("--") and flag != "--help":
                assert flag in text, f"{flag} is not documented in docs/simulate.md"
