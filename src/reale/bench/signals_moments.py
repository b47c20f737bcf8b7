"""Moment-detection figures on synthetic streams: injected 10x jumps (recall, precision, delay)
and stationary streams (false alerts per brand per day); and, on the demo's simulated stream,
the safety reads of the earthquake's moments with and without the "same story" links."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from reale.bench.signals_streams import Burst, StreamSpec, rank_for_rate, stream, term_rate
from reale.clock import ManualClock
from reale.events import Deletion, Interaction, Post
from reale.run.pipeline import Routed
from reale.run.stages import SignalsStage, Sink
from reale.signals.hub import Signals
from reale.signals.moment_scope import MomentAlert, MomentConfig
from reale.signals.moments import GLOBAL, MomentDetector
from reale.signals.settings import signals_config
from reale.simulate import ScenarioTruth, Simulator
from reale.sources.jetstream import JetstreamParser

SPEC = StreamSpec(posts_per_min=6.0)  # a busy brand: about 8,600 mentions a day


def injected(config: MomentConfig, base_per_min: float, runs: int, seed0: int = 100,
             duration: float = 600.0) -> dict[str, float]:
    """A 10x jump of one term (its own rate plus 9x more) for ``duration`` seconds."""
    delays, hits, false_alerts, alerts = [], 0, 0, 0
    rank = rank_for_rate(SPEC, base_per_min)
    term, base = f"kw{rank}", term_rate(SPEC, rank)
    for r in range(runs):
        onset = 3 * 3600.0 + 37.0 * r
        posts = stream(SPEC, onset + duration + 600.0, seed0 + r,
                       bursts=(Burst(term, onset, duration, 9.0 * base),))
        clock = ManualClock()
        det = MomentDetector(config, clock)
        first = None
        raised: set[tuple[str, float]] = set()  # a story's update is no new alert
        for p in posts:
            clock.set(p.created_at)
            for a in det.update(p, ("brand",)):
                if (a.term, a.at) in raised:
                    continue
                raised.add((a.term, a.at))
                alerts += 1
                if a.term == term and onset <= a.at <= onset + duration:
                    first = a.at if first is None else first
                else:
                    false_alerts += 1
        if first is not None:
            hits += 1
            delays.append(first - onset)
    d = np.array(delays) if delays else np.array([np.nan])
    return {"base_per_min": base, "recall": hits / runs,
            "precision": (alerts - false_alerts) / alerts if alerts else float("nan"),
            "median_delay_s": float(np.nanmedian(d)), "p90_delay_s": float(np.nanpercentile(d, 90)),
            "within_2min": float(np.sum(d <= 120.0)) / runs}


def stationary(config: MomentConfig, brands: int, days: float, seed0: int = 500) -> dict[str, float]:
    """False alerts per brand per day on streams with no burst at all (after the warm-up)."""
    alerts = 0
    for b in range(brands):
        clock = ManualClock()
        det = MomentDetector(config, clock)
        raised: set[tuple[str, float]] = set()  # a story's update is no new alert
        for p in stream(SPEC, days * 86400.0, seed0 + b, scope=f"brand{b}"):
            clock.set(p.created_at)
            raised.update((a.term, a.at) for a in det.update(p, (f"brand{b}",)))
        alerts += len(raised)
    watched = brands * (days - config.warmup / 86400.0)
    return {"false_alerts": alerts, "brand_days": watched, "per_brand_day": alerts / watched}


class StoryRun(NamedTuple):
    """The demo's scenarios played through the embedded signals stage: each whole-stream moment
    (term, time) as first raised and with its latest read, every scope's moments (scope, term,
    time: the brands' too when the stream was matched to the demo's brands) with their latest
    state, and the scenarios' truth."""

    first: dict[tuple[str, float], MomentAlert]
    final: dict[tuple[str, float], MomentAlert]
    truths: dict[str, ScenarioTruth]
    scoped: dict[tuple[str, str, float], MomentAlert]


class _Collect:
    def __init__(self) -> None:
        self.first: dict[tuple[str, float], MomentAlert] = {}
        self.final: dict[tuple[str, float], MomentAlert] = {}
        self.scoped: dict[tuple[str, str, float], MomentAlert] = {}

    def labels(self, mention: Any, labels: Any) -> None: ...

    def opportunity(self, opp: Any) -> None: ...

    def moment(self, alert: MomentAlert) -> None:
        self.scoped[(alert.scope, alert.term, alert.at)] = alert
        if alert.scope == GLOBAL:
            self.first.setdefault((alert.term, alert.at), alert)
            self.final[(alert.term, alert.at)] = alert


def play_story(seed: int = 7, sinks: Sequence[Sink] = (), duration: float = 300.0,
               start: float = 1_780_000_020.0, brands: bool = False) -> StoryRun:
    """``reale demo``'s stream (its scenarios, times, speed and moments settings) through the
    real Jetstream parser and the embedded runner's signals stage, in batches of half a
    simulated second, on a clock that follows the stream; ``sinks`` get what it raises.
    ``brands``: match every post to the demo's brands too (their scopes' moments)."""
    from reale.match.matcher import Matcher
    from reale.run.demo import DEMO_SIGNALS, SCENARIO_TIMES, demo_brands
    from reale.run.pipeline import route

    sim = Simulator(seed=seed, rate=500, start=start, authors=5_000, scenario_speed=20.0)
    truths = {name: sim.add_scenario(name, at=at) for name, at in SCENARIO_TIMES}
    clock = ManualClock(start)
    collect = _Collect()
    stage = SignalsStage(Signals(signals_config(DEMO_SIGNALS), clock), [collect, *sinks])
    parser = JetstreamParser()
    matcher = Matcher.from_brands(demo_brands()) if brands else None

    def routed(batch: list[Post | Interaction]) -> Routed:
        if matcher is None:
            return Routed(events=batch)
        return route(batch, matcher, None, clock.now())

    async def feed() -> None:
        batch: list[Post | Interaction] = []
        edge = start + 0.5
        for t, line in sim.timed(duration=duration):
            if t >= edge and batch:
                await stage(routed(batch))
                batch, edge = [], t + 0.5
            clock.set(t)
            batch.extend(e for e in parser.parse(line) if not isinstance(e, Deletion))
        await stage(routed(batch))

    asyncio.run(feed())
    return StoryRun(collect.first, collect.final, truths, collect.scoped)


def story_links(seeds: Sequence[int]) -> dict[str, float]:
    """Over the demo's stream with each seed: the share of the earthquake's moments (most of
    their example posts are the earthquake scenario's) read avoid as first raised and with
    their latest read, and the moments of the rest of the stream linked to it (false links)."""
    quake = before = after = other = false = 0
    for seed in seeds:
        run = play_story(seed)
        uris = {e.uri for e in run.truths["earthquake"].events}
        for key, alert in run.final.items():
            mine = sum(e.uri in uris for e in alert.examples) * 2 > len(alert.examples)
            read, was = alert.safety, run.first[key].safety
            linked = read is not None and bool(read.linked_to)
            if mine:
                quake += 1
                before += was is not None and was.verdict == "avoid"
                after += read is not None and read.verdict == "avoid"
            else:
                other += 1
                false += linked
    return {"quake_moments": quake, "avoid_before": before / quake if quake else math.nan,
            "avoid_after": after / quake if quake else math.nan, "other_moments": other,
            "false_links": false}
