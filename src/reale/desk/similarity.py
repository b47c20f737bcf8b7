"""Text similarity in plain numpy: character n-gram TF-IDF retrieval, n-gram Jaccard and ROUGE-L.

Used to retrieve a brand's past replies for a new post, to keep drafts from repeating a sentence
the brand already sent to someone else, and to score drafts against real replies.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

_SPACE = re.compile(r"\s+")
_HANDLE = re.compile(r"(?<!\w)@[\w.@-]+")
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_WORD = re.compile(r"\w+", re.UNICODE)
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")


def normalize(text: str) -> str:
    """Lower-case, handles and URLs removed, whitespace collapsed: what similarity compares."""
    text = _URL.sub(" ", _HANDLE.sub(" ", text.lower()))
    return _SPACE.sub(" ", text).strip()


def char_ngrams(text: str, n: int = 3) -> list[str]:
    """Character n-grams of the normalized text, padded with a space at both ends."""
    t = f" {normalize(text)} "
    return [t[i : i + n] for i in range(max(0, len(t) - n + 1))]


def jaccard(a: str, b: str, n: int = 3) -> float:
    """Jaccard similarity of the two texts' character n-gram sets (0 when both are empty)."""
    sa, sb = set(char_ngrams(a, n)), set(char_ngrams(b, n))
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def sentences(text: str) -> list[str]:
    """Split a reply into sentences (on ., !, ?, … followed by space, and on newlines)."""
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    if not a or not b:
        return 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def rouge_l(candidate: str, reference: str) -> float:
    """ROUGE-L F1 (beta = 1) on lower-cased word tokens: longest common subsequence based."""
    c, r = words(candidate), words(reference)
    lcs = _lcs(c, r)
    if lcs == 0:
        return 0.0
    precision, recall = lcs / len(c), lcs / len(r)
    return 2 * precision * recall / (precision + recall)


class NgramIndex:
    """A TF-IDF index over character n-grams (sublinear tf, smoothed idf, L2-normalised rows).

    >>> ix = NgramIndex(["my order never arrived", "love the new colours"])
    >>> ix.search("where is my order", k=1)[0][0]
    0
    """

    def __init__(self, texts: Iterable[str], n: tuple[int, ...] = (2, 3, 4)) -> None:
        self._n = n
        docs = [self._grams(t) for t in texts]
        df: Counter[str] = Counter()
        for d in docs:
            df.update(d.keys())
        self._vocab = {g: i for i, g in enumerate(sorted(df))}
        n_docs = len(docs)
        self._n_docs = n_docs
        self._idf = np.array(
            [math.log((1 + n_docs) / (1 + df[g])) + 1.0 for g in sorted(df)], dtype=np.float32
        )
        # Sparse rows (CSR-like): one entry per (document, n-gram) pair.
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        for row, d in enumerate(docs):
            idx, val = self._sparse(d)
            rows.append(np.full(len(idx), row, dtype=np.int32))
            cols.append(idx)
            vals.append(val)
        self._rows = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int32)
        self._cols = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        self._vals = np.concatenate(vals) if vals else np.zeros(0, dtype=np.float32)

    def __len__(self) -> int:
        return self._n_docs

    def _grams(self, text: str) -> Counter[str]:
        out: Counter[str] = Counter()
        for n in self._n:
            out.update(char_ngrams(text, n))
        return out

    def _sparse(self, grams: Counter[str]) -> tuple[np.ndarray, np.ndarray]:
        pairs = [(self._vocab[g], 1.0 + math.log(c)) for g, c in grams.items() if g in self._vocab]
        idx = np.array([i for i, _ in pairs], dtype=np.int64)
        val = np.array([v for _, v in pairs], dtype=np.float32) * self._idf[idx]
        norm = float(np.linalg.norm(val))
        return idx, (val / norm if norm else val)

    def _vector(self, grams: Counter[str]) -> np.ndarray:
        vec = np.zeros(len(self._vocab), dtype=np.float32)
        idx, val = self._sparse(grams)
        vec[idx] = val
        return vec

    def embed(self, text: str) -> np.ndarray:
        """The query vector of ``text`` in this index's space."""
        return self._vector(self._grams(text))

    def scores(self, text: str) -> np.ndarray:
        """Cosine similarity of ``text`` to every indexed document."""
        if not len(self):
            return np.zeros(0, dtype=np.float32)
        q = self.embed(text)
        contrib = self._vals * q[self._cols]
        return np.bincount(self._rows, weights=contrib, minlength=self._n_docs).astype(np.float32)

    def search(self, text: str, k: int = 5, exclude: int | None = None) -> list[tuple[int, float]]:
        """The ``k`` most similar documents as ``(row, cosine)``, best first."""
        s = self.scores(text)
        if exclude is not None and 0 <= exclude < len(s):
            s[exclude] = -1.0
        order = np.argsort(-s, kind="stable")[:k]
        return [(int(i), float(s[i])) for i in order if s[i] > 0]

    def cosine(self, a: str, b: str) -> float:
        return float(self.embed(a) @ self.embed(b))


__all__ = ["NgramIndex", "char_ngrams", "jaccard", "normalize", "rouge_l", "sentences", "words"]
