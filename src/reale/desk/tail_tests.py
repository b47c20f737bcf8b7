"""Upper-tail probabilities for the backlash test: P(X ≥ k) under a Poisson or a binomial.

Summed term by term from k upward in log space, stopping when terms vanish. Only the upper tail
past the mean matters to an alarm; at or below the mean the tail is at least one half and is
reported as 1.0.
"""

from __future__ import annotations

import math

_EPS = 1e-15


def poisson_sf(k: int, mu: float) -> float:
    """P(X ≥ k) for X ~ Poisson(mu)."""
    if k <= 0:
        return 1.0
    if mu <= 0:
        return 0.0
    if k <= mu:
        return 1.0
    log_term = k * math.log(mu) - mu - math.lgamma(k + 1)
    total, term, i = 0.0, math.exp(log_term), k
    while term > _EPS * max(total, 1e-300) and i < k + 100_000:
        total += term
        i += 1
        term *= mu / i
    return min(1.0, total)


def binomial_sf(k: int, n: int, p: float) -> float:
    """P(X ≥ k) for X ~ Binomial(n, p)."""
    if k <= 0:
        return 1.0
    if k > n or p <= 0:
        return 0.0
    if p >= 1:
        return 1.0
    if k <= n * p:
        return 1.0
    log_term = (math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
                + k * math.log(p) + (n - k) * math.log1p(-p))
    total, term, i = 0.0, math.exp(log_term), k
    ratio = p / (1 - p)
    while i <= n and term > _EPS * max(total, 1e-300):
        total += term
        term *= (n - i) / (i + 1) * ratio
        i += 1
    return min(1.0, total)


__all__ = ["binomial_sf", "poisson_sf"]
