"""The examples in the package's docstrings are run, so they stay true: two had drifted (a reach
tier example that never ran as written, and an alert-text example whose lone surrogate became
three replacement characters and ate the text after it)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import reale


def test_every_docstring_example_holds() -> None:
    failed: list[str] = []
    tried = 0
    for info in pkgutil.walk_packages(reale.__path__, "reale."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        result = doctest.testmod(module, verbose=False, report=False)
        tried += result.attempted
        if result.failed:
            failed.append(info.name)
    assert failed == []
    assert tried > 0
