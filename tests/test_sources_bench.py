"""The sources benchmark runs and reports rows in the shape ``make bench`` expects (speed is
judged by the benchmark itself, never by a timed test)."""

from __future__ import annotations

import pytest

from reale.bench import sources as bench
from tests.conftest import WIRE


def test_the_corpus_is_real_posts_with_varied_text() -> None:
    if not WIRE.exists():
        pytest.skip("wire recordings are not present")
    corpus = bench.post_corpus(WIRE / "bluesky" / "jetstream_v1_events.jsonl", 50)
    from reale.sources.jetstream import parse

    texts = [parse(line)[0].text for line in corpus]
    assert len(set(texts)) == 50


def test_run_reports_every_row_with_a_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    if not WIRE.exists():
        pytest.skip("wire recordings are not present")
    monkeypatch.setattr(bench, "_rate", lambda parse, lines, **kw: float(len(lines)))
    rows = bench.run(quick=True)
    assert [r["unit"] for r in rows] == ["posts/s", "posts/s", "events/s", "statuses/s",
                                         "tweets/s"]
    assert all(set(r) == {"name", "value", "unit", "target", "ok", "note"} for r in rows)
    assert rows[0]["target"] == bench.POST_TARGET
