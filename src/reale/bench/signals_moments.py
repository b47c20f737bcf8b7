"""Moment-detection figures on synthetic streams: injected 10x jumps (recall, precision, delay)
and stationary streams (false alerts per brand per day)."""

from __future__ import annotations

import numpy as np

from reale.bench.signals_streams import Burst, StreamSpec, rank_for_rate, stream, term_rate
from reale.clock import ManualClock
from reale.signals.moment_scope import MomentConfig
from reale.signals.moments import MomentDetector

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
        for p in posts:
            clock.set(p.created_at)
            for a in det.update(p, ("brand",)):
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
        for p in stream(SPEC, days * 86400.0, seed0 + b, scope=f"brand{b}"):
            clock.set(p.created_at)
            alerts += len(det.update(p, (f"brand{b}",)))
    watched = brands * (days - config.warmup / 86400.0)
    return {"false_alerts": alerts, "brand_days": watched, "per_brand_day": alerts / watched}
