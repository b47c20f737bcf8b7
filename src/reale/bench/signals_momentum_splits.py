"""Momentum evaluation over repeated random halves of the #auspol cascades: each split fits every
model on one half (by cascade) and scores it on the other; figures are the mean and spread over
splits, for all evaluated cascades and for those still active at the observation time.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from reale.bench.signals_momentum import (
    ACTIVE_WITHIN,
    CID,
    FINAL,
    GAP,
    OBS,
    TRAIN_AGES,
    Cascade,
    feature_table,
    predictions,
    scores,
)
from reale.signals.seismic import SeismicParams

METRICS = ("mdape", "spearman", "mape", "exact")


def _summary(values: dict[str, list[float]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for metric, v in values.items():
        a = np.array(v, dtype=np.float64)
        a = a[np.isfinite(a)]
        out[metric] = float(a.mean()) if len(a) else float("nan")
        out[metric + "_sd"] = float(a.std(ddof=1)) if len(a) > 1 else float("nan")
    return out


def evaluate_splits(cascades: dict[int, Cascade], ages: tuple[float, ...], splits: int = 20,
                    seed: int = 8) -> list[dict[str, Any]]:
    """Per age, model and subset ("all", "active"): mean and standard deviation over ``splits``
    random 50/50 splits of MdAPE, Spearman, mean APE and the share of exact predictions; also how
    often the model's MdAPE is below / tied with the best baseline's."""
    params = SeismicParams()
    table = feature_table(cascades, tuple(sorted(set(ages) | set(TRAIN_AGES))), params)
    pooled = np.vstack([table[a] for a in TRAIN_AGES])
    ids = np.array(sorted(cascades), dtype=np.float64)
    rng = np.random.default_rng(seed)
    acc: dict[tuple[float, str, str], dict[str, list[float]]] = {}
    n_eval: dict[tuple[float, str, str], list[int]] = {}
    for _ in range(splits):
        fit_ids = rng.permutation(ids)[: len(ids) // 2]
        for age in ages:
            x = table[age]
            in_fit = np.isin(x[:, CID], fit_ids)
            fit, held = x[in_fit], x[~in_fit]
            preds, _ = predictions(fit, pooled[np.isin(pooled[:, CID], fit_ids)], held, params)
            active = held[:, GAP] <= ACTIVE_WITHIN
            for subset, mask in (("all", np.ones(len(held), dtype=bool)), ("active", active)):
                _collect(acc, n_eval, age, subset, preds, held, mask)
    rows: list[dict[str, Any]] = []
    for (age, model, subset), values in acc.items():
        rows.append({"age": age, "model": model, "subset": subset, "splits": splits,
                     "n_eval": float(np.mean(n_eval[(age, model, subset)])), **_summary(values)})
    return rows


def _collect(acc: dict[tuple[float, str, str], dict[str, list[float]]],
             n_eval: dict[tuple[float, str, str], list[int]], age: float, subset: str,
             preds: dict[str, np.ndarray[Any, np.dtype[np.float64]]],
             held: np.ndarray[Any, np.dtype[np.float64]], mask: np.ndarray[Any, np.dtype[np.bool_]]
             ) -> None:
    if mask.sum() < 3:
        return
    base = min(scores(preds[m][mask], held[mask])["mdape"]
               for m in ("baseline k*size", "baseline log-linear"))
    growing = float(np.mean(held[mask, FINAL] > held[mask, OBS]))
    for model, pred in preds.items():
        s = scores(pred[mask], held[mask])
        d = acc.setdefault((age, model, subset), {m: [] for m in (*METRICS, "growing", "beats",
                                                                    "ties")})
        for m in METRICS:
            d[m].append(s[m])
        d["growing"].append(growing)
        d["beats"].append(float(s["mdape"] < base - 1e-12))
        d["ties"].append(float(abs(s["mdape"] - base) <= 1e-12))
        n_eval.setdefault((age, model, subset), []).append(int(mask.sum()))
