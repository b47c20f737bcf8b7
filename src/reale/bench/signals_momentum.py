"""Momentum evaluation: the hurdle model and SEISMIC against two baselines on real retweet cascades.

Every constant (the baselines' k and b, SEISMIC's correction factors, the hurdle model's weights)
is fitted on a fit part of the #auspol cascades and reported on the other part (even/odd ids here;
repeated random halves in :mod:`reale.bench.signals_momentum_splits`). The SEISMIC example cascade
is predicted with the shipped constants, never tuned to it.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reale.bench.signals_metrics import exact_share, male, mape, mdape, spearman
from reale.signals.hurdle import HurdleParams, last_event, predict_hurdle, predict_mixture
from reale.signals.hurdle_fit import fit_hurdle
from reale.signals.momentum import corrections_at
from reale.signals.seismic import Atoms, SeismicParams, ccdf, infectiousness, predict

Cascade = tuple[NDArray[np.float64], NDArray[np.float64]]
Rows = NDArray[np.float64]
AGES = (600.0, 1800.0, 3600.0, 21600.0)
TRAIN_AGES = (600.0, 1800.0, 3600.0, 7200.0, 21600.0)  # the hurdle model is fitted on these pooled
MIN_OBSERVED = 5  # cascades with at least this many events (the original included) at the age
ACTIVE_WITHIN = 600.0  # "still active": a reshare in the last 10 minutes (fixed a priori)
ALPHAS = np.round(np.arange(0.0, 3.0001, 0.05), 3)
GAMMAS = np.round(np.arange(0.0, 2.0001, 0.1), 3)
# columns of a feature row
OBS, FUTURE, P, FINAL, GAP, AGE, CID = range(7)


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


def features(c: Cascade, age: float, params: SeismicParams) -> tuple[float, ...]:
    """(observed size, followers' remaining exposure, infectiousness, true final size, seconds
    since the last event, age) at ``age``."""
    t, n = c
    seen = t <= age
    atoms = Atoms.from_events(t, n)
    future = float(np.sum(n[seen] * ccdf(age - t[seen], params)))
    p, _, _ = infectiousness(atoms, age, params)
    return float(seen.sum()), future, p, float(len(t)), age - last_event(atoms, age), age


def feature_table(cascades: dict[int, Cascade], ages: tuple[float, ...], params: SeismicParams,
                  min_observed: int = MIN_OBSERVED) -> dict[float, Rows]:
    """Per age, one row per cascade with at least ``min_observed`` events seen (columns above)."""
    out: dict[float, Rows] = {}
    for age in ages:
        rows = [(*features(c, age, params), float(cid)) for cid, c in cascades.items()
                if int(np.sum(c[0] <= age)) >= min_observed]
        out[age] = np.array(rows, dtype=np.float64).reshape(-1, 7)
    return out


def seismic_final(x: Rows, alpha: float, gamma: float, params: SeismicParams) -> Rows:
    """The final-size formula on feature rows (size includes the original post)."""
    denom = np.maximum(1.0 - gamma * x[:, P] * params.n_star, params.min_denominator)
    out: Rows = x[:, OBS] + alpha * x[:, P] * x[:, FUTURE] / denom
    return out


def fit_corrections(x: Rows, params: SeismicParams) -> tuple[float, float]:
    """alpha, gamma minimising MdAPE on the fit rows (mean absolute log error breaks ties)."""
    best: tuple[float, float, float, float] | None = None
    for a in ALPHAS:
        for g in GAMMAS:
            pred = seismic_final(x, float(a), float(g), params)
            key = (mdape(pred, x[:, FINAL]), male(pred, x[:, FINAL]), float(a), float(g))
            if best is None or key < best:
                best = key
    assert best is not None
    return best[2], best[3]


def fit_k(x: Rows) -> float:
    """final = k * size: k minimising MdAPE on the fit rows."""
    ks = np.concatenate([[1.0], np.arange(0.5, 10.0, 0.01)])
    return float(min(ks, key=lambda k: (mdape(k * x[:, OBS], x[:, FINAL]), abs(k - 1.0))))


def fit_loglinear(x: Rows) -> float:
    """Szabo-Huberman: ln final = ln size + b, b by least squares in log space."""
    return float(np.mean(np.log(x[:, FINAL]) - np.log(x[:, OBS])))


def fit_hurdle_rows(x: Rows, params: SeismicParams) -> HurdleParams:
    """The hurdle model's weights from feature rows (any mix of ages)."""
    remaining = seismic_final(x, 1.0, 1.0, params) - x[:, OBS]
    return fit_hurdle(x[:, OBS], x[:, GAP], remaining, x[:, AGE], x[:, FINAL])


def hurdle_final(x: Rows, hp: HurdleParams, params: SeismicParams) -> Rows:
    """Per row: the point, the interval's low and high ends (three columns)."""
    remaining = seismic_final(x, 1.0, 1.0, params) - x[:, OBS]
    return np.array([predict_mixture(r[OBS], r[GAP], m, r[AGE], hp)[:3]
                     for r, m in zip(x, remaining, strict=True)], dtype=np.float64).reshape(-1, 3)


def predictions(fit: Rows, fit_pooled: Rows, held: Rows, params: SeismicParams
                ) -> tuple[dict[str, Rows], dict[str, dict[str, Any]]]:
    """Every model's predictions on ``held``, fitted on ``fit`` (same age) or ``fit_pooled`` (all
    training ages, the hurdle model), and the fitted constants."""
    a, g = fit_corrections(fit, params)
    k, b = fit_k(fit), fit_loglinear(fit)
    hp = fit_hurdle_rows(fit_pooled, params)
    hurdle = hurdle_final(held, hp, params)
    inside = (hurdle[:, 1] <= held[:, FINAL]) & (held[:, FINAL] <= hurdle[:, 2])
    preds = {"baseline k*size": k * held[:, OBS], "baseline log-linear": held[:, OBS] * np.exp(b),
             "seismic plain": seismic_final(held, 1.0, 1.0, params),
             "seismic fitted": seismic_final(held, a, g, params),
             "hurdle": hurdle[:, 0]}
    consts: dict[str, dict[str, Any]] = {
        "baseline k*size": {"k": round(k, 3)}, "baseline log-linear": {"b": round(b, 3)},
        "seismic plain": {}, "seismic fitted": {"alpha": a, "gamma": g},
        "hurdle": {"ended": hp.ended, "growth": hp.growth, "sigma": hp.sigma,
                   "coverage": float(np.mean(inside)) if len(inside) else float("nan")}}
    return preds, consts


def scores(pred: Rows, held: Rows) -> dict[str, float]:
    truth = held[:, FINAL]
    return {"mdape": mdape(pred, truth), "spearman": spearman(pred, truth),
            "mape": mape(pred, truth), "exact": exact_share(pred, truth)}


def evaluate_auspol(cascades: dict[int, Cascade], ages: tuple[float, ...] = AGES,
                    min_observed: int = MIN_OBSERVED) -> tuple[list[dict[str, Any]],
                                                              list[tuple[float, float, float]]]:
    """Even ids fit, odd ids evaluate: rows of figures per age, model and subset ("all", or
    "active": a reshare within ACTIVE_WITHIN seconds), and the fitted (age, alpha, gamma)."""
    params = SeismicParams()
    all_ages = tuple(sorted(set(ages) | set(TRAIN_AGES)))
    table = feature_table(cascades, all_ages, params, min_observed)
    pooled = np.vstack([table[a] for a in TRAIN_AGES])
    pooled_fit = pooled[pooled[:, CID] % 2 == 0]
    rows: list[dict[str, Any]] = []
    corrections: list[tuple[float, float, float]] = []
    for age in ages:
        x = table[age]
        fit, held = x[x[:, CID] % 2 == 0], x[x[:, CID] % 2 == 1]
        if len(fit) < 5 or len(held) < 5:
            continue
        preds, consts = predictions(fit, pooled_fit, held, params)
        fitted = consts["seismic fitted"]
        corrections.append((age, fitted["alpha"], fitted["gamma"]))
        active = held[:, GAP] <= ACTIVE_WITHIN
        for name, pred in preds.items():
            for subset, mask in (("all", np.ones(len(held), dtype=bool)), ("active", active)):
                if mask.sum() < 3:
                    continue
                rows.append({"age": age, "model": name, "subset": subset,
                             **scores(pred[mask], held[mask]), "n_fit": len(fit),
                             "n_eval": int(mask.sum()),
                             "growing_share": float(np.mean(held[mask, FINAL] > held[mask, OBS])),
                             "constants": consts[name]})
    return rows, corrections


def evaluate_example(path: Path, corrections: tuple[tuple[float, float, float], ...],
                     ages: tuple[float, ...] = (600.0, 3600.0, 21600.0),
                     hurdle: HurdleParams | None = None) -> list[dict[str, Any]]:
    """Relative error of the predicted final size of the SEISMIC example cascade (the hurdle model
    with the shipped constants unless ``hurdle`` is given)."""
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
        h = predict_hurdle(atoms, age, SeismicParams(), hurdle or HurdleParams())
        rows.append({"age": age, "model": "hurdle", "observed": h.observed,
                     "predicted": h.predicted_final, "interval": [h.low, h.high], "true": final,
                     "relative_error": (h.predicted_final - final) / final,
                     "p_ended": h.p_ended})
    return rows


def fit_constants(cascades: dict[int, Cascade]) -> HurdleParams:
    """The shipped hurdle weights: fitted on every #auspol cascade, pooled over TRAIN_AGES."""
    params = SeismicParams()
    table = feature_table(cascades, TRAIN_AGES, params)
    return fit_hurdle_rows(np.vstack([table[a] for a in TRAIN_AGES]), params)


def main(argv: list[str] | None = None) -> int:
    """Run by itself: print the momentum figures (``--quick``: fewer ages and splits, as ``make
    bench --quick``), or with ``--fit-constants`` the shipped hurdle weights refitted."""
    import argparse

    from reale.bench import signals_momentum_report
    from reale.bench.__main__ import print_rows
    from reale.bench._shared import shared_data

    ap = argparse.ArgumentParser(prog="python -m reale.bench.signals_momentum")
    ap.add_argument("--quick", action="store_true", help="smaller inputs, for a smoke run")
    ap.add_argument("--fit-constants", action="store_true",
                    help="print the shipped hurdle weights refitted from shared/data")
    args = ap.parse_args(argv if argv is not None else sys.argv[1:])
    if not args.fit_constants:
        print_rows("signals_momentum", signals_momentum_report.rows(args.quick))
        return 0
    data = shared_data()
    if data is None:
        print("--fit-constants needs shared/data (or REALE_SHARED_DATA)", file=sys.stderr)
        return 2
    hp = fit_constants(load_auspol(data / "cascades" / "auspol" / "auspol_cascades.csv"))
    print(f"ended={hp.ended}\ngrowth={hp.growth}\nsigma={hp.sigma}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
