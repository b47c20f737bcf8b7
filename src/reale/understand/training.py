"""Training of the shipped heads from ../shared/data (used by ``scripts/train.py`` and its tests).

Needs scikit-learn (the ``dev`` extra); the product never imports this module. Deterministic: the
solvers are deterministic (L-BFGS), the rows are read in file order, and the caller pins BLAS to
one thread, so the same data gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from reale.understand.data import Row, load_split, without_train_duplicates
from reale.understand.encoder import FEATURE_DIM as LEXICON_FROM
from reale.understand.encoder import SentenceEncoder
from reale.understand.heads import F32, SENTENCE_DIM, Head
from reale.understand.metrics import report
from reale.understand.ngrams import NgramSpec, Sparse, featurize
from reale.understand.tasks import Source, Task
from reale.understand.text import normalize

FUSE_GRID = tuple(round(0.1 * i, 1) for i in range(11))


@dataclass(frozen=True)
class ValSet:
    name: str
    texts: list[str]
    labels: list[str]
    balanced: bool


@dataclass(frozen=True)
class TaskData:
    texts: list[str]  # normalised
    labels: list[str]
    vals: list[ValSet]


def _labelled(rows: Sequence[Row], src: Source) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for r in rows:
        label = str(r.extra.get(src.label_field)) if src.label_field else r.label
        if label in src.drop:
            continue
        texts.append(normalize(r.text))
        labels.append(src.label_map.get(label, label))
    return texts, labels


def task_data(task: Task, data: Path) -> TaskData:
    """Training rows of every source of ``task`` and one validation set per source."""
    texts: list[str] = []
    labels: list[str] = []
    vals = []
    for src in task.sources:
        split = load_split(data, src.folder, src.file)
        if src.dedup_val:
            split = without_train_duplicates(split)
        t, y = _labelled(split.train, src)
        texts += t
        labels += y
        vt, vy = _labelled(split.val, src)
        name = src.folder + ("/" + src.file if src.file else "") + (" (held out)" if src.file else " val")
        vals.append(ValSet(name, vt, vy, src.balanced))
    return TaskData(texts, labels, vals)


class EmbeddingCache:
    """Sentence features of texts, computed once and kept on disk under a hash of the texts."""

    def __init__(self, encoder: SentenceEncoder, directory: Path | None) -> None:
        self.encoder = encoder
        self.directory = directory

    def __call__(self, texts: Sequence[str]) -> F32:
        key = hashlib.sha256("\x00".join(texts).encode("utf-8", "surrogatepass")).hexdigest()[:24]
        path = self.directory / f"emb-{key}.npy" if self.directory else None
        if path is not None and path.exists():
            cached: F32 = np.load(path, allow_pickle=False)
            return cached
        out = self.encoder.encode(texts)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.save(path, out)
        return out


def with_lexicon(embed: Callable[[Sequence[str]], F32]) -> Callable[[Sequence[str]], F32]:
    """Sentence features as the heads read them: the encoder's, then the lexicon columns."""
    from reale.understand.lexicon import lexicon_features

    def features(texts: Sequence[str]) -> F32:
        out: F32 = np.hstack((embed(texts), lexicon_features(texts)))
        return out

    return features


def idf_of(texts: Sequence[str], spec: NgramSpec) -> F32:
    """Smoothed inverse document frequency of every bucket over ``texts``."""
    x = featurize(texts, spec)
    df = np.bincount(x.col, minlength=spec.dim)
    out: F32 = (np.log((1 + len(texts)) / (1 + df)) + 1).astype(np.float32)
    return out


def _csr(x: Sparse) -> Any:
    from scipy.sparse import csr_matrix

    return csr_matrix((x.val, (x.row, x.col)), shape=(x.n_rows, x.dim))


def fit_linear(x: Any, labels: Sequence[str], classes: Sequence[str], c: float) -> tuple[F32, F32]:
    """Class-balanced L2 logistic regression: weights (features × k) and biases (k,).

    A binary model has one column, the logit of the second class.
    """
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(x, list(labels))
    if tuple(model.classes_) != tuple(classes):
        raise ValueError(f"training labels {model.classes_} differ from the task's {classes}")
    return model.coef_.T.astype(np.float32), model.intercept_.astype(np.float32)


def scores(head: Head, xw: F32 | None, emb: F32 | None, val: ValSet) -> dict[str, float]:
    probs = head.proba(xw, emb)
    pred = [head.classes[i] for i in probs.argmax(axis=1)]
    rep = report(val.labels, pred, [c for c in head.classes if c in set(val.labels)], balanced=val.balanced)
    return {"accuracy": rep.accuracy, "macro_f1": rep.macro_f1, "macro_recall": rep.macro_recall, "n": rep.n}


def _with_fuse(head: Head, fuse: float) -> Head:
    return Head(head.name, head.classes, head.ngram_w, head.ngram_b, head.emb_w, head.emb_b, fuse)


def _fit_embedding(task: Task, emb: F32, labels: Sequence[str]) -> tuple[F32, F32]:
    """The embedding half of a head; a task that does not read the lexicon gets zero weights there."""
    if task.lexicon:
        return fit_linear(emb, labels, task.classes, task.emb_c)
    w, b = fit_linear(emb[:, :LEXICON_FROM], labels, task.classes, task.emb_c)
    return np.vstack((w, np.zeros((emb.shape[1] - LEXICON_FROM, w.shape[1]), np.float32))), b


def fit_views(task: Task, x: Any, emb: F32 | None, texts: Sequence[str], labels: Sequence[str],
              fuse: float | None = None) -> tuple[F32, F32, F32, F32, float | None, dict[str, Any]]:
    """Both halves of a head on some rows: (n-gram w, b, embedding w, b, fusion weight, settings).

    A tuned task (``Task.tuned``) chooses its settings and fusion weight by cross-validation inside
    these rows (:mod:`reale.understand.selection`); any other task uses its fixed ``C``s and ``fuse``.
    """
    if task.tuned and emb is not None:
        from reale.understand.selection import STANDARDISED, Grid, choose, emb_view, ngram_view

        plain = emb[:, :LEXICON_FROM]
        grid = STANDARDISED if task.standardise else Grid()
        ch = choose(fit_linear, x, plain, texts, labels, task.classes, grid)
        ng_w, ng_b = ngram_view(fit_linear, x, labels, task.classes, ch.ngram_c, ch.nb_alpha)
        w, em_b = emb_view(fit_linear, plain, labels, task.classes, ch.emb_c, ch.use_weight, ch.standardise)
        em_w = np.vstack((w, np.zeros((emb.shape[1] - LEXICON_FROM, w.shape[1]), np.float32)))
        return ng_w, ng_b, em_w, em_b, ch.fuse, ch.as_dict()
    ng_w, ng_b = fit_linear(x, labels, task.classes, task.ngram_c)
    k = ng_w.shape[1]
    if emb is None:
        return ng_w, ng_b, np.zeros((SENTENCE_DIM, k), np.float32), np.zeros(k, np.float32), fuse, {}
    em_w, em_b = _fit_embedding(task, emb, labels)
    return ng_w, ng_b, em_w, em_b, fuse, {}


def fit_head(task: Task, td: TaskData, spec: NgramSpec, idf: F32,
             embed: Callable[[Sequence[str]], F32] | None) -> tuple[Head, dict[str, Any]]:
    """Fit ``task``'s head, pick its fusion weight, and score it on every validation set.

    The fusion weight of a tuned task comes from cross-validation on its training rows; any other
    task's is picked on its first validation set.
    """
    ng_w, ng_b, em_w, em_b, chosen_fuse, chosen = fit_views(
        task, _csr(featurize(td.texts, spec, idf)), embed(td.texts) if embed is not None else None,
        td.texts, td.labels)
    stored = Head.from_arrays(task.head, Head(task.head, task.classes, ng_w, ng_b, em_w, em_b, 1.0).arrays())
    views = []
    for val in td.vals:
        xw = featurize(val.texts, spec, idf).dot(stored.ngram_w) + stored.ngram_b
        views.append((val, xw, embed(val.texts) if embed is not None else None))
    grid = FUSE_GRID if embed is not None else (1.0,)
    primary = views[0]
    best = chosen_fuse if chosen_fuse is not None else max(
        grid, key=lambda w: (scores(_with_fuse(stored, w), primary[1], primary[2], primary[0])[task.metric], -w))
    head = _with_fuse(stored, best)
    metrics: dict[str, Any] = {"fuse": best, "train_rows": len(td.texts), "val": {}}
    if chosen:
        metrics["chosen_by_inner_cv"] = chosen
    for val, xw, emb in views:
        row = {"fused": scores(head, xw, emb, val), "ngram": scores(_with_fuse(stored, 1.0), xw, emb, val)}
        if emb is not None:
            row["embedding"] = scores(_with_fuse(stored, 0.0), xw, emb, val)
        metrics["val"][val.name] = row
    return head, metrics


def array_digest(arrays: dict[str, npt.NDArray[np.generic]]) -> str:
    """SHA-256 over the names, dtypes, shapes and bytes of some arrays, in name order."""
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}|{a.dtype.str}|{a.shape}".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def cross_validate(task: Task, data: Path, spec: NgramSpec, idf: F32, embed: Callable[[Sequence[str]], F32],
                   fuse: float, folds: int = 10) -> dict[str, Any]:
    """``folds``-fold cross-validation of ``task``'s head over all rows of its first source.

    Folds are fixed by a hash of the row id. A tuned task repeats its whole training recipe in every
    fold, settings chosen by inner cross-validation on that fold's training rows only (nested CV);
    any other task uses its fixed ``C``s and the given fusion weight. This is how the complaint
    papers report their figure (10-fold, macro-F1, predictions pooled over folds); the macro-F1 of
    each fold is reported too.
    """
    import zlib

    src = task.sources[0]
    split = load_split(data, src.folder, src.file)
    rows = [r for r in split.train + split.val if r.label not in src.drop]
    texts, labels = _labelled(rows, src)
    fold = np.array([zlib.crc32(r.id.encode("utf-8")) % folds for r in rows])
    x = _csr(featurize(texts, spec, idf))
    emb = embed(texts)
    pred: list[str] = [""] * len(rows)
    per_fold: list[float] = []
    for k in range(folds):
        tr, te = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        ng_w, ng_b, em_w, em_b, w, _ = fit_views(task, x[tr], emb[tr], [texts[i] for i in tr],
                                                 [labels[i] for i in tr], fuse)
        head = Head(task.head, task.classes, ng_w, ng_b, em_w, em_b, fuse if w is None else w)
        for i, p in zip(te, head.proba(x[te] @ ng_w + ng_b, emb[te]).argmax(axis=1), strict=True):
            pred[i] = task.classes[p]
        per_fold.append(report([labels[i] for i in te], [pred[i] for i in te], list(task.classes)).macro_f1)
    rep = report(labels, pred, list(task.classes))
    return {"folds": folds, "n": rep.n, "accuracy": rep.accuracy, "macro_f1": rep.macro_f1,
            "macro_recall": rep.macro_recall, "fold_macro_f1": per_fold}


def write_manifest(path: Path, manifest: dict[str, Any]) -> str:
    """A model's manifest as the scripts write it (sorted keys, one-space indent); its text."""
    text = json.dumps(manifest, indent=1, sort_keys=True)
    path.write_text(text + "\n", "utf-8")
    return text
