"""How long a network asked us to wait after HTTP 429, read from whichever header it sent.

One pure function for every client (sources, profile fetches, publishing), so they agree on the
edge cases: delta seconds or an HTTP date in ``Retry-After``; a reset time in epoch seconds (X,
Bluesky), delta seconds (the IETF ``RateLimit-Reset`` draft) or ISO 8601 (Mastodon).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

DEFAULT_WAIT = 60.0  # seconds, when no header says how long
MAX_WAIT = 86_400.0  # a hostile or broken header never blocks a client for more than a day
RESET_HEADERS = ("x-rate-limit-reset", "ratelimit-reset", "x-ratelimit-reset")
EPOCH_AFTER = 1e9  # a reset value above this is a moment (epoch seconds), below it a delay


def _number(value: str) -> float | None:
    try:
        x = float(value.strip())
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _date(value: str) -> float | None:
    """Epoch seconds of an HTTP date or an ISO 8601 time (naive ones read as UTC)."""
    text = value.strip()
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def _bounded(seconds: float) -> float:
    return min(max(0.0, seconds), MAX_WAIT)


def retry_after(headers: Mapping[str, str], now: float, default: float = DEFAULT_WAIT) -> float:
    """Seconds to wait from ``headers`` (names in lower case, as httpx gives them) at epoch
    ``now``: ``Retry-After`` first, then a rate-limit reset header, else ``default``. Always
    within [0, MAX_WAIT]."""
    value = headers.get("retry-after")
    if value:
        delay = _number(value)
        if delay is not None:
            return _bounded(delay)
        at = _date(value)
        if at is not None:
            return _bounded(at - now)
    for name in RESET_HEADERS:
        value = headers.get(name)
        if not value:
            continue
        reset = _number(value)
        if reset is not None:
            return _bounded(reset - now if reset > EPOCH_AFTER else reset)
        at = _date(value)
        if at is not None:
            return _bounded(at - now)
    return _bounded(default)
