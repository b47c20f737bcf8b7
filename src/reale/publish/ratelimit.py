"""Per-account rate limits: a token bucket per publishing account, plus the network's own word.

A 429 answer blocks the account until the time the network gives (``Retry-After``, Mastodon's
``X-RateLimit-Reset``, X's ``x-rate-limit-reset``, Bluesky's ``ratelimit-reset``). Time is injected.
"""

from __future__ import annotations

from reale.clock import Clock
from reale.retry_after import retry_after
from reale.token_bucket import TokenBucket as Bucket


class TokenBucket(Bucket):
    """``capacity`` posts at once, refilled at ``per_hour`` posts an hour.

    >>> from reale.clock import ManualClock
    >>> c = ManualClock(0.0); b = TokenBucket(capacity=2, per_hour=3600, clock=c)
    >>> b.take(), b.take(), b.take()
    (0.0, 0.0, 1.0)
    """

    def __init__(self, *, capacity: float, per_hour: float, clock: Clock) -> None:
        super().__init__(max(per_hour, 1e-9) / 3600.0, max(1.0, capacity), clock)

    def take(self) -> float:
        """Take a token if one is there (returns 0.0); else return the seconds to wait."""
        return 0.0 if self.try_take() else self.wait_time()

    def block_for(self, seconds: float, *, drain: bool = False) -> None:
        """The network said: no more posts for ``seconds`` (the tokens saved up stay)."""
        super().block_for(seconds, drain=drain)


class RateLimiter:
    """One :class:`TokenBucket` per account, created on first use."""

    def __init__(self, clock: Clock, *, capacity: float = 5, per_hour: float = 60) -> None:
        self._clock = clock
        self._capacity = capacity
        self._per_hour = per_hour
        self._buckets: dict[str, TokenBucket] = {}

    def configure(self, account: str, *, capacity: float, per_hour: float) -> None:
        self._buckets[account] = TokenBucket(capacity=capacity, per_hour=per_hour, clock=self._clock)

    def bucket(self, account: str) -> TokenBucket:
        if account not in self._buckets:
            self.configure(account, capacity=self._capacity, per_hour=self._per_hour)
        return self._buckets[account]


__all__ = ["RateLimiter", "TokenBucket", "retry_after"]
