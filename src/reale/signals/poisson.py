"""The Poisson tail used to score a term's count against its baseline."""

from __future__ import annotations

import math


def poisson_log10_sf(count: int, lam: float) -> float:
    """log10 P(X >= count) for X ~ Poisson(lam).

    >>> round(poisson_log10_sf(10, 1.0), 2)
    -6.95
    """
    if count <= 0:
        return 0.0
    if lam <= 0:
        return -math.inf
    log_term = count * math.log(lam) - lam - math.lgamma(count + 1)
    if count <= lam:
        return math.log10(max(1e-300, 1.0 - math.exp(_log_cdf_below(count, lam))))
    total, term, k = 1.0, 1.0, count
    while term > 1e-12 * total:
        k += 1
        term *= lam / k
        total += term
    return (log_term + math.log(total)) / math.log(10)


def _log_cdf_below(count: int, lam: float) -> float:
    """log P(X < count), summed directly (only used when count <= lam)."""
    term, total = math.exp(-lam), 0.0
    for k in range(count):
        total += term
        term *= lam / (k + 1)
    return math.log(max(total, 1e-300))
