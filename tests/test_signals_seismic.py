"""SEISMIC's pieces behave as the paper defines them: a kernel that integrates to one, an
exposure integral that matches numerical quadrature, and a final-size formula with an interval."""

from __future__ import annotations

import numpy as np
import pytest

from reale.signals.seismic import (
    Atoms,
    SeismicParams,
    ccdf,
    chi2_quantile,
    infectiousness,
    predict,
    weighted_exposure,
)

PARAMS = SeismicParams()


def _pdf(u: np.ndarray) -> np.ndarray:
    c, s0, th = PARAMS.c, PARAMS.s0, PARAMS.theta
    safe = np.maximum(u, s0)
    return np.where(u < 0, 0.0, np.where(u <= s0, c, c * (safe / s0) ** (-(1 + th))))


def test_the_memory_kernel_is_constant_for_five_minutes_then_a_power_law_and_integrates_to_one() -> None:
    assert PARAMS.c * PARAMS.s0 * (1 + 1 / PARAMS.theta) == pytest.approx(1.0)
    ages = np.array([0.0, 150.0, 300.0, 301.0, 3600.0, 86400.0])
    tail = ccdf(ages, PARAMS)
    assert tail[0] == pytest.approx(1.0)
    assert np.all(np.diff(tail) < 0)
    assert ccdf(np.array([300.0 - 1e-9]), PARAMS)[0] == pytest.approx(ccdf(np.array([300.0]),
                                                                            PARAMS)[0])


@pytest.mark.parametrize("age", [10.0, 200.0, 301.0, 1000.0, 5000.0, 20000.0])
@pytest.mark.parametrize("h", [300.0, 1800.0, 7200.0])
def test_the_kernel_weighted_exposure_matches_quadrature(age: float, h: float) -> None:
    s = np.linspace(max(0.0, age - h), age, 200_001)
    numeric = np.trapezoid((1 - (age - s) / h) * _pdf(s), s)
    closed = weighted_exposure(np.array([age]), h, PARAMS)[0]
    assert closed == pytest.approx(numeric, rel=1e-4)


def test_chi_square_quantiles_are_close_to_the_tables() -> None:
    assert chi2_quantile(0.95, 10) == pytest.approx(18.307, rel=2e-3)
    assert chi2_quantile(0.05, 10) == pytest.approx(3.940, rel=1e-2)
    assert chi2_quantile(0.95, 200) == pytest.approx(233.994, rel=1e-3)


def _steady_cascade(rate_per_min: float, minutes: float, followers: float) -> Atoms:
    times = np.concatenate([[0.0], np.arange(1, int(rate_per_min * minutes) + 1) * 60 / rate_per_min])
    return Atoms.from_events(times, np.full(len(times), followers))


def test_infectiousness_is_reshares_per_kernel_weighted_follower_exposure() -> None:
    few = infectiousness(_steady_cascade(2, 60, 1000.0), 3600.0, PARAMS)
    many = infectiousness(_steady_cascade(2, 60, 100.0), 3600.0, PARAMS)
    assert 0 < few[1] < few[0] < few[2]
    # the same reshares from audiences ten times smaller mean ten times the infectiousness
    assert many[0] == pytest.approx(10 * few[0], rel=1e-9)


def test_a_cascade_predicts_more_than_it_has_seen_within_its_interval() -> None:
    est = predict(_steady_cascade(1, 30, 1000.0), 1800.0, PARAMS)
    assert est.observed == 31
    assert est.observed <= est.low <= est.predicted_final
    assert est.high is not None and est.predicted_final <= est.high
    assert not est.explosive


def test_a_cascade_past_the_critical_infectiousness_is_flagged_explosive() -> None:
    est = predict(_steady_cascade(10, 30, 20.0), 1800.0, PARAMS)  # p * n* well above 1
    assert est.explosive
    assert est.high is None
    assert est.predicted_final > est.observed


def test_the_correction_factors_scale_the_expected_remainder() -> None:
    atoms = _steady_cascade(1, 30, 200.0)
    plain = predict(atoms, 1800.0, PARAMS)
    halved = predict(atoms, 1800.0, SeismicParams(alpha=0.5, gamma=0.0))
    assert halved.predicted_final < plain.predicted_final
    none = predict(atoms, 1800.0, SeismicParams(alpha=0.0))
    assert none.predicted_final == none.observed


def test_an_original_post_alone_predicts_itself() -> None:
    est = predict(Atoms.from_events(np.array([0.0]), np.array([500.0])), 600.0, PARAMS)
    assert (est.observed, est.predicted_final, est.p) == (1, 1.0, 0.0)
