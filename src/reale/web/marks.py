"""High-water marks of one followed table: which rows (by key and store time) were handed on. A
window of recent keys is kept, so a row a concurrent writer commits late is still found once and
never twice; a floor bounds the work when more rows arrive than one read may take.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Hashable, Sequence

Row = tuple[Hashable, float]  # (natural key, stored_at)


class Marks:
    """The state of following one table: ``fresh`` says what a scan found that is new, ``update``
    records it. Pure (no I/O, no clock): the store time of the rows is the only time it knows.

    A scan reads rows with ``stored_at >= lower()``, newest first, at most ``cap`` of them.

    >>> m = Marks(lookback=10.0, cap=100)
    >>> m.update([("a", 5.0)])
    >>> m.fresh([("b", 7.0), ("a", 5.0), ("late", 3.0)])
    [('late', 3.0), ('b', 7.0)]
    """

    def __init__(self, *, lookback: float, cap: int) -> None:
        self.lookback = lookback
        self.cap = max(1, cap)
        self.high = -math.inf  # the newest store time seen
        self.floor = -math.inf  # rows older than this are never handed on
        self.capped = 0  # scans that hit the cap and skipped older rows
        self._seen: dict[Hashable, float] = {}
        self._heap: list[tuple[float, int, Hashable]] = []  # (stored_at, tiebreak, key)
        self._n = 0

    def lower(self) -> float:
        """The oldest store time the next scan must read."""
        return max(self.floor, self.high - self.lookback)

    def fresh(self, rows: Sequence[Row]) -> list[Row]:
        """The rows of a scan not handed on yet (a key seen again with a newer time is fresh:
        an upserted opportunity), oldest first."""
        out = [(k, t) for k, t in rows if t >= self.floor and self._seen.get(k, -math.inf) < t]
        out.sort(key=lambda kt: kt[1])
        return out

    def start(self, rows: Sequence[Row]) -> None:
        """Take the start mark from a first scan: what is stored now is history, not news."""
        self.update(rows)
        self.capped = 0

    def update(self, rows: Sequence[Row]) -> None:
        """Record a scan's rows as handed on, move the mark, forget keys older than the window."""
        for k, t in rows:
            if self._seen.get(k, -math.inf) < t:
                self._seen[k] = t
                self._n += 1
                heapq.heappush(self._heap, (t, self._n, k))
        if rows:
            self.high = max(self.high, max(t for _, t in rows))
        low = min((t for _, t in rows), default=self.floor)
        if len(rows) >= self.cap and low > self.floor:
            # the scan could not reach back to lower(): skip what it missed (counted once: a
            # scan that meets the same floor again, more rows sharing one stamp, skips no more)
            self.floor = low
            self.capped += 1
        lo = self.lower()
        while self._heap and self._heap[0][0] < lo:
            t, _, k = heapq.heappop(self._heap)
            if self._seen.get(k) == t:
                del self._seen[k]

    def __len__(self) -> int:
        """Keys remembered in the window."""
        return len(self._seen)


__all__ = ["Marks", "Row"]
