"""Shared fixtures: paths to the real data, and a way to run the CLI as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

pytest_plugins = ["tests.pg", "tests.kafka_broker", "tests.store_helpers"]  # postgres_*, kafka_bootstrap, store_url

ROOT = Path(__file__).resolve().parent.parent

# Property tests draw the same examples on every run, so a suite that passed passes again (a
# random draw once failed a run on a case no change had touched); REALE_FUZZ_RANDOM=1 searches anew.
settings.register_profile("reale", derandomize=os.environ.get("REALE_FUZZ_RANDOM", "") != "1",
                          database=None)
settings.load_profile("reale")


def _find_shared() -> Path:
    """../shared beside the checkout (also from a git worktree nested below it)."""
    for parent in ROOT.parents:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared"
    return ROOT.parent / "shared"


SHARED = _find_shared()
DATA = SHARED / "data"
WIRE = DATA / "wire"


@pytest.fixture
def data_dir() -> Path:
    if not DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return DATA


def run_cli(*args: str, stdin: str | bytes | None = None, timeout: float = 120,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m reale ARGS`` in a subprocess, with this checkout's sources first."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    if isinstance(stdin, bytes):
        # Raw bytes go through untouched (invalid UTF-8 included); output is decoded leniently.
        raw = subprocess.run(
            [sys.executable, "-m", "reale", *args],
            input=stdin, capture_output=True, timeout=timeout, env=env, cwd=cwd or ROOT,
        )
        return subprocess.CompletedProcess(
            raw.args, raw.returncode,
            raw.stdout.decode("utf-8", "replace"), raw.stderr.decode("utf-8", "replace"),
        )
    return subprocess.run(
        [sys.executable, "-m", "reale", *args],
        input=stdin, capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd or ROOT,
    )
