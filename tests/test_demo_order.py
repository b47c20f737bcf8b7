"""The demo is the same story every time: for one seed, two runs started at different wall-clock
moments raise the same moments, with the same figures, in the same order."""

from __future__ import annotations

import asyncio
import io
import time
from pathlib import Path

import pytest

from reale.run.demo import run_demo, stream_start


class ShiftedClock:
    """The system clock, ``shift`` seconds ahead (a run started at another moment)."""

    def __init__(self, shift: float) -> None:
        self.shift = shift

    def now(self) -> float:
        return time.time() + self.shift

    def monotonic(self) -> float:
        return time.monotonic()


def moment_lines(tmp_path: Path, name: str, shift: float) -> list[str]:
    out = io.StringIO()
    asyncio.run(run_demo(out=out, store_url=f"sqlite:///{tmp_path}/{name}.sqlite",
                         duration=240.0, clock=ShiftedClock(shift)))
    return [line for line in out.getvalue().splitlines() if "⚡ moment" in line]


def test_the_stream_starts_on_a_whole_minute_whatever_the_wall_clock_says() -> None:
    assert stream_start(1_800_000_017.25) == stream_start(1_800_000_059.9) == 1_800_000_000.0
    assert stream_start(1_800_000_060.0) == 1_800_000_060.0


@pytest.mark.slow
def test_two_runs_of_the_demo_raise_the_same_moments_in_the_same_order(tmp_path: Path) -> None:
    # 2.5 s apart: half a moments bucket, the phase that used to change rates and order
    first = moment_lines(tmp_path, "first", 0.0)
    second = moment_lines(tmp_path, "second", 2.5)
    assert any("'#blackout' in *" in line for line in first), first
    assert any("'#finalecoppa' in *" in line for line in first), first
    assert second == first
