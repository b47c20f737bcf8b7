"""Classification metrics for ``reale eval``, the benchmarks and training: no scikit-learn at run time.

``balanced=True`` weighs every row by 1 / (rows of its true class), which is what a test set with
equal class counts (UMSAB's Italian test) measures, computed on a validation set that is not balanced.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
import numpy as np


class ClassScores(msgspec.Struct, frozen=True):
    precision: float
    recall: float
    f1: float
    support: int


class Report(msgspec.Struct, frozen=True):
    """Everything ``reale eval`` prints; ``confusion[i][j]`` counts true ``labels[i]`` predicted ``labels[j]``."""

    n: int
    accuracy: float
    macro_f1: float
    macro_recall: float
    labels: list[str]
    per_class: dict[str, ClassScores]
    confusion: list[list[int]]
    balanced: bool = False


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def report(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] | None = None,
           *, balanced: bool = False) -> Report:
    """Accuracy, macro-F1, macro-recall, per-class P/R/F1 and the confusion matrix of ``pred``."""
    names = list(labels) if labels is not None else sorted(set(gold))
    index = {name: i for i, name in enumerate(names)}
    k = len(names)
    counts = np.zeros((k, k), dtype=np.int64)
    for g, p in zip(gold, pred, strict=True):
        if g in index and p in index:
            counts[index[g], index[p]] += 1
    support = counts.sum(axis=1)
    weights = np.where(support > 0, 1.0 / np.maximum(support, 1), 0.0) if balanced else np.ones(k)
    weighted = counts * weights[:, None]
    per_class = {}
    for i, name in enumerate(names):
        tp = weighted[i, i]
        prec = tp / weighted[:, i].sum() if weighted[:, i].sum() else 0.0
        rec = tp / weighted[i].sum() if weighted[i].sum() else 0.0
        per_class[name] = ClassScores(float(prec), float(rec), float(_f1(prec, rec)), int(support[i]))
    present = [c for c in per_class.values() if c.support > 0] or list(per_class.values())
    total = weighted.sum()
    return Report(
        n=int(counts.sum()),
        accuracy=float(np.trace(weighted) / total) if total else 0.0,
        macro_f1=float(np.mean([c.f1 for c in present])),
        macro_recall=float(np.mean([c.recall for c in present])),
        labels=names,
        per_class=per_class,
        confusion=counts.tolist(),
        balanced=balanced,
    )


def render(rep: Report, title: str = "") -> str:
    """A plain-text table of a report, for the terminal."""
    lines = [title] if title else []
    lines.append(f"n={rep.n}  accuracy={rep.accuracy:.3f}  macro-F1={rep.macro_f1:.3f}  "
                 f"macro-recall={rep.macro_recall:.3f}" + ("  (class-balanced)" if rep.balanced else ""))
    width = max(len(name) for name in rep.labels) + 2
    lines.append(f"{'':{width}}precision  recall     f1  support")
    for name in rep.labels:
        c = rep.per_class[name]
        lines.append(f"{name:{width}}{c.precision:9.3f}{c.recall:8.3f}{c.f1:7.3f}{c.support:9d}")
    lines.append("confusion (rows: true, columns: predicted)")
    lines.append(" " * width + "".join(f"{name[:8]:>9}" for name in rep.labels))
    for name, row in zip(rep.labels, rep.confusion, strict=True):
        lines.append(f"{name:{width}}" + "".join(f"{v:9d}" for v in row))
    return "\n".join(lines)
