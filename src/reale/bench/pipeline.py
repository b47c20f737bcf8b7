"""End-to-end benchmarks of the embedded pipeline (issue 2's targets):

- replay: decode, match and store every mention, flat out from a Jetstream file into SQLite;
- live: the simulator paced at 2,000 events/s through the embedded runner, arrival-to-stored
  latency percentiles and the process's peak RSS (run in a fresh subprocess so other benchmarks'
  memory does not count).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from reale.bench._rss import in_fresh_process, peak_rss_mb
from reale.config import Config
from reale.run.app import EmbeddedApp
from reale.run.demo import demo_brands
from reale.run.simsource import SimulatorSource
from reale.simulate import Simulator
from reale.sources.replay import ReplaySource


def _post_lines(count: int, seed: int = 3) -> list[str]:
    # brand posts are ~45% replies, so 4% of originals about a brand gives ~2% of all posts
    sim = Simulator(seed=seed, rate=2000, identities=False, authors=20_000, brand_rate=0.04,
                    decoy_rate=0.005)
    out: list[str] = []
    for line in sim.lines():
        if '"collection":"app.bsky.feed.post"' in line:
            out.append(line)
            if len(out) >= count:
                return out
    return out


async def _replay(path: Path, store_url: str) -> tuple[float, Any]:
    config = Config(brands=demo_brands(), store=store_url, batch_size=1000, flush_interval=0.05)
    async with EmbeddedApp(config) as app:
        t0 = time.perf_counter()
        summary = await app.run([ReplaySource(path)])
        elapsed = time.perf_counter() - t0
    return elapsed, summary


def replay_rows(count: int) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "posts.jsonl"
        lines = _post_lines(count)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        elapsed, s = asyncio.run(_replay(path, f"sqlite:///{tmp}/bench.sqlite"))
    rate = len(lines) / elapsed
    return [
        {"name": "end-to-end replay into SQLite (decode, match, store every mention)",
         "value": rate, "unit": "posts/s", "target": ">= 50,000", "ok": rate >= 50_000,
         "note": f"{len(lines):,} posts ({s.events:,} events with their reply links), "
                 f"match rate {s.mentions / len(lines):.1%}, "
                 f"{s.mentions:,} mentions stored, one core"},
    ]


async def _live(rate: float, seconds: float, store_url: str, full: bool = False) -> dict[str, Any]:
    sim = Simulator(seed=5, rate=rate, start=time.time(), identities=False)
    config = Config(brands=demo_brands(), store=store_url)
    async with EmbeddedApp(config) as app:
        source = SimulatorSource(sim, rate=rate, duration=seconds)
        t0 = time.perf_counter()
        if full:
            from reale.run.wiring import Pipeline, Understanding

            async with Pipeline(app, clock=app.clock, understanding=Understanding(config.brands)):
                summary = await app.run([source])
        else:
            summary = await app.run([source])
        elapsed = time.perf_counter() - t0
    rss_mb = peak_rss_mb()
    return {"events": summary.events, "mentions": summary.mentions, "elapsed": elapsed,
            "latency": summary.latency, "rss_mb": rss_mb}


def live_rows(seconds: float, full: bool = False) -> list[dict[str, Any]]:
    """Run the paced simulator in a fresh interpreter and read its figures back."""
    code = ("import asyncio, json, sys; from reale.bench.pipeline import _live; "
            "print(json.dumps(asyncio.run(_live(2000.0, float(sys.argv[1]), sys.argv[2], "
            "sys.argv[3] == 'full'))))")
    with tempfile.TemporaryDirectory() as tmp:
        r = in_fresh_process(code, str(seconds), f"sqlite:///{tmp}/live.sqlite",
                             "full" if full else "core")
    lat = r["latency"]
    p99 = lat["p99"] * 1000
    what = ("every stage: understanding, signals, desk, web records" if full
            else "match and store")
    return [
        {"name": f"simulator paced at 2,000 events/s ({what}): achieved rate",
         "value": r["events"] / r["elapsed"], "unit": "events/s",
         "note": f"{r['events']:,} events, {r['mentions']:,} mentions in {r['elapsed']:.0f} s"},
        {"name": f"arrival to stored mention, p50 ({what})", "value": lat["p50"] * 1000, "unit": "ms"},
        {"name": f"arrival to stored mention, p99 ({what})", "value": p99, "unit": "ms",
         "target": "<= 200", "ok": p99 <= 200},
        {"name": f"peak RSS of the embedded runner ({what})", "value": r["rss_mb"], "unit": "MB",
         "target": "<= 300", "ok": r["rss_mb"] <= 300},
    ]


def run(quick: bool = False) -> list[dict[str, Any]]:
    seconds = 5.0 if quick else 30.0
    return (replay_rows(20_000 if quick else 200_000) + live_rows(seconds)
            + live_rows(seconds, full=True))


if __name__ == "__main__":
    from reale.bench.__main__ import run_alone

    raise SystemExit(run_alone("pipeline", run))
