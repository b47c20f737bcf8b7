"""The drafting benchmark runs on the real IBM threads and reports well-formed rows."""

from __future__ import annotations

from pathlib import Path

from reale.bench import drafts


def test_quick_bench_reports_quality_speed_and_the_ibm_baseline(data_dir: Path) -> None:
    rows = {r["name"]: r for r in drafts.run(quick=True)}
    assert {"name", "value", "unit", "target", "ok", "note"} <= set(rows["drafts.rouge_l.top1"])
    assert 0 < rows["drafts.rouge_l.top1"]["value"] < 1
    assert rows["drafts.ms_per_draft.p50"]["target"] == 300.0
    # the real threads' median answer with the support link: 8,822 s (SOURCE.md), in hours
    assert abs(rows["response.ibm.median_url_reply"]["value"] - 8822 / 3600) < 0.01


def test_threads_are_read_with_their_times(data_dir: Path) -> None:
    threads = drafts.load_threads(data_dir / "customer-care" / "en" / "ibm-cdp" / "dev.json")
    assert len(threads) == 525
    assert all(t["reply_at"] >= t["first_agent_at"] >= t["first_at"] for t in threads)


def test_the_guard_blocks_few_of_the_agents_real_replies(data_dir: Path) -> None:
    """The agents' real replies, read as if a model had written them, mostly pass the draft guard
    as they are; the few blocked are real commitments (a fix "by this weekend"), an error code,
    and replies that are little more than a phone number the other replies never gave."""
    threads = drafts.load_threads(data_dir / "customer-care" / "en" / "ibm-cdp" / "dev.json")
    got = drafts.guard_outcomes(threads)
    assert sum(got.values()) == 525
    assert got["block"] / 525 <= drafts.GUARD_TARGET, got
    assert got["pass"] >= 500
    rows = {r["name"]: r for r in drafts.run(quick=True)}
    assert rows["drafts.guard.false_block_rate"]["target"] == 0.02
