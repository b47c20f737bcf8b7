"""Momentum evaluation: SEISMIC against two baselines on real retweet cascades.

#auspol cascades are split by id (even: fit part, odd: evaluation part); every constant (the
baselines' k and b, SEISMIC's correction factors) is fitted on the fit part only. The SEISMIC
example cascade is predicted without any tuning to it.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reale.bench.signals_metrics import male, mdape, spearman
from reale.signals.momentum import corrections_at
from reale.signals.seismic import Atoms, SeismicParams, ccdf, infectiousness, predict

Cascade = tuple[NDArray[np.float64], NDArray[np.float64]]
AGES = (600.0, 1800.0, 3600.0, 21600.0)
MIN_OBSERVED = 5  # cascades with at least this many events (the original included) at the age
ALPHAS = np.round(np.arange(0.0, 3.0001, 0.05), 3)
GAMMAS = np.round(np.arange(0.0, 2.0001, 0.1), 3)


def load_auspol(path: Path) -> dict[int, Cascade]:
    rows: dict[int, list[tuple[float, float]]] = defaultdict(list)
    with path.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows[int(r["cascade_id"])].append((float(r["time"]), float(r["magnitude"])))
    out: dict[int, Cascade] = {}
    for cid, ev in rows.items():
        ev.sort()
        out[cid] = (np.array([e[0] for e in ev]), np.array([e[1] for e in ev]))
    return out


def features(c: Cascade, age: float, params: SeismicParams) -> tuple[float, float, float, float]:
    """(observed size, followers' remaining exposure, infectiousness, true final size)."""
    t, n = c
    seen = t <= age
    future = float(np.sum(n[seen] * ccdf(age - t[seen], params)))
    p, _, _ = infectiousness(Atoms.from_events(t, n), age, params)
    return float(seen.sum()), future, p, float(len(t))


def seismic_final(x: NDArray[np.float64], alpha: float, gamma: float, params: SeismicParams
                  ) -> NDArray[np.float64]:
    """The final-size formula on feature rows (size includes the original post)."""
    denom = np.maximum(1.0 - gamma * x[:, 2] * params.n_star, params.min_denominator)
    out: NDArray[np.float64] = x[:, 0] + alpha * x[:, 2] * x[:, 1] / denom
    return out


def fit_corrections(x: NDArray[np.float64], params: SeismicParams) -> tuple[float, float]:
    """alpha, gamma minimising MdAPE on the fit rows (mean absolute log error breaks ties)."""
    best: tuple[float, float, float, float] | None = None
    for a in ALPHAS:
        for g in GAMMAS:
            pred = seismic_final(x, float(a), float(g), params)
            key = (mdape(pred, x[:, 3]), male(pred, x[:, 3]), float(a), float(g))
            if best is None or key < best:
                best = key
    assert best is not None
    return best[2], best[3]


def fit_k(x: NDArray[np.float64]) -> float:
    """final = k * size: k minimising MdAPE on the fit rows."""
    ks = np.concatenate([[1.0], np.arange(0.5, 10.0, 0.01)])
    return float(min(ks, key=lambda k: (mdape(k * x[:, 0], x[:, 3]), abs(k - 1.0))))


def fit_loglinear(x: NDArray[np.float64]) -> float:
    """Szabo-Huberman: ln final = ln size + b, b by least squares in log space."""
    return float(np.mean(np.log(x[:, 3]) - np.log(x[:, 0])))


def table(cascades: dict[int, Cascade], age: float, params: SeismicParams, min_observed: int,
          ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    fit: list[tuple[float, float, float, float]] = []
    held: list[tuple[float, float, float, float]] = []
    for cid, c in cascades.items():
        row = features(c, age, params)
        if row[0] >= min_observed:
            (held if cid % 2 else fit).append(row)
    return np.array(fit).reshape(-1, 4), np.array(held).reshape(-1, 4)


def evaluate_auspol(cascades: dict[int, Cascade], ages: tuple[float, ...] = AGES,
                    min_observed: int = MIN_OBSERVED) -> tuple[list[dict[str, Any]],
                                                              list[tuple[float, float, float]]]:
    """Rows of figures per age and model, and the fitted (age, alpha, gamma) corrections."""
    params = SeismicParams()
    rows: list[dict[str, Any]] = []
    corrections: list[tuple[float, float, float]] = []
    for age in ages:
        fit, held = table(cascades, age, params, min_observed)
        if len(fit) < 5 or len(held) < 5:
            continue
        a, g = fit_corrections(fit, params)
        corrections.append((age, a, g))
        k, b = fit_k(fit), fit_loglinear(fit)
        models = {
            "baseline k*size": k * held[:, 0],
            "baseline log-linear": held[:, 0] * np.exp(b),
            "seismic plain": seismic_final(held, 1.0, 1.0, params),
            "seismic fitted": seismic_final(held, a, g, params),
        }
        truth = held[:, 3]
        growing = float(np.mean(truth > held[:, 0]))
        for name, pred in models.items():
            rows.append({"age": age, "model": name, "mdape": mdape(pred, truth),
                         "spearman": spearman(pred, truth), "n_fit": len(fit), "n_eval": len(held),
                         "growing_share": growing,
                         "constants": {"k": k} if "k*" in name else {"b": b} if "log" in name
                         else {"alpha": a, "gamma": g} if "fitted" in name else {}})
    return rows, corrections


def evaluate_example(path: Path, corrections: tuple[tuple[float, float, float], ...],
                     ages: tuple[float, ...] = (600.0, 3600.0, 21600.0)) -> list[dict[str, Any]]:
    """Relative error of the predicted final size of the SEISMIC example cascade."""
    text = path.read_text(encoding="utf-8").splitlines()[1:]
    data = np.array([[float(v) for v in line.split(",")[:2]] for line in text if line.strip()])
    atoms = Atoms.from_events(data[:, 0], data[:, 1])
    final = len(data)
    rows: list[dict[str, Any]] = []
    for age in ages:
        for name, (a, g) in (("seismic plain", (1.0, 1.0)),
                             ("seismic fitted", corrections_at(corrections, age))):
            est = predict(atoms, age, SeismicParams(alpha=a, gamma=g))
            rows.append({"age": age, "model": name, "observed": est.observed,
                         "predicted": est.predicted_final, "interval": [est.low, est.high],
                         "true": final, "relative_error": (est.predicted_final - final) / final})
    return rows
