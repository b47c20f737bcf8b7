"""SEISMIC (Zhao et al., KDD 2015): the memory kernel, the infectiousness estimate and the
final-size formula, as pure functions over arrays of reshare "atoms".

An atom is one reshare (or a few merged reshares, see :mod:`reale.signals.momentum`): its count,
the count-weighted time, the summed followers and the follower-weighted time. Event 0 (the
original post) contributes followers (exposure) but is not a reshare.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import msgspec
import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


class SeismicParams(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Model constants. ``theta``/``s0`` are the paper's kernel (power law after 5 minutes);
    ``c`` follows from them so the kernel integrates to 1. ``alpha``/``gamma`` are the paper's
    correction factors (1, 1 is the plain formula); ``n_star`` the mean follower count."""

    theta: float = 0.242
    s0: float = 300.0
    n_star: float = 100.0
    alpha: float = 1.0
    gamma: float = 1.0
    min_window: float = 300.0
    max_window: float = 7200.0
    min_count: int = 5
    level: float = 0.90  # two-sided level of the infectiousness interval
    min_denominator: float = 0.05  # explosive cascades: 1 - gamma p n* is floored here

    @property
    def c(self) -> float:
        return 1.0 / (self.s0 * (1.0 + 1.0 / self.theta))


@dataclass(frozen=True, slots=True)
class Atoms:
    """Reshares seen so far, as parallel arrays (see the module docstring)."""

    count: FloatArray  # reshares merged in the atom (0 for the original post)
    t_count: FloatArray  # count-weighted mean time (seconds since the original post)
    followers: FloatArray  # summed followers
    t_followers: FloatArray  # follower-weighted mean time

    @classmethod
    def from_events(cls, times: FloatArray, followers: FloatArray) -> Atoms:
        """Events as given in a cascade file: row 0 is the original post."""
        t = np.asarray(times, dtype=np.float64)
        n = np.asarray(followers, dtype=np.float64)
        count = np.ones_like(t)
        if len(count):
            count[0] = 0.0
        return cls(count, t, n, t)


class Estimate(msgspec.Struct, frozen=True, kw_only=True):
    """The model's reading at one observation time."""

    observed: int  # size so far, the original post included
    p: float  # infectiousness
    p_low: float
    p_high: float
    predicted_final: float  # size, the original post included
    low: float
    high: float | None  # None: the upper end is explosive (unbounded)
    explosive: bool


def ccdf(age: FloatArray, params: SeismicParams) -> FloatArray:
    """P(reaction time > age): the share of a reshare's influence still to come."""
    c, s0, th = params.c, params.s0, params.theta
    a = np.maximum(age, 0.0)
    early = 1.0 - c * a
    late = (c * s0 / th) * np.power(np.maximum(a, s0) / s0, -th)
    out: FloatArray = np.where(a <= s0, early, late)
    return out


def weighted_exposure(age: FloatArray, h: float, params: SeismicParams) -> FloatArray:
    """For each age D = t - t_i: the integral over s in [t-h, t] of (1 - (t-s)/h) phi(s - t_i)."""
    c, s0, th = params.c, params.s0, params.theta
    d = np.maximum(age, 0.0)
    lo = np.maximum(d - h, 0.0)
    # constant part of the kernel, u in [lo, min(d, s0)]
    a1, b1 = lo, np.minimum(d, s0)
    part1 = np.where(b1 > a1, (c / h) * ((h - d) * (b1 - a1) + (b1 * b1 - a1 * a1) / 2.0), 0.0)
    # power-law part, u in [max(lo, s0), d]
    a2 = np.maximum(lo, s0)
    b2 = np.maximum(d, a2)
    k = c * s0 ** (1.0 + th) / h
    a2s, b2s = np.maximum(a2, 1e-12), np.maximum(b2, 1e-12)
    power = k * ((h - d) * (a2s**-th - b2s**-th) / th + (b2s ** (1 - th) - a2s ** (1 - th)) / (1 - th))
    part2 = np.where(b2 > a2, power, 0.0)
    out: FloatArray = part1 + part2
    return out


def _window(atoms: Atoms, t: float, params: SeismicParams) -> float:
    """The triangular kernel's span at time t, widened to hold ``min_count`` recent events."""
    h = min(max(t / 2.0, params.min_window), params.max_window)
    past = atoms.t_count < t
    in_window = past & (atoms.t_count >= t - h)
    if float(atoms.count[in_window].sum()) >= params.min_count:
        return h
    times = atoms.t_count[past]
    weights = np.maximum(atoms.count[past], 1.0)  # the original post counts as an event here
    if len(times) == 0:
        return h
    order = np.argsort(times)[::-1]
    cum = np.cumsum(weights[order])
    k = int(np.searchsorted(cum, params.min_count + 1))
    first = times[order[min(k, len(order) - 1)]]
    return max(t - float(first), 1e-9)


def chi2_quantile(q: float, dof: float) -> float:
    """Wilson-Hilferty approximation of the chi-square quantile (good for dof >= 2)."""
    z = normal_quantile(q)
    a = 2.0 / (9.0 * dof)
    return float(dof * max(1.0 - a + z * math.sqrt(a), 0.0) ** 3)


def normal_quantile(q: float) -> float:
    """The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9)."""
    # Acklam's rational approximation (relative error < 1.2e-9)
    a = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02,
         1.383577518672690e02, -3.066479806614716e01, 2.506628277459239e00)
    b = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02,
         6.680131188771972e01, -1.328068155288572e01)
    cc = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00,
          -2.549732539343734e00, 4.374664141464968e00, 2.938163982698783e00)
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
    if q <= 0.0 or q >= 1.0:
        raise ValueError(f"quantile level must be in (0, 1), got {q}")
    if q < 0.02425:
        r = math.sqrt(-2 * math.log(q))
        return (((((cc[0] * r + cc[1]) * r + cc[2]) * r + cc[3]) * r + cc[4]) * r + cc[5]) / (
            (((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1)
    if q > 1 - 0.02425:
        return -normal_quantile(1 - q)
    r = q - 0.5
    s = r * r
    return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r / (
        ((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1)


def infectiousness(atoms: Atoms, t: float, params: SeismicParams) -> tuple[float, float, float]:
    """The kernel-weighted estimate p_t with its interval: reshares in the recent window, weighted
    by a triangular kernel, over the followers' exposure weighted the same way."""
    if t <= 0.0 or len(atoms.count) == 0:
        return 0.0, 0.0, 0.0
    h = _window(atoms, t, params)
    sel = (atoms.t_count < t) & (atoms.t_count >= t - h)
    weighted = float(np.sum(atoms.count[sel] * (1.0 - (t - atoms.t_count[sel]) / h)))
    n_in = float(atoms.count[sel].sum())
    seen = atoms.t_followers <= t
    exposure = float(np.sum(atoms.followers[seen] * weighted_exposure(t - atoms.t_followers[seen], h, params)))
    if weighted <= 0.0 or exposure <= 0.0:
        return 0.0, 0.0, 0.0
    p = weighted / exposure
    tail = (1.0 - params.level) / 2.0
    dof = 2.0 * n_in
    return p, p * chi2_quantile(tail, dof) / dof, p * chi2_quantile(1.0 - tail, dof) / dof


def _final(observed: float, future: float, p: float, params: SeismicParams) -> tuple[float, bool]:
    denom = 1.0 - params.gamma * p * params.n_star
    explosive = denom < params.min_denominator
    denom = max(denom, params.min_denominator)
    return observed + params.alpha * p * future / denom, explosive


def predict(atoms: Atoms, t: float, params: SeismicParams) -> Estimate:
    """The final size (original post included) predicted at time ``t`` with its interval."""
    seen_c = atoms.t_count <= t
    reshares = float(atoms.count[seen_c].sum())
    observed = reshares + (1.0 if len(atoms.count) else 0.0)
    seen = atoms.t_followers <= t
    future = float(np.sum(atoms.followers[seen] * ccdf(t - atoms.t_followers[seen], params)))
    p, p_lo, p_hi = infectiousness(atoms, t, params)
    mid, explosive = _final(observed, future, p, params)
    low, _ = _final(observed, future, p_lo, params)
    high, high_explosive = _final(observed, future, p_hi, params)
    return Estimate(observed=round(observed), p=p, p_low=p_lo, p_high=p_hi,
                    predicted_final=mid, low=low, high=None if high_explosive else high,
                    explosive=explosive)
