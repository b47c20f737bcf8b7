"""Plays a timeline back in real time (or flat out), with an injectable clock and sleep.

A line stamped at simulated time ``t`` is released at ``wall0 + (t - t0) / speed``; ``speed``
is simulated seconds per wall second (0 means as fast as possible). Tests pass a ManualClock and
a sleep that advances it, so nothing ever waits on wall time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

from reale.clock import Clock, SystemClock

MIN_SLEEP = 0.002  # below this, lines go out in a batch rather than one sleep each
YIELD_EVERY = 512  # flat out, the async player lets the event loop run this often


class Pacer:
    """When each simulated time is due on the wall clock."""

    def __init__(self, speed: float, clock: Clock) -> None:
        self.speed = speed
        self.clock = clock
        self._t0: float | None = None
        self._wall0 = 0.0

    def wait(self, t: float) -> float:
        """Seconds to wait before releasing a line stamped ``t`` (<= 0: release now)."""
        if self._t0 is None:
            self._t0 = t
            self._wall0 = self.clock.monotonic()
            return 0.0
        return self._wall0 + (t - self._t0) / self.speed - self.clock.monotonic()


def play(items: Iterator[tuple[float, str]], speed: float, *, clock: Clock | None = None,
         sleep: Callable[[float], None] | None = None) -> Iterator[str]:
    """Release lines at their simulated times scaled by ``speed`` (0: flat out)."""
    if speed <= 0:
        for _, line in items:
            yield line
        return
    pacer = Pacer(speed, clock or SystemClock())
    pause = sleep or time.sleep
    for t, line in items:
        delay = pacer.wait(t)
        if delay > MIN_SLEEP:
            pause(delay)
        yield line


async def aplay(items: Iterator[tuple[float, str]], speed: float, *, clock: Clock | None = None,
                sleep: Callable[[float], Awaitable[None]] | None = None) -> AsyncIterator[str]:
    """The async twin of :func:`play`; flat out it still yields to the event loop regularly."""
    pause = sleep or asyncio.sleep
    if speed <= 0:
        for n, (_, line) in enumerate(items, 1):
            if n % YIELD_EVERY == 0:
                await pause(0)
            yield line
        return
    pacer = Pacer(speed, clock or SystemClock())
    for t, line in items:
        delay = pacer.wait(t)
        if delay > MIN_SLEEP:
            await pause(delay)
        yield line
