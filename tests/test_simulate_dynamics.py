"""How the simulated stream moves: its rate, its cascades (bigger for bigger accounts, with
power-law delays), and injected bursts that raise a term's rate by the asked factor at the
asked onset, measured from the output itself."""

from __future__ import annotations

import json
from collections import defaultdict
from functools import cache
from statistics import mean
from typing import Any

import pytest

from reale.errors import ConfigError
from reale.simulate import Simulator

BURST_AT, BURST_FOR, FACTOR = 100.0, 100.0, 6.0


@cache
def _stream() -> tuple[Simulator, list[tuple[float, dict[str, Any]]]]:
    sim = Simulator(seed=8, authors=3000, rate=500)
    sim.inject_burst("#zuppadipesce", BURST_AT, FACTOR, BURST_FOR, baseline=1.5)
    sim.inject_burst("zuppa inglese", BURST_AT, 1.0, BURST_FOR, baseline=1.0, lang="it")
    events = [(t - sim.config.start, json.loads(line)) for t, line in sim.timed(duration=300)]
    return sim, events


def _posts_with(term: str) -> list[float]:
    _, events = _stream()
    return [t for t, e in events if term in e.get("commit", {}).get("record", {}).get("text", "")]


def _count(times: list[float], lo: float, hi: float) -> int:
    return sum(lo <= t < hi for t in times)


def test_the_stream_runs_at_the_configured_rate() -> None:
    _, events = _stream()
    commits = [t for t, e in events if e["kind"] != "identity" and 30 <= t < 300]
    assert len(commits) / 270 == pytest.approx(500, rel=0.08)


def test_an_injected_burst_multiplies_the_terms_rate_from_its_onset() -> None:
    times = _posts_with("#zuppadipesce")
    before = _count(times, 0, BURST_AT)
    during = _count(times, BURST_AT, BURST_AT + BURST_FOR)
    after = _count(times, BURST_AT + BURST_FOR, 300)
    assert before / BURST_AT == pytest.approx(1.5, rel=0.2)  # the asked baseline
    assert during / before == pytest.approx(FACTOR, rel=0.2)
    assert after / before == pytest.approx(1.0, rel=0.25)
    # the jump is at the onset: the 10 s after it already run at several times the 10 s before
    assert _count(times, BURST_AT, BURST_AT + 10) > 3 * _count(times, BURST_AT - 10, BURST_AT)


def test_burst_truth_matches_what_was_emitted() -> None:
    sim, _ = _stream()
    times = _posts_with("#zuppadipesce")
    truth = sim.truth().bursts[0]
    assert truth.term == "#zuppadipesce" and truth.multiplier == FACTOR
    assert truth.onset == sim.config.start + BURST_AT
    assert (truth.posts_before, truth.posts_during) == (
        _count(times, 0, BURST_AT), _count(times, BURST_AT, BURST_AT + BURST_FOR))


def test_a_stationary_term_keeps_its_rate() -> None:
    times = _posts_with("zuppa inglese")
    first, second = _count(times, 0, 150), _count(times, 150, 300)
    assert first / 150 == pytest.approx(1.0, rel=0.2)
    assert second / first == pytest.approx(1.0, rel=0.3)


def test_bigger_accounts_draw_bigger_cascades() -> None:
    sim, events = _stream()
    posted: dict[str, tuple[str, float]] = {}
    reactions: dict[str, int] = defaultdict(int)
    for t, e in events:
        commit = e.get("commit", {})
        record = commit.get("record")
        if not record:
            continue
        uri = f"at://{e['did']}/{commit['collection']}/{commit['rkey']}"
        subject = record.get("subject", {})
        target = subject.get("uri") if isinstance(subject, dict) else None
        target = target or record.get("reply", {}).get("root", {}).get("uri")
        if target in posted:
            reactions[target] += 1
        if commit["collection"] == "app.bsky.feed.post":
            posted[uri] = (e["did"], t)
    sizes: dict[str, list[int]] = defaultdict(list)
    for uri, (did, t) in posted.items():
        if t < 200:  # leave them time to react
            followers = sim.directory.followers[sim.directory.by_did[did]]
            sizes["small" if followers < 500 else "big" if followers >= 10_000 else "mid"].append(
                reactions[uri])
    assert mean(sizes["big"]) > 10 * mean(sizes["mid"]) > 10 * mean(sizes["small"]) > 0


def test_reactions_come_fast_then_trail_off_like_a_power_law() -> None:
    _, events = _stream()
    posted: dict[str, float] = {}
    delays = []
    for t, e in events:
        commit = e.get("commit", {})
        record = commit.get("record", {})
        subject = record.get("subject")
        if isinstance(subject, dict) and subject["uri"] in posted:
            delays.append(t - posted[subject["uri"]])
        if commit.get("collection") == "app.bsky.feed.post":
            posted[f"at://{e['did']}/{commit['collection']}/{commit['rkey']}"] = t
    delays.sort()
    median, p95 = delays[len(delays) // 2], delays[int(len(delays) * 0.95)]
    assert median < 60 and p95 > 5 * median


def test_reshares_spread_through_reposts_that_say_where_they_came_from() -> None:
    _, events = _stream()
    via = [e for _, e in events if "via" in e.get("commit", {}).get("record", {})]
    assert via and all(e["commit"]["record"]["via"]["uri"].split("/")[3] == "app.bsky.feed.repost"
                       for e in via)


def test_bad_settings_are_refused_with_the_setting_named() -> None:
    with pytest.raises(ConfigError, match="rate must be > 0"):
        Simulator(rate=0)
    with pytest.raises(ConfigError, match="branching"):
        Simulator(branching=1.2)
    with pytest.raises(ConfigError, match="unknown setting"):
        Simulator(colour="blue")
    with pytest.raises(ConfigError, match="bad burst"):
        Simulator(authors=100).inject_burst("#x", 10, -2, 10)
