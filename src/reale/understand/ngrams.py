"""Hashed character and word n-grams for a whole batch at once, as a sparse matrix in COO form.

Character n-grams are hashed with a vectorised rolling hash over the concatenated batch (no Python
loop per n-gram); words and word pairs use CRC-32. The same function feeds training and inference,
and ``names`` maps a bucket back to the n-grams that hit it so a label can say what drove it.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from reale.understand.text import words

_SEP = 0  # code point between two texts: an n-gram spanning it is dropped
_PRIME = np.uint64(1_000_003)
_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class NgramSpec:
    """Which n-grams, hashed into how many buckets (a power of two)."""

    bits: int = 18
    char_orders: tuple[int, ...] = (2, 3, 4, 5)
    word_orders: tuple[int, ...] = (1, 2)

    @property
    def dim(self) -> int:
        return 1 << self.bits


@dataclass(frozen=True)
class Sparse:
    """Rows of a sparse matrix: entry k is (row[k], col[k]) = val[k]; rows are sorted."""

    row: npt.NDArray[np.int64]
    col: npt.NDArray[np.int64]
    val: npt.NDArray[np.float32]
    n_rows: int
    dim: int

    def dot(self, weights: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """This matrix times ``weights`` (dim × k), as a dense (n_rows × k) array."""
        contrib = weights[self.col].astype(np.float32) * self.val[:, None]
        out = np.zeros((self.n_rows, weights.shape[1]), dtype=np.float32)
        np.add.at(out, self.row, contrib)
        return out


def _char_hashes(texts: Sequence[str], spec: NgramSpec) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(row, bucket) of every character n-gram of every text, texts padded with one space."""
    joined = "\x00".join(f" {t.lower()} " for t in texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    is_sep = codes == _SEP
    doc = (np.cumsum(is_sep) - is_sep).astype(np.int64)  # row index of each position
    seps = np.concatenate(([0], np.cumsum(is_sep)))
    rows, cols = [], []
    mask = np.uint64(spec.dim - 1)
    h = codes.copy()  # rolling hash of the n-gram starting at each position
    for n in range(2, max(spec.char_orders, default=1) + 1):
        m = len(codes) - n + 1
        if m <= 0:
            break
        h = h[:m] * _PRIME + codes[n - 1 : n - 1 + m]
        if n not in spec.char_orders:
            continue
        g = (h + np.uint64(n)) * _MIX
        g ^= g >> np.uint64(31)
        ok = seps[n : n + m] == seps[:m]  # no separator inside the window
        rows.append(doc[:m][ok])
        cols.append((g[ok] & mask).astype(np.int64))
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(rows), np.concatenate(cols)


def word_grams(tokens: list[str], orders: tuple[int, ...]) -> list[str]:
    """The word n-grams of one token list, each prefixed with its order (``1:good``, ``2:not good``)."""
    out: list[str] = []
    for n in orders:
        out.extend(f"{n}:" + " ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


def _bucket(gram: str, dim: int) -> int:
    return zlib.crc32(gram.encode("utf-8", "surrogatepass")) & (dim - 1)


@dataclass(frozen=True)
class WordIndex:
    """Every word n-gram of a batch: its row, its bucket and its text (for explanations)."""

    row: npt.NDArray[np.int64]
    col: npt.NDArray[np.int64]
    grams: list[str]


def word_index(texts: Sequence[str], spec: NgramSpec) -> WordIndex:
    rows: list[int] = []
    grams: list[str] = []
    for i, text in enumerate(texts):
        g = word_grams(words(text), spec.word_orders)
        rows.extend([i] * len(g))
        grams.extend(g)
    dim = spec.dim
    cols = [_bucket(g, dim) for g in grams]
    return WordIndex(np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64),
                     [g.split(":", 1)[1] for g in grams])


def featurize_words(texts: Sequence[str], spec: NgramSpec, idf: npt.NDArray[np.float32] | None = None,
                    ) -> tuple[Sparse, WordIndex]:
    """Like :func:`featurize`, also returning the batch's word n-grams by name."""
    r1, c1 = _char_hashes(texts, spec)
    wi = word_index(texts, spec)
    return _weigh(np.concatenate((r1, wi.row)), np.concatenate((c1, wi.col)), len(texts), spec, idf), wi


def featurize(texts: Sequence[str], spec: NgramSpec, idf: npt.NDArray[np.float32] | None = None) -> Sparse:
    """Sublinear-TF (times IDF when given), L2-normalised hashed n-gram rows for ``texts``."""
    return featurize_words(texts, spec, idf)[0]


def _weigh(rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int64], n: int, spec: NgramSpec,
           idf: npt.NDArray[np.float32] | None) -> Sparse:
    uniq, counts = np.unique(rows * spec.dim + cols, return_counts=True)
    row, col = uniq // spec.dim, uniq % spec.dim
    val = (1.0 + np.log(counts)).astype(np.float32)
    if idf is not None:
        val *= idf[col]
    norm = np.sqrt(np.bincount(row, weights=val * val, minlength=n))
    val /= np.maximum(norm[row], 1e-12).astype(np.float32)
    return Sparse(row=row, col=col, val=val, n_rows=n, dim=spec.dim)


def char_grams(text: str, orders: tuple[int, ...]) -> list[str]:
    """The character n-grams of one text, as featurize sees them (for explanations)."""
    padded = f" {text.lower()} "
    return [padded[i : i + n] for n in orders for i in range(len(padded) - n + 1)]


def featurize_one_char(gram: str, spec: NgramSpec) -> int:
    """The bucket of one character n-gram (the batch path's hash, in Python integers)."""
    full = (1 << 64) - 1
    h = 0
    for i, ch in enumerate(gram):
        h = ord(ch) if i == 0 else (h * int(_PRIME) + ord(ch)) & full
    h = ((h + len(gram)) * int(_MIX)) & full
    h ^= h >> 31
    return h & (spec.dim - 1)
