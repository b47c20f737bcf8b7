"""Fitting the hurdle momentum model (:mod:`reale.signals.hurdle`) in plain numpy: per observation
age a ridge-penalised logistic regression (Newton's method) for "already over", and one ridge least
squares over all ages for the growth part.
"""

from __future__ import annotations

import math

import msgspec
import numpy as np
from numpy.typing import ArrayLike

from reale.errors import ModelError
from reale.signals.hurdle import (
    HurdleParams,
    end_features,
    growth_features,
    growth_offset,
    sigmoid,
)
from reale.signals.seismic import FloatArray

RIDGE = 5.0  # chosen by cross-validation inside the even-id (fit) half of #auspol only
MIN_ROWS = 10  # an age with fewer training rows gets no hazard row of its own


def fit_logistic(x: FloatArray, y: FloatArray, ridge: float = RIDGE, iterations: int = 100
                 ) -> FloatArray:
    """Weights maximising the Bernoulli likelihood minus ridge/2 |w|² (column 0, the intercept,
    only lightly penalised so that an all-one or all-zero sample stays finite)."""
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], float(ridge))  # float: an int array would round 1e-2 to 0
    penalty[0] = 1e-2
    for _ in range(iterations):
        p = sigmoid(x @ w)
        grad = x.T @ (y - p) - penalty * w
        hess = (x * (p * (1.0 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        w = w + step
        if float(np.max(np.abs(step))) < 1e-10:
            break
    return w


def fit_linear(x: FloatArray, y: FloatArray, ridge: float = RIDGE) -> tuple[FloatArray, float]:
    """Ridge least squares (intercept unpenalised) and the residuals' standard deviation."""
    penalty = np.full(x.shape[1], float(ridge))
    penalty[0] = 0.0
    solved = np.linalg.solve(x.T @ x + np.diag(penalty), x.T @ y)
    w: FloatArray = np.asarray(solved, dtype=np.float64)
    resid = y - x @ w
    dof = max(len(y) - x.shape[1], 1)
    return w, float(math.sqrt(float(resid @ resid) / dof))


def fit_hurdle(observed: ArrayLike, gap: ArrayLike, remaining: ArrayLike, age: ArrayLike,
               final: ArrayLike, base: HurdleParams | None = None, ridge: float = RIDGE
               ) -> HurdleParams:
    """Weights from training rows: observed size, seconds since the last event, SEISMIC's expected
    extra reshares, observation age, true final size. Each distinct age gets its hazard row."""
    params = base or HurdleParams()
    obs, fin = np.asarray(observed, dtype=np.float64), np.asarray(final, dtype=np.float64)
    gaps, rem = np.asarray(gap, dtype=np.float64), np.asarray(remaining, dtype=np.float64)
    ages = np.asarray(age, dtype=np.float64)
    growing = fin > obs
    table: list[tuple[float, ...]] = []
    for a in np.unique(ages):
        at = ages == a
        if at.sum() < MIN_ROWS:
            continue
        w = fit_logistic(end_features(obs[at], gaps[at], rem[at]), (~growing[at]).astype(float),
                         ridge)
        table.append((float(a), *(round(float(v), 4) for v in w)))
    if not table or growing.sum() < 5:
        raise ModelError(f"too few rows to fit the hurdle model: {len(obs)} rows, "
                         f"{int(growing.sum())} still growing (need an age with {MIN_ROWS} rows "
                         "and 5 growing rows)")
    x_grow = growth_features(obs[growing], ages[growing], params)
    target = np.log(fin[growing] - obs[growing]) - growth_offset(rem[growing])
    w_grow, sigma = fit_linear(x_grow, target, ridge)
    return msgspec.structs.replace(params, ended=tuple(table),
                                   growth=tuple(round(float(v), 4) for v in w_grow),
                                   sigma=round(sigma, 4))
