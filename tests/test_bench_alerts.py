"""The alerts benchmark runs end to end (quick) and reports well-formed rows: the latency from
event to webhook request, and the 10-minute outage delivered exactly once, in order."""

from __future__ import annotations

from reale.bench import alerts


def test_quick_bench_reports_latency_and_the_outage_check() -> None:
    rows = {r["name"]: r for r in alerts.run(quick=True)}
    p99 = rows["alerts.event_to_webhook.p99"]
    assert {"name", "value", "unit", "target", "ok", "note"} <= set(p99)
    assert p99["unit"] == "ms" and p99["value"] > 0 and "all delivered once: True" in p99["note"]
    once = rows["alerts.outage_10min.delivered_once"]
    assert once["ok"] and once["unit"] == "of 120 alerts" and once["value"] == 120
    assert rows["alerts.outage_10min.in_order_per_brand"]["value"] == "yes"
