"""The embedded runner's Prometheus metrics, as #6 lists them: events in and out per stage and
the lag of each source (now minus the newest event it delivered)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from reale.clock import ManualClock
from reale.config import BrandConfig, Config
from reale.run.app import EmbeddedApp
from reale.simulate import Simulator
from reale.sources.replay import ReplaySource


def test_each_source_reports_its_lag_behind_the_clock(tmp_path: Path) -> None:
    sim = Simulator(seed=3, authors=200, start=1_700_000_000.0)
    lines = list(sim.take(count=300))
    recording = tmp_path / "sim.jsonl"
    recording.write_text("\n".join(lines) + "\n")
    config = Config(brands=(BrandConfig(name="Volta", keywords=("volta",)),),
                    store=f"sqlite:///{tmp_path / 'r.sqlite'}")
    clock = ManualClock(sim.now + 90.0)  # the newest event is 90 s old

    async def main() -> EmbeddedApp:
        async with EmbeddedApp(config, clock=clock) as app:
            await app.run([ReplaySource(recording, source_id="replay:sim")])
        return app

    app = asyncio.run(main())
    lag = app.metrics.value("reale_source_lag_seconds", source="replay:sim")
    assert 89.0 <= lag <= 91.0
    assert app.metrics.value("reale_events_in_total", stage="match") > 0
