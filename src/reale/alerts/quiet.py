"""Quiet hours: a daily window in a timezone (``22:00-07:00``) during which alerts wait, and the
digest boundaries at which held alerts are released. Pure functions of the time."""

from __future__ import annotations

import math
import re
from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reale.errors import ConfigError

_WINDOW = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-3]):([0-5]\d)\s*$")


def parse_window(text: str) -> tuple[int, int]:
    """``"22:00-07:00"`` as minutes after midnight ``(1320, 420)``; a window may wrap midnight.

    >>> parse_window("22:30-7:00")
    (1350, 420)
    """
    m = _WINDOW.match(text)
    if not m:
        raise ConfigError(f"quiet hours {text!r} are not HH:MM-HH:MM (e.g. \"22:00-07:00\")",
                          code="quiet.format", values={"text": repr(text)})
    start = int(m.group(1)) * 60 + int(m.group(2))
    end = int(m.group(3)) * 60 + int(m.group(4))
    if start == end:
        raise ConfigError(f"quiet hours {text!r} start and end at the same time; "
                          "leave quiet_hours empty for none", code="quiet.same",
                          values={"text": repr(text)})
    return start, end


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    """The timezone called ``name`` (IANA, e.g. ``Europe/Rome``), or a ConfigError naming it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown timezone {name!r}; use an IANA name such as "
                          "\"Europe/Rome\" or \"UTC\"", code="tz.unknown",
                          values={"name": repr(name)}) from None


def quiet_until(now: float, window: tuple[int, int], tz: ZoneInfo) -> float | None:
    """If ``now`` falls inside the quiet window, the epoch time it ends; else ``None``."""
    start, end = window
    local = datetime.fromtimestamp(now, tz)
    minute = local.hour * 60 + local.minute
    if start < end:
        inside, end_day = start <= minute < end, local.date()
    else:  # wraps midnight: 22:00-07:00
        inside = minute >= start or minute < end
        end_day = local.date() if minute < end else local.date() + timedelta(days=1)
    if not inside:
        return None
    until = datetime.combine(end_day, time(end // 60, end % 60), tzinfo=tz)
    return max(until.timestamp(), now)


def next_digest_at(now: float, minutes: int) -> float:
    """The next digest boundary after ``now``: every ``minutes`` since the epoch (UTC).

    >>> next_digest_at(125.0, 1)
    180.0
    """
    period = minutes * 60.0
    return (math.floor(now / period) + 1) * period


__all__ = ["next_digest_at", "parse_window", "quiet_until", "zone"]
