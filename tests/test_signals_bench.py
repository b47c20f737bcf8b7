"""The signals benchmark runs (quick mode) and reports every figure as a well-formed row."""

from __future__ import annotations

from reale.bench import signals


def test_the_quick_bench_reports_momentum_moments_and_speed_rows() -> None:
    rows = signals.run(quick=True)
    names = [r["name"] for r in rows]
    assert any(n.startswith("momentum.") for n in names)
    assert "moments.synthetic.stationary.false_alerts_per_brand_day" in names
    assert "signals.update.interactions_per_s" in names
    for r in rows:
        assert set(r) == {"name", "value", "unit", "target", "ok", "note"}
        assert isinstance(r["ok"], bool)
