"""Generic time windows: a sliding event counter in fixed buckets, for rates over the last N
seconds with memory that does not grow with traffic."""

from __future__ import annotations

import math
from typing import Any


class SlidingCounter:
    """Counts events in the last ``window`` seconds, in ``buckets`` equal slots.

    >>> c = SlidingCounter(window=60.0, buckets=6)
    >>> c.add(0.0); c.add(5.0); c.add(59.0)
    >>> c.total(59.0), c.total(75.0), c.total(200.0)
    (3, 1, 0)
    """

    __slots__ = ("_counts", "_head", "_width", "buckets", "window")

    def __init__(self, window: float, buckets: int = 12) -> None:
        if window <= 0 or buckets < 1:
            raise ValueError("window must be > 0 and buckets >= 1")
        self.window = float(window)
        self.buckets = int(buckets)
        self._width = self.window / self.buckets
        self._counts = [0] * self.buckets
        self._head = 0  # absolute index of the newest slot

    def _advance(self, t: float) -> int:
        idx = math.floor(t / self._width)
        if idx > self._head:
            gap = idx - self._head
            if gap >= self.buckets:
                self._counts = [0] * self.buckets
            else:
                for k in range(self._head + 1, idx + 1):
                    self._counts[k % self.buckets] = 0
            self._head = idx
        return idx

    def add(self, t: float, n: int = 1) -> None:
        idx = self._advance(t)
        if idx <= self._head - self.buckets:
            return  # older than the window: nothing to count
        self._counts[idx % self.buckets] += n

    def total(self, t: float) -> int:
        self._advance(t)
        return sum(self._counts)

    def rate_per_minute(self, t: float) -> float:
        return self.total(t) * 60.0 / self.window

    def state(self) -> dict[str, Any]:
        return {"w": self.window, "b": self.buckets, "c": list(self._counts), "h": self._head}

    @classmethod
    def from_state(cls, s: dict[str, Any]) -> SlidingCounter:
        out = cls(float(s["w"]), int(s["b"]))
        out._counts = [int(x) for x in s["c"]]
        out._head = int(s["h"])
        return out


def event_time(t: float | None, now: float, max_skew: float = 300.0) -> float:
    """An event's time, trusted unless missing, not finite, or more than ``max_skew`` seconds in
    the future of the clock (a hostile or broken timestamp must not fast-forward a window).

    >>> event_time(90.0, now=100.0), event_time(float("nan"), 100.0), event_time(1e12, 100.0)
    (90.0, 100.0, 100.0)
    """
    if not t or not math.isfinite(t) or t > now + max_skew:
        return now
    return t
