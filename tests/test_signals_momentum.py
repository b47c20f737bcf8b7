"""The momentum state: per tracked post, SEISMIC readings in bounded memory, on an injected clock."""

from __future__ import annotations

import numpy as np
import pytest

from reale.clock import ManualClock
from reale.signals.hurdle import HurdleParams, predict_hurdle
from reale.signals.momentum import MomentumConfig, MomentumTracker, corrections_at
from reale.signals.seismic import Atoms, SeismicParams, predict

T0 = 1_700_000_000.0


def _feed(tracker: MomentumTracker, clock: ManualClock, times: list[float], followers: float) -> None:
    for t in times:
        clock.set(T0 + t)
        tracker.update("at://root", T0 + t, followers)


def test_a_tracked_post_gathers_speed_when_its_predicted_final_outgrows_what_it_has() -> None:
    clock = ManualClock(T0)
    tracker = MomentumTracker(MomentumConfig(gathering_min_final=20), clock)
    tracker.track("at://root", T0, followers=5000)
    _feed(tracker, clock, [30.0 * i for i in range(1, 41)], followers=300)  # 2 a minute
    reading = tracker.get("at://root")
    assert reading is not None
    assert reading.observed == 41
    assert reading.gathering_speed
    assert reading.median_final >= 2 * reading.observed  # more likely than not to double
    assert reading.observed < reading.predicted_final <= reading.median_final


def test_a_quiet_post_does_not_gather_speed() -> None:
    clock = ManualClock(T0)
    tracker = MomentumTracker(MomentumConfig(), clock)
    tracker.track("at://root", T0, followers=100)
    _feed(tracker, clock, [60.0, 120.0], followers=50)
    clock.set(T0 + 6 * 3600)
    reading = tracker.get("at://root")
    assert reading is not None and not reading.gathering_speed


def test_untracked_posts_are_ignored_and_readings_are_none() -> None:
    tracker = MomentumTracker(MomentumConfig(), ManualClock(T0))
    assert tracker.update("at://other", T0, 10) is False
    assert tracker.get("at://other") is None


def test_memory_stays_bounded_and_merged_atoms_keep_the_prediction_close() -> None:
    clock = ManualClock(T0)
    tracker = MomentumTracker(MomentumConfig(max_atoms=64), clock)
    tracker.track("at://root", T0, followers=2000)
    rng = np.random.default_rng(3)
    times = np.sort(rng.exponential(1500.0, 600))
    followers = rng.lognormal(5, 1.5, 600)
    for t, n in zip(times, followers, strict=True):
        tracker.update("at://root", T0 + t, n)
    clock.set(T0 + times[-1] + 60)
    reading = tracker.get("at://root")
    atoms = Atoms.from_events(np.concatenate([[0.0], times]), np.concatenate([[2000.0], followers]))
    assert reading is not None
    exact = predict(atoms, reading.age, SeismicParams())
    exact_hurdle = predict_hurdle(atoms, reading.age, SeismicParams(), HurdleParams())
    assert len(tracker._cascades["at://root"].count) <= 64
    assert reading.observed == 601
    assert reading.seismic_final == pytest.approx(exact.predicted_final, rel=0.05)
    assert reading.predicted_final == pytest.approx(exact_hurdle.predicted_final, rel=0.05)


def test_least_recently_active_cascades_are_dropped_past_the_limit() -> None:
    tracker = MomentumTracker(MomentumConfig(max_cascades=2), ManualClock(T0))
    for name in ("a", "b", "c"):
        tracker.track(name, T0, 10)
    assert len(tracker) == 2 and "a" not in tracker


def test_readings_are_cached_between_events_for_min_interval_seconds() -> None:
    clock = ManualClock(T0)
    tracker = MomentumTracker(MomentumConfig(min_interval=5.0), clock)
    tracker.track("at://root", T0, 100)
    _feed(tracker, clock, [10.0, 20.0], 100)
    first = tracker.get("at://root")
    clock.advance(1.0)
    assert tracker.get("at://root") is first
    clock.advance(10.0)
    assert tracker.get("at://root") is not first


def test_a_snapshot_restores_the_same_reading_after_a_restart() -> None:
    clock = ManualClock(T0)
    tracker = MomentumTracker(MomentumConfig(), clock)
    tracker.track("at://root", T0, 800)
    _feed(tracker, clock, [15.0 * i for i in range(1, 30)], 120)
    before = tracker.get("at://root")
    again = MomentumTracker(MomentumConfig(), clock)
    again.restore(tracker.snapshot())
    assert again.get("at://root") == before


def test_correction_factors_interpolate_in_log_time_and_clamp_at_the_ends() -> None:
    table = ((600.0, 0.2, 1.0), (6000.0, 0.6, 2.0))
    assert corrections_at(table, 60.0) == (0.2, 1.0)
    assert corrections_at(table, 1e6) == (0.6, 2.0)
    mid = corrections_at(table, 600.0 * 10 ** 0.5)
    assert mid == pytest.approx((0.4, 1.5))
    assert corrections_at((), 100.0) == (1.0, 1.0)
