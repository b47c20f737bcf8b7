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


def test_the_term_precision_bench_compares_the_first_extractor_with_the_current_one() -> None:
    from reale.bench import signals_terms

    rows = {r["name"]: r for r in signals_terms.run(quick=True)}
    for r in rows.values():
        assert set(r) == {"name", "value", "unit", "target", "ok", "note"}
        assert isinstance(r["ok"], bool)
    before, after = "moments.sim_terms.before.", "moments.sim_terms.after."
    assert rows[after + "precision"]["value"] > rows[before + "precision"]["value"]
    assert rows[after + "ordinary_word_alerts"]["value"] < rows[before + "ordinary_word_alerts"]["value"]
    assert rows[after + "found_within_2min"]["ok"]
