"""Small evaluation metrics for the signals benchmarks (numpy only)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def rankdata(x: ArrayLike) -> NDArray[np.float64]:
    """Ranks from 1, ties sharing their average rank."""
    a = np.asarray(x, dtype=np.float64)
    order = np.argsort(a, kind="mergesort")
    ranks = np.empty(len(a), dtype=np.float64)
    sorted_a = a[order]
    i = 0
    while i < len(a):
        j = i
        while j + 1 < len(a) and sorted_a[j + 1] == sorted_a[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return ranks


def spearman(x: ArrayLike, y: ArrayLike) -> float:
    """Spearman's rank correlation (Pearson on average ranks); nan if either side is constant."""
    rx, ry = rankdata(x), rankdata(y)
    if len(rx) < 2 or rx.std() == 0 or ry.std() == 0:
        return float("nan")
    return float(np.corrcoef(rx, ry)[0, 1])


def mdape(pred: ArrayLike, true: ArrayLike) -> float:
    """Median absolute percentage error, as a fraction."""
    p, t = np.asarray(pred, dtype=np.float64), np.asarray(true, dtype=np.float64)
    return float(np.median(np.abs(p - t) / t))


def male(pred: ArrayLike, true: ArrayLike) -> float:
    """Mean absolute log error (a scale-free tie-breaker used when fitting)."""
    p, t = np.asarray(pred, dtype=np.float64), np.asarray(true, dtype=np.float64)
    return float(np.mean(np.abs(np.log(np.maximum(p, 1e-9) / t))))


def mape(pred: ArrayLike, true: ArrayLike) -> float:
    """Mean absolute percentage error, as a fraction."""
    p, t = np.asarray(pred, dtype=np.float64), np.asarray(true, dtype=np.float64)
    return float(np.mean(np.abs(p - t) / t))


def exact_share(pred: ArrayLike, true: ArrayLike) -> float:
    """Share of predictions that round to the true size."""
    p, t = np.asarray(pred, dtype=np.float64), np.asarray(true, dtype=np.float64)
    return float(np.mean(np.abs(p - t) < 0.5))
