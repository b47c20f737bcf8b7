"""Login rate limits: failed attempts are counted per user name and per address in a sliding
window; past the limit, logins for that name (or from that address) wait until the oldest failure
leaves the window. Time comes from the injected clock; memory is bounded.
"""

from __future__ import annotations

from collections import OrderedDict, deque

from reale.clock import Clock


class _Window:
    """Failure times per key within ``window`` seconds (at most ``max_keys`` keys remembered)."""

    def __init__(self, limit: int, window: float, max_keys: int) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._times: OrderedDict[str, deque[float]] = OrderedDict()

    def _live(self, key: str, now: float) -> deque[float]:
        times = self._times.get(key)
        if times is None:
            return deque()
        while times and now - times[0] >= self.window:
            times.popleft()
        if not times:
            del self._times[key]
        return times

    def wait(self, key: str, now: float) -> float:
        times = self._live(key, now)
        if len(times) < self.limit:
            return 0.0
        return times[-self.limit] + self.window - now

    def add(self, key: str, now: float) -> None:
        times = self._times.setdefault(key, deque(maxlen=self.limit))
        times.append(now)
        self._times.move_to_end(key)
        while len(self._times) > self.max_keys:
            self._times.popitem(last=False)

    def clear(self, key: str) -> None:
        self._times.pop(key, None)


class LoginLimiter:
    """``check`` before verifying a password, ``failed``/``succeeded`` after."""

    def __init__(self, clock: Clock, *, per_user: int = 5, per_ip: int = 20,
                 window: float = 900.0, max_keys: int = 10_000) -> None:
        self._clock = clock
        self._users = _Window(per_user, window, max_keys)
        self._ips = _Window(per_ip, window, max_keys)

    def check(self, user: str, ip: str) -> float:
        """Seconds until a login for ``user`` from ``ip`` may be tried (0: now)."""
        now = self._clock.now()
        return max(self._users.wait(user.lower(), now), self._ips.wait(ip, now), 0.0)

    def failed(self, user: str, ip: str) -> None:
        now = self._clock.now()
        self._users.add(user.lower(), now)
        self._ips.add(ip, now)

    def succeeded(self, user: str) -> None:
        self._users.clear(user.lower())


__all__ = ["LoginLimiter"]
