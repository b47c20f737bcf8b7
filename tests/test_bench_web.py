"""The web benchmark's parts run and report rows in the shared format (the figures themselves are
printed by ``make bench``, never asserted by a timed test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reale.bench import web as bench
from reale.bench._web_data import desk, fill
from reale.bench._web_live import live_rows, sse_run
from reale.store import open_store


@pytest.fixture
def small(tmp_path: Path):  # type: ignore[no-untyped-def]
    store = open_store(f"sqlite:///{tmp_path / 'bench.sqlite'}")
    try:
        yield desk(store, fill(store, 2_000))
    finally:
        store.close()


def test_every_page_is_timed_and_answers(small) -> None:  # type: ignore[no-untyped-def]
    rows = bench.time_pages(small, reps=1)
    assert [r["name"] for r in rows] == [f"web.page {p}" for p in bench.pages(small)]
    for r in rows:
        assert set(r) == {"name", "value", "unit", "target", "ok", "note"}
        assert r["value"] > 0 and r["unit"] == "ms" and isinstance(r["ok"], bool)


def test_the_live_feed_is_measured_with_an_sse_client_when_there_is_no_browser(small) -> None:  # type: ignore[no-untyped-def]
    r = sse_run(small, rate=200.0, seconds=1.0)
    assert r["sent"] > 0 and r["received"] == r["sent"]


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs /usr/bin/chromium")
def test_the_live_feed_is_measured_in_chromium(small) -> None:  # type: ignore[no-untyped-def]
    rows = live_rows(small, rate=200.0, seconds=1.0)
    assert [r["name"] for r in rows] == ["web.live.delivered_rate", "web.live.max_stall"]
    assert "chromium page" in rows[0]["note"]
