"""Benchmark of the simulator: Jetstream lines generated per second, flat out, on one core.

The simulator must outrun whatever it feeds (the decode + match target is 150,000 posts/s, the
embedded runner's 2,000 events/s), so it is measured alone, background only and with every
scenario and a burst scheduled.
"""

from __future__ import annotations

import time
from typing import Any

TARGET = 50_000.0  # events/s, flat out on one core


def _rate(count: int, *, scenarios: bool) -> tuple[float, float, float, float]:
    """(events per CPU-second, per wall second, MB per CPU-second, seconds to build) for
    ``count`` events after construction. CPU time is what one dedicated core would take; wall
    time also counts whatever else shares the machine."""
    from reale.simulate import SCENARIOS, Simulator

    t0 = time.perf_counter()
    sim = Simulator(seed=1)
    if scenarios:
        for name in SCENARIOS:
            sim.add_scenario(name, at=5, speed=20)
        sim.inject_burst("#bench", 5, 10, 30)
    built = time.perf_counter() - t0
    lines = sim.take(count=count)
    size = 0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for line in lines:
        size += len(line)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    return count / cpu, count / wall, size / cpu / 1e6, built


def run(quick: bool = False) -> list[dict[str, Any]]:
    count = 60_000 if quick else 400_000
    rows: list[dict[str, Any]] = []
    for scenarios in (False, True):
        rate, wall_rate, mbps, built = _rate(count, scenarios=scenarios)
        label = "background + all scenarios + a burst" if scenarios else "background only"
        rows.append({
            "name": f"simulate: events generated flat out, {label}",
            "value": round(rate), "unit": "events/s (per CPU-second)", "target": TARGET,
            "ok": rate >= TARGET,
            "note": f"{count:,} Jetstream lines, {mbps:.1f} MB/s; {wall_rate:,.0f}/s by the wall "
                    f"clock on this shared machine; 20,000 authors built in {built:.2f} s",
        })
    return rows


if __name__ == "__main__":
    from reale.bench.__main__ import run_alone

    raise SystemExit(run_alone("simulate", run))
