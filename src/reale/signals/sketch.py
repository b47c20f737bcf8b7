"""A count-min sketch of exponentially weighted per-bucket counts: the baseline rate of every term
ever seen, in fixed memory (estimates are never below the truth, so alerts err on the quiet side).
Hashes are CRC32-based so a snapshot stays valid across processes."""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import Any

import numpy as np


def _hashes(term: str) -> tuple[int, int]:
    b = term.encode("utf-8", "surrogatepass")
    return zlib.crc32(b), zlib.crc32(b, 0x9E3779B9) | 1


class DecayingCountMin:
    """``depth`` x ``width`` cells holding an EWMA of each bucket's counts.

    >>> cm = DecayingCountMin(width=64, depth=4, alpha=0.5)
    >>> cm.fold({"blackout": 10})
    >>> cm.estimate("blackout"), cm.estimate("never-seen")
    (5.0, 0.0)
    >>> cm.fold({}); cm.estimate("blackout")
    2.5
    """

    def __init__(self, width: int, depth: int, alpha: float) -> None:
        self.width, self.depth, self.alpha = int(width), int(depth), float(alpha)
        self.cells = np.zeros((self.depth, self.width), dtype=np.float64)
        self._rows = np.arange(self.depth)

    def _index(self, term: str) -> list[int]:
        h1, h2 = _hashes(term)
        return [(h1 + i * h2) % self.width for i in range(self.depth)]

    def fold(self, counts: dict[str, int], buckets: int = 1) -> None:
        """Close ``buckets`` buckets: the first held ``counts``, the others were empty."""
        keep = 1.0 - self.alpha
        self.cells *= keep
        if counts:
            cols = np.array([self._index(t) for t in counts], dtype=np.int64)  # terms x depth
            vals = np.fromiter(counts.values(), dtype=np.float64, count=len(counts)) * self.alpha
            for r in range(self.depth):
                np.add.at(self.cells[r], cols[:, r], vals)
        if buckets > 1:
            self.cells *= keep ** (buckets - 1)

    def estimate(self, term: str) -> float:
        return float(min(self.cells[r, c] for r, c in enumerate(self._index(term))))

    def estimates(self, terms: Iterable[str]) -> list[float]:
        return [self.estimate(t) for t in terms]

    def state(self) -> dict[str, Any]:
        return {"w": self.width, "d": self.depth, "a": self.alpha, "cells": self.cells.tobytes()}

    def load(self, state: dict[str, Any]) -> None:
        if (state["w"], state["d"]) != (self.width, self.depth):
            return  # configured differently now: start the baseline afresh
        self.cells = np.frombuffer(state["cells"], dtype=np.float64).reshape(
            self.depth, self.width).copy()
