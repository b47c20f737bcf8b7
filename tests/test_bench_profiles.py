"""The profile benchmark runs end to end in quick mode (local recorded-profile server, tansu,
embedded PostgreSQL, two real stages workers) and reports each figure with its target."""

from __future__ import annotations

import pytest

from reale.bench import profiles as bench

pytestmark = [pytest.mark.slow, pytest.mark.kafka, pytest.mark.postgres]


def test_quick_profile_benchmark_reports_throughput_delay_and_lease_takeover() -> None:
    rows = bench.run(quick=True)
    by_name = {r["name"]: r for r in rows}
    if "profiles.kafka" in by_name:
        pytest.skip(by_name["profiles.kafka"]["note"])
    assert {"profiles.paced.requests_per_s", "profiles.kafka.fetcher_per_s",
            "profiles.kafka.first_mention_to_stored_s",
            "profiles.kafka.lease_takeover_s"} <= set(by_name)
    for r in rows:
        assert set(r) == {"name", "value", "unit", "target", "ok", "note"}
        assert r["value"] > 0 and isinstance(r["ok"], bool)
    # the lease cannot move before the dead holder's lease expires
    assert by_name["profiles.kafka.lease_takeover_s"]["value"] >= bench.LEASE_TTL - 1.0
