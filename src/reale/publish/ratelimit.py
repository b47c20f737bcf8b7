"""Per-account rate limits: a token bucket per publishing account, plus the network's own word.

A 429 answer blocks the account until the time the network gives (``Retry-After``, Mastodon's
``X-RateLimit-Reset``, X's ``x-rate-limit-reset``, Bluesky's ``ratelimit-reset``). Time is injected.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime

from reale.clock import Clock


class TokenBucket:
    """``capacity`` posts at once, refilled at ``per_hour`` posts an hour.

    >>> from reale.clock import ManualClock
    >>> c = ManualClock(0.0); b = TokenBucket(capacity=2, per_hour=3600, clock=c)
    >>> b.take(), b.take(), b.take()
    (0.0, 0.0, 1.0)
    """

    def __init__(self, *, capacity: float, per_hour: float, clock: Clock) -> None:
        self._capacity = max(1.0, capacity)
        self._rate = max(per_hour, 1e-9) / 3600.0
        self._clock = clock
        self._tokens = self._capacity
        self._at = clock.monotonic()
        self._blocked_until = 0.0

    def _refill(self) -> float:
        now = self._clock.monotonic()
        self._tokens = min(self._capacity, self._tokens + (now - self._at) * self._rate)
        self._at = now
        return now

    def wait_time(self) -> float:
        """Seconds until a post may go out (0 when one may go now)."""
        now = self._refill()
        blocked = max(0.0, self._blocked_until - now)
        missing = max(0.0, 1.0 - self._tokens) / self._rate
        return max(blocked, missing)

    def take(self) -> float:
        """Take a token if one is there (returns 0.0); else return the seconds to wait."""
        wait = self.wait_time()
        if wait > 0:
            return wait
        self._tokens -= 1.0
        return 0.0

    def block_for(self, seconds: float) -> None:
        """The network said: no more posts for ``seconds``."""
        now = self._refill()
        self._blocked_until = max(self._blocked_until, now + max(0.0, seconds))


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


def retry_after(headers: Mapping[str, str], now: float, default: float = 60.0) -> float:
    """Seconds to wait after a 429, from whichever header the network sent."""
    value = headers.get("retry-after")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(value).timestamp() - now)
            except (TypeError, ValueError):
                pass
    for name in ("x-rate-limit-reset", "ratelimit-reset", "x-ratelimit-reset"):
        value = headers.get(name)
        if not value:
            continue
        try:
            return max(0.0, float(value) - now)  # epoch seconds (X, Bluesky)
        except ValueError:
            try:  # ISO 8601 (Mastodon)
                return max(0.0, datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() - now)
            except ValueError:
                continue
    return default


__all__ = ["RateLimiter", "TokenBucket", "retry_after"]
