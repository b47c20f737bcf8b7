"""Momentum with an explicit "already over" part: a logistic hazard gives the chance that a cascade
has ended, a log-normal the extra reshares if it has not (SEISMIC's expected growth times a fitted
factor); the point is the mixture's absolute-percentage-error-optimal median, the interval its
quantiles.
"""

from __future__ import annotations

import math
from functools import lru_cache

import msgspec
import numpy as np
from numpy.typing import ArrayLike

from reale.errors import ConfigError
from reale.signals.seismic import Atoms, FloatArray, SeismicParams, normal_quantile, predict

# fitted constants (see HurdleParams); rows: age in seconds, then the end_features weights
DEFAULT_ENDED: tuple[tuple[float, ...], ...] = (
    (600.0, -2.5638, 0.2996, -0.4611, 0.1184),
    (1800.0, -1.5486, 0.6167, -0.4556, 0.0615),
    (3600.0, 1.5069, 0.2501, -0.6529, -0.3571),
    (7200.0, -0.7754, 0.8616, -0.6319, 0.1617),
    (21600.0, -1.3347, 1.1598, -0.5003, 0.1254),
)
DEFAULT_GROWTH: tuple[float, ...] = (-1.4584, 0.1777, -0.1515)
DEFAULT_SIGMA = 1.0526


class HurdleParams(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``ended``: rows (age in seconds, weights over :func:`end_features`) of the logistic log-odds
    that the cascade is over, interpolated in log age between rows (clamped at the ends);
    ``growth``: weights over :func:`growth_features` of the mean log extra reshares when it is not,
    beyond SEISMIC's own expected growth (:func:`growth_offset`);
    ``sigma``: the log-normal's spread.

    The defaults were fitted on all #auspol cascades (at least 5 events seen) by
    ``python -m reale.bench.signals_momentum --fit-constants``; a test checks they reproduce."""

    ended: tuple[tuple[float, ...], ...] = DEFAULT_ENDED
    growth: tuple[float, ...] = DEFAULT_GROWTH
    sigma: float = DEFAULT_SIGMA
    level: float = 0.90  # two-sided level of the interval
    min_age: float = 600.0  # the growth part's age is clamped to the range it was fitted on
    max_age: float = 21600.0
    grid: int = 64  # quantile points of the growth part used for the point prediction


class HurdlePrediction(msgspec.Struct, frozen=True, kw_only=True):
    """The model's reading at one observation time (sizes count the original post)."""

    observed: int
    predicted_final: float
    low: float
    high: float
    median_final: float  # the predictive distribution's plain median (>= predicted_final)
    p_ended: float  # probability that no reshare is still to come
    seismic_final: float  # plain SEISMIC's (mean) prediction, for comparison
    infectiousness: float
    explosive: bool  # SEISMIC reads the cascade as supercritical


def _age_hours(age: ArrayLike, params: HurdleParams) -> FloatArray:
    age_s = np.clip(np.asarray(age, dtype=np.float64), params.min_age, params.max_age)
    out: FloatArray = age_s / 3600.0
    return out


def end_features(observed: ArrayLike, gap: ArrayLike, remaining: ArrayLike) -> FloatArray:
    """Rows [1, log(1 + minutes since the last event), log(1 + SEISMIC's expected extra reshares),
    log(observed size)]."""
    obs = np.maximum(np.asarray(observed, dtype=np.float64), 1.0)
    g = np.maximum(np.asarray(gap, dtype=np.float64), 0.0) / 60.0
    m = np.maximum(np.asarray(remaining, dtype=np.float64), 0.0)
    out: FloatArray = np.column_stack([np.ones_like(obs), np.log1p(g * np.ones_like(obs)),
                                       np.log1p(m * np.ones_like(obs)), np.log(obs)])
    return out


def growth_features(observed: ArrayLike, age: ArrayLike, params: HurdleParams) -> FloatArray:
    """Rows [1, log(observed size), log(age in hours)]: they scale SEISMIC's expected growth."""
    obs = np.maximum(np.asarray(observed, dtype=np.float64), 1.0)
    out: FloatArray = np.column_stack([np.ones_like(obs), np.log(obs),
                                       np.log(_age_hours(age, params) * np.ones_like(obs))])
    return out


def growth_offset(remaining: ArrayLike) -> FloatArray:
    """log(1 + SEISMIC's expected extra reshares): the growth part's mean is this plus the
    weighted :func:`growth_features` (SEISMIC's growth times a fitted factor)."""
    out: FloatArray = np.log1p(np.maximum(np.asarray(remaining, dtype=np.float64), 0.0))
    return out


def ended_weights(table: tuple[tuple[float, ...], ...], age: float) -> FloatArray:
    """The hazard weights at ``age``: linear in log(age) between the table's rows."""
    if not table:
        raise ConfigError("the momentum model's `ended` table is empty: give at least one row "
                          "(age_seconds, weights...)")
    rows = sorted(table)
    ages = np.log([r[0] for r in rows])
    w = np.array([r[1:] for r in rows], dtype=np.float64)
    x = math.log(max(age, 1e-9))
    out: FloatArray = np.array([np.interp(x, ages, w[:, j]) for j in range(w.shape[1])])
    return out


def sigmoid(z: FloatArray) -> FloatArray:
    out: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * z))
    return out


@lru_cache(maxsize=8)
def _grid(n: int) -> tuple[float, ...]:
    return tuple(normal_quantile((k + 0.5) / n) for k in range(n))


def mixture_quantile(observed: float, p_ended: float, mu: float, sigma: float, u: float) -> float:
    """The u-quantile of the mixture: ``observed`` with probability p_ended, else
    observed + max(1, exp(N(mu, sigma²)))."""
    if u <= p_ended:
        return observed
    v = min(max((u - p_ended) / (1.0 - p_ended), 1e-9), 1.0 - 1e-9)
    return observed + max(math.exp(mu + sigma * normal_quantile(v)), 1.0)


def ape_point(observed: float, p_ended: float, mu: float, sigma: float, grid: int) -> float:
    """The point minimising expected |X - y| / y over the mixture: its median once each outcome is
    weighted by 1/size (on ``grid`` quantile points of the growth part)."""
    extra = np.maximum(np.exp(mu + sigma * np.array(_grid(grid))), 1.0)
    values = np.concatenate([[observed], observed + extra])
    probs = np.concatenate([[p_ended], np.full(grid, (1.0 - p_ended) / grid)])
    cum = np.cumsum(probs / values)
    return float(values[int(np.searchsorted(cum, cum[-1] / 2.0))])


def predict_mixture(observed: float, gap: float, remaining: float, age: float,
                    params: HurdleParams) -> tuple[float, float, float, float, float]:
    """(point, low, high, p_ended, median) from the observed size, seconds since the last event,
    SEISMIC's expected extra reshares and the age."""
    x_end = end_features(observed, gap, remaining)[0]
    q = float(sigmoid(np.array([x_end @ ended_weights(params.ended, age)]))[0])
    mu = float(growth_features(observed, age, params)[0] @ np.array(params.growth)
               + growth_offset(remaining))
    tail = (1.0 - params.level) / 2.0
    low = mixture_quantile(observed, q, mu, params.sigma, tail)
    high = mixture_quantile(observed, q, mu, params.sigma, 1.0 - tail)
    median = mixture_quantile(observed, q, mu, params.sigma, 0.5)
    point = min(max(ape_point(observed, q, mu, params.sigma, params.grid), low), median)
    return point, low, high, q, median


def last_event(atoms: Atoms, t: float) -> float:
    """Time of the latest reshare seen at ``t`` (0, the original post, when there is none)."""
    seen = (atoms.count > 0) & (atoms.t_count <= t)
    return float(atoms.t_count[seen].max()) if bool(seen.any()) else 0.0


def predict_hurdle(atoms: Atoms, t: float, seismic: SeismicParams,
                   params: HurdleParams) -> HurdlePrediction:
    """The final size predicted at time ``t`` with its interval (see the module docstring)."""
    est = predict(atoms, t, seismic)
    gap = t - last_event(atoms, t)
    remaining = est.predicted_final - est.observed
    point, low, high, q, median = predict_mixture(float(est.observed), gap, remaining, t, params)
    return HurdlePrediction(observed=est.observed, predicted_final=point, low=low, high=high,
                            median_final=median, p_ended=q, seismic_final=est.predicted_final,
                            infectiousness=est.p, explosive=est.explosive)
