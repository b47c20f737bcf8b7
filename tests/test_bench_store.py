"""The store benchmark runs end to end in quick mode and reports rows in the shared format."""

from __future__ import annotations

import pytest

from reale.bench import store as bench


@pytest.mark.slow
def test_quick_store_benchmark_reports_each_figure_with_its_target() -> None:
    rows = bench.run(quick=True)
    names = {r["name"] for r in rows}
    assert {"store.sqlite.mentions_per_s", "store.sqlite.writer_p99_ms"} <= names
    for r in rows:
        assert set(r) == {"name", "value", "unit", "target", "ok", "note"}
        assert r["value"] is None or r["value"] > 0
        assert isinstance(r["ok"], bool)
