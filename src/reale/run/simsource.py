"""The simulator as a source: its Jetstream lines go through the same parser as live data."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import msgspec

from reale.clock import Clock, SystemClock
from reale.errors import DecodeError
from reale.simulate import Simulator
from reale.sources.base import SourceItem, SourceStats
from reale.sources.jetstream import JetstreamParser


class SimulatorSource:
    """``async for item in SimulatorSource(sim, rate=2000, duration=60)``; ends after ``duration``
    simulated seconds or ``count`` lines. Nothing to resume: ack and commit only count."""

    network = "sim"

    def __init__(self, sim: Simulator, *, rate: float | None = None, count: int | None = None,
                 duration: float | None = None, clock: Clock | None = None,
                 sleep: Callable[[float], Awaitable[None]] | None = None,
                 source_id: str = "simulator") -> None:
        self.sim = sim
        self.rate, self.count, self.duration = rate, count, duration
        self.clock: Clock = clock or SystemClock()
        self.sleep = sleep
        self.source_id = source_id
        self.parser = JetstreamParser()
        self.stats = SourceStats()
        self.acked = 0

    def __aiter__(self) -> AsyncIterator[SourceItem]:
        return self._run()

    async def _run(self) -> AsyncIterator[SourceItem]:
        seq = 0
        lines = self.sim.stream(self.rate, count=self.count, duration=self.duration,
                                clock=self.clock, sleep=self.sleep)
        async for line in lines:
            seq += 1
            self.stats.messages += 1
            try:
                events = self.parser.parse(line)
            except DecodeError:
                self.stats.bad += 1
                continue
            now = self.clock.now()
            for i, ev in enumerate(events):
                self.stats.events += 1
                yield SourceItem(event=msgspec.structs.replace(ev, received_at=now),
                                 cursor=str(seq), source_id=self.source_id, seq=seq,
                                 last=i == len(events) - 1)

    def ack(self, item: SourceItem) -> None:
        self.acked += 1

    def commit(self) -> str | None:
        return None

    async def aclose(self) -> None:
        return None
