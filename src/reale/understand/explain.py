"""Which words pushed each post of a batch toward its predicted class (vectorised over the batch).

A word n-gram's push is its weight for the predicted class minus its mean weight over the classes
(for a binary head: its weight, signed toward the prediction), times its IDF. Character n-grams
count in the models but are not shown: words read better.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from reale.understand.heads import F32
from reale.understand.ngrams import WordIndex

TOP = 3
_NOISE = {"@", "user", "http", "#", "rt", ",", ".", ":", ";", "'", '"', "-", "(", ")", "&", "/"}


def _shown(gram: str) -> bool:
    """Whether a word n-gram says something to a reader (not only handles, links or commas)."""
    toks = gram.split(" ")
    return not any(t in ("user", "http") for t in toks) and not all(t in _NOISE for t in toks)


def cue_words(wi: WordIndex, weights: F32, idf: F32, target: npt.NDArray[np.int64], n_rows: int,
              top: int = TOP, wanted: npt.NDArray[np.bool_] | None = None) -> list[list[str]]:
    """Per row, up to ``top`` distinct word n-grams that pushed hardest toward ``target[row]``;
    with ``wanted``, only for the rows it marks (the others get none)."""
    out: list[list[str]] = [[] for _ in range(n_rows)]
    if len(wi.row) == 0:
        return out
    w = weights[wi.col]
    tgt = target[wi.row]
    if w.shape[1] == 1:
        push = w[:, 0] * np.where(tgt == 1, 1.0, -1.0)
    else:
        push = w[np.arange(len(tgt)), tgt] - w.mean(axis=1)
    push = push * idf[wi.col]
    if wanted is not None:
        push = np.where(wanted[wi.row], push, 0.0)  # a push of 0 is never shown
    order = np.lexsort((-push, wi.row))
    for k in order[push[order] > 0]:
        row = out[int(wi.row[k])]
        gram = wi.grams[k]
        if len(row) < top and gram not in row and _shown(gram):
            row.append(gram)
    return out
