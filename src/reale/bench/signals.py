"""``make bench`` figures for the signals stage: momentum against its baselines on real cascades,
moment detection on synthetic and real (CrisisLexT26) streams, and update throughput.

Run ``python -m reale.bench.signals`` (add ``--quick`` for a short run) to print them.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

from reale.bench import (
    signals_crisis,
    signals_fatigue,
    signals_moments,
    signals_momentum_report,
    signals_speed,
)
from reale.bench._shared import row, shared_data
from reale.signals.moment_scope import MomentConfig

Row = dict[str, Any]


def _moment_rows(quick: bool) -> list[Row]:
    cfg = MomentConfig()
    rows: list[Row] = []
    runs = 5 if quick else 20
    for base in ((1.0,) if quick else (0.25, 0.5, 1.0, 2.0, 4.0)):
        r = signals_moments.injected(cfg, base, runs)
        name = f"moments.synthetic.10x@{r['base_per_min']:.2f}/min"
        note = (f"recall={r['recall']:.2f} precision={r['precision']:.2f} "
                f"median_delay={r['median_delay_s']:.0f}s p90={r['p90_delay_s']:.0f}s runs={runs}")
        rows.append(row(name + ".within_2min", r["within_2min"], "share of bursts",
                         ">= 0.9 at >= 1/min" if base >= 1.0 else "report",
                         r["within_2min"] >= 0.9 if base >= 1.0 else None, note))
    brands, days = (2, 2.0) if quick else (5, 3.0)
    s = signals_moments.stationary(cfg, brands, days)
    rows.append(row("moments.synthetic.stationary.false_alerts_per_brand_day", s["per_brand_day"],
                     "alerts", "<= 1", s["per_brand_day"] <= 1.0,
                     f"{s['false_alerts']} alerts in {s['brand_days']:.1f} brand-days"))
    rows.extend(_story_rows(quick))
    rows.extend(signals_fatigue.rows(quick))
    data = shared_data()
    if data is None or quick:
        return rows
    quiet_hours, false_alerts = 0.0, 0
    for r in signals_crisis.evaluate(data, cfg):
        quiet_hours += float(r["quiet_hours"])
        false_alerts += int(r["false_alerts"])
        d, f = r["delay_s"], r["first_tweet_s"]
        rows.append(row(f"moments.crisislex.{r['event']}.delay_from_onset", d, "s", "report",
                         None, f"first collected tweet at +{f}s; "
                         f"delay after it {'-' if d is None or f is None else f'{d - f:.0f}s'}"))
    rows.append(row("moments.crisislex.false_alerts_per_quiet_day",
                     false_alerts / (quiet_hours / 24.0) if quiet_hours else None, "alerts",
                     "<= 1", false_alerts / (quiet_hours / 24.0) <= 1.0 if quiet_hours else None,
                     f"{false_alerts} alerts in {quiet_hours:.0f} quiet hours before the onsets"))
    return rows


def _story_rows(quick: bool) -> list[Row]:
    """The "same story" links on the demo's stream (its five scenarios, lexicon labeller)."""
    seeds = (7, 8) if quick else (1, 2, 3, 4, 5, 6, 7, 8)
    r = signals_moments.story_links(seeds)
    note = (f"{r['quake_moments']} moments of the earthquake scenario over seeds "
            f"{', '.join(map(str, seeds))} (reale demo's stream, lexicon labeller)")
    return [row("moments.story.quake_moments_avoid.own_read", r["avoid_before"], "share",
                "report", None, note + ": each moment read on its own"),
            row("moments.story.quake_moments_avoid.with_links", r["avoid_after"], "share",
                "> own read", r["avoid_after"] > r["avoid_before"],
                note + ": with the same-story links (the latest read)"),
            row("moments.story.false_links", r["false_links"], "moments", "0",
                r["false_links"] == 0, f"of {r['other_moments']} other moments (the blackout, "
                "the car request, the complaint...) linked to an avoid moment")]


def _speed_rows(quick: bool) -> list[Row]:
    n = 30_000 if quick else 200_000
    ips = signals_speed.interactions_per_second(n)
    pps = signals_speed.posts_per_second(5_000 if quick else 50_000)
    return [row("signals.update.interactions_per_s", ips, "1/s", ">= 20000", ips >= 20_000,
                 f"{n} interactions on 1,000 tracked posts (cascade + momentum), one core"),
            row("signals.update.posts_per_s", pps, "1/s", "report", None,
                 "whole-stream moments (tokenise + count + detect), 12 words a post")]


def run(quick: bool = False) -> list[Row]:
    return signals_momentum_report.rows(quick) + _moment_rows(quick) + _speed_rows(quick)


def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return "nan" if math.isnan(v) else f"{v:,.3f}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m reale.bench.signals", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="smaller inputs, for a smoke run")
    rows = run(quick=ap.parse_args(argv).quick)
    for r in rows:
        print(format_row(r))
    return 0


def format_row(r: Row) -> str:
    """One printed line: ``ok``, ``MISS`` (a target missed) or blank (a figure to report)."""
    flag = "    " if r["ok"] is None else "ok  " if r["ok"] else "MISS"
    return (f"{flag} {r['name']:<70} {_fmt(r['value']):>12} {r['unit']:<16} {r['target']:<28} "
            f"{r['note']}")


if __name__ == "__main__":
    raise SystemExit(main())
