"""The desk benchmark module returns the rows ``make bench`` expects (figures are not asserted
here: speed targets are checked by the benchmark itself, not by timed unit tests)."""

from __future__ import annotations

from reale.bench import desk


def test_quick_run_returns_well_formed_rows() -> None:
    rows = desk.run(quick=True)
    names = [r["name"] for r in rows]
    assert names == ["desk.opportunity_scoring", "desk.realness_suite", "desk.realness_checks",
                     "desk.quantity_per_text", "desk.aftermath_reactions", "desk.complaint_lexicon_f1"]
    for row in rows:
        assert set(row) == {"name", "value", "unit", "target", "ok", "note"}
    suite = rows[1]
    assert suite["ok"] and suite["value"] == suite["target"] >= 40
