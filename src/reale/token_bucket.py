"""A token bucket with an injected clock: how many requests (profile fetches, posts, alert
deliveries) may go out now, and how long to wait otherwise."""

from __future__ import annotations

from reale.clock import Clock


class TokenBucket:
    """``rate`` tokens per second, at most ``burst`` saved up; never sleeps (callers ask first).

    >>> from reale.clock import ManualClock
    >>> clock = ManualClock(0.0)
    >>> b = TokenBucket(rate=1.0, burst=2, clock=clock)
    >>> b.try_take(), b.try_take(), b.try_take()
    (True, True, False)
    >>> clock.advance(1.0); b.try_take()
    True
    """

    def __init__(self, rate: float, burst: float, clock: Clock) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = float(rate)
        self.burst = float(burst)
        self._clock = clock
        self._tokens = float(burst)
        self._last = clock.monotonic()
        self._blocked_until = float("-inf")

    def _refill(self) -> float:
        now = self._clock.monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        return now

    def available(self) -> float:
        now = self._refill()
        return 0.0 if now < self._blocked_until else self._tokens

    def try_take(self, n: float = 1.0) -> bool:
        if self.available() >= n:
            self._tokens -= n
            return True
        return False

    def wait_time(self, n: float = 1.0) -> float:
        """Seconds until ``n`` tokens will be there (0 if now)."""
        now = self._refill()
        block = max(0.0, self._blocked_until - now)
        return max(block, (n - self._tokens) / self.rate if self._tokens < n else 0.0)

    def block_for(self, seconds: float, *, drain: bool = True) -> None:
        """The server said to back off (HTTP 429, Retry-After): take nothing until then; with
        ``drain`` the saved-up tokens are gone too, so the bucket refills from the block."""
        now = self._refill()
        self._blocked_until = max(self._blocked_until, now + max(0.0, seconds))
        if drain:
            self._tokens = 0.0
