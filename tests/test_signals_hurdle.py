"""The hurdle momentum model: a cascade that is obviously over is predicted at exactly its size, an
active one grows, the interval holds the point, and the fit recovers known weights."""

from __future__ import annotations

import numpy as np
import pytest

from reale.clock import ManualClock
from reale.errors import ConfigError, ModelError
from reale.signals.hurdle import (
    HurdleParams,
    ape_point,
    end_features,
    ended_weights,
    growth_features,
    growth_offset,
    mixture_quantile,
    predict_hurdle,
    predict_mixture,
    sigmoid,
)
from reale.signals.hurdle_fit import fit_hurdle, fit_logistic
from reale.signals.momentum import MomentumConfig, MomentumTracker
from reale.signals.seismic import Atoms, SeismicParams
from tests.conftest import DATA

T0 = 1_700_000_000.0
AUSPOL = DATA / "cascades" / "auspol" / "auspol_cascades.csv"


def _atoms(times: list[float], followers: float, root_followers: float = 1000.0) -> Atoms:
    return Atoms.from_events(np.array([0.0, *times]), np.array([root_followers] +
                                                                [followers] * len(times)))


def test_a_cascade_quiet_for_hours_is_predicted_at_exactly_its_size() -> None:
    atoms = _atoms([30.0, 90.0, 200.0, 400.0, 700.0], followers=80)  # nothing after 12 minutes
    h = predict_hurdle(atoms, 6 * 3600.0, SeismicParams(), HurdleParams())
    assert h.observed == 6
    assert h.p_ended > 0.5
    assert h.predicted_final == 6 and h.low == 6


def test_a_cascade_resharing_right_now_is_predicted_to_grow() -> None:
    times = [3600.0 - 30.0 * i for i in range(60, 0, -1)]  # two a minute for the last half hour
    h = predict_hurdle(_atoms(times, followers=300), 3600.0, SeismicParams(), HurdleParams())
    assert h.observed == 61
    assert h.p_ended < 0.1
    assert h.predicted_final > 61 and h.high > h.predicted_final


@pytest.mark.parametrize("seed", range(5))
def test_the_interval_holds_the_point_and_the_median(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(40):
        obs = float(rng.integers(1, 500))
        point, low, high, q, median = predict_mixture(obs, rng.exponential(1200), rng.exponential(50),
                                                      rng.uniform(60, 30000), HurdleParams())
        assert obs <= low <= point <= median <= high
        assert 0.0 <= q <= 1.0


def test_the_point_minimises_the_expected_absolute_percentage_error() -> None:
    obs, q, mu, sigma = 20.0, 0.3, np.log(15.0), 0.8
    rng = np.random.default_rng(0)
    draws = np.where(rng.random(200_000) < q, obs,
                     obs + np.maximum(np.exp(mu + sigma * rng.standard_normal(200_000)), 1.0))

    def expected_ape(x: float) -> float:
        return float(np.mean(np.abs(x - draws) / draws))

    point = ape_point(obs, q, mu, sigma, 256)
    median = mixture_quantile(obs, q, mu, sigma, 0.5)
    mean = float(draws.mean())
    assert expected_ape(point) < expected_ape(median) < expected_ape(mean)
    assert expected_ape(point) <= min(expected_ape(x) for x in np.linspace(obs, 60.0, 81)) + 2e-3


def test_mixture_quantiles_are_the_size_below_p_ended_then_the_log_normal() -> None:
    assert mixture_quantile(10.0, 0.4, 2.0, 1.0, 0.3) == 10.0
    # u = 0.7 with p_ended 0.4 is the growth part's median: exp(mu) extra reshares
    assert mixture_quantile(10.0, 0.4, 2.0, 1.0, 0.7) == pytest.approx(10.0 + np.exp(2.0))


def test_hazard_weights_interpolate_in_log_age_and_clamp_at_the_ends() -> None:
    table = ((600.0, 0.0, 1.0), (6000.0, 2.0, 3.0))
    assert list(ended_weights(table, 60.0)) == [0.0, 1.0]
    assert list(ended_weights(table, 1e6)) == [2.0, 3.0]
    assert list(ended_weights(table, 600.0 * 10 ** 0.5)) == pytest.approx([1.0, 2.0])
    with pytest.raises(ConfigError, match="ended"):
        ended_weights((), 100.0)


def test_the_tracker_reads_a_cascade_as_over_once_the_clock_runs_on_without_reshares() -> None:
    clock = ManualClock(T0)
    tracker = MomentumTracker(MomentumConfig(min_interval=0.0), clock)
    tracker.track("at://root", T0, followers=2000)
    for i in range(1, 31):
        clock.set(T0 + 60.0 * i)
        tracker.update("at://root", T0 + 60.0 * i, 150)
    busy = tracker.get("at://root")
    clock.set(T0 + 6 * 3600.0)
    quiet = tracker.get("at://root")
    assert busy is not None and quiet is not None
    assert busy.p_ended < 0.5 < quiet.p_ended
    assert busy.predicted_final > busy.observed == 31
    assert quiet.predicted_final == quiet.observed == 31 and not quiet.gathering_speed


def test_the_logistic_fit_recovers_known_weights() -> None:
    rng = np.random.default_rng(1)
    x = np.column_stack([np.ones(20_000), rng.normal(size=20_000), rng.normal(size=20_000)])
    w = np.array([-0.5, 1.5, -1.0])
    y = (rng.random(20_000) < sigmoid(x @ w)).astype(float)
    assert fit_logistic(x, y, ridge=1e-3) == pytest.approx(w, abs=0.08)


def test_a_whole_number_ridge_still_keeps_the_intercept_finite_when_every_row_agrees() -> None:
    x = np.column_stack([np.ones(50), np.linspace(-1.0, 1.0, 50)])
    w = fit_logistic(x, np.ones(50), ridge=5)  # every cascade over: only a light intercept penalty
    assert np.all(np.isfinite(w)) and w[0] > 5.0


def test_the_hurdle_fit_recovers_the_weights_it_was_simulated_with() -> None:
    rng = np.random.default_rng(2)
    truth = HurdleParams(ended=((600.0, -1.0, 0.8, -0.6, 0.2), (3600.0, 0.5, 1.0, -0.8, 0.1)),
                         growth=(-0.7, 0.3, -0.2), sigma=0.6)
    n = 60_000
    age = rng.choice([600.0, 3600.0], n)
    obs, gap = np.round(np.exp(rng.uniform(0.0, 8.0, n))), rng.exponential(900.0, n)
    rem = rng.lognormal(2.0, 1.2, n)
    weights = np.array([ended_weights(truth.ended, a) for a in (600.0, 3600.0)])
    log_odds = np.sum(end_features(obs, gap, rem) * weights[(age == 3600.0).astype(int)], axis=1)
    ended = rng.random(n) < sigmoid(log_odds)
    mu = growth_features(obs, age, truth) @ np.array(truth.growth) + growth_offset(rem)
    extra = np.ceil(np.exp(mu + truth.sigma * rng.standard_normal(n)) * 1000) / 1000
    final = np.where(ended, obs, obs + extra)
    fitted = fit_hurdle(obs, gap, rem, age, final, ridge=1e-3)
    for want, got in zip(truth.ended, fitted.ended, strict=True):
        assert got == pytest.approx(want, abs=0.15)
    assert fitted.growth == pytest.approx(truth.growth, abs=0.05)
    assert fitted.sigma == pytest.approx(truth.sigma, abs=0.03)


def test_too_few_rows_is_a_clear_error() -> None:
    with pytest.raises(ModelError, match="too few rows"):
        fit_hurdle([5, 6], [10, 20], [1, 2], [600, 600], [5, 9])


def test_the_shipped_constants_are_what_the_fit_gives_on_auspol() -> None:
    if not AUSPOL.is_file():
        pytest.skip("../shared/data is not present")
    from reale.bench.signals_momentum import fit_constants, load_auspol

    refit = fit_constants(load_auspol(AUSPOL))
    shipped = HurdleParams()
    assert refit.ended == shipped.ended
    assert refit.growth == shipped.growth and refit.sigma == shipped.sigma
