"""Retry timing: exponential back-off with jitter, from an injected random source."""

from __future__ import annotations

import random

import msgspec


class Backoff(msgspec.Struct, frozen=True):
    """Wait ``base * 2**(n-1)`` seconds after the n-th failure, at most ``cap``, with "equal
    jitter": a random point in the upper half, so that lanes failing together spread out.

    >>> b = Backoff(base=2.0, cap=60.0)
    >>> [round(b.delay(n, random.Random(0)), 2) for n in (1, 2, 3, 10)]
    [1.84, 3.69, 7.38, 55.33]
    """

    base: float = 2.0
    cap: float = 60.0

    def delay(self, failures: int, rng: random.Random) -> float:
        full = min(self.cap, self.base * 2.0 ** max(0, min(failures, 60) - 1))
        return full / 2.0 + rng.random() * full / 2.0


__all__ = ["Backoff"]
