"""`python -m reale.bench.signals` prints each figure with its target: a report-only row (no
target to meet) is not marked as missed."""

from __future__ import annotations

from reale.bench.signals import format_row


def row(ok: bool | None) -> dict[str, object]:
    return {"name": "momentum.x", "value": 0.5, "unit": "fraction", "target": "report",
            "ok": ok, "note": ""}


def test_only_a_missed_target_reads_miss() -> None:
    assert format_row(row(True)).startswith("ok ")
    assert format_row(row(False)).startswith("MISS")
    assert format_row(row(None)).startswith("    ")
