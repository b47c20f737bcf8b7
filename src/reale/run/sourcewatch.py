"""Notices when a live source is down, so the team hears of it (a ``source`` alert) instead of
finding a silent desk: a source that failed for good, or one that has been reconnecting for
``down_after`` seconds without receiving anything."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("reale.run")

Notify = Callable[[dict[str, Any]], object]


@dataclass
class _Seen:
    messages: int = 0
    disconnects: int = 0
    trouble_since: float | None = None  # the first disconnect not followed by a message
    alerted: bool = False


class SourceWatch:
    """``update(now, sources)`` on every commit round; ``failed(source_id, error, now)`` when a
    source stops for good. Each outage calls ``notify`` once with
    ``{source, state: "down", since, error}`` (the shape of ``raise_source_alert``)."""

    def __init__(self, notify: Sequence[Notify] = (), *, down_after: float = 60.0) -> None:
        self.notify = list(notify)
        self.down_after = down_after
        self._seen: dict[str, _Seen] = {}

    def update(self, now: float, sources: Sequence[Any]) -> None:
        for source in sources:
            stats: Any = getattr(source, "stats", None)
            if not hasattr(stats, "disconnects"):  # a replay file: it cannot be down
                continue
            seen = self._seen.setdefault(source.source_id, _Seen())
            if stats.messages > seen.messages:  # something arrived: the source is up
                seen.messages, seen.trouble_since, seen.alerted = stats.messages, None, False
            if stats.disconnects > seen.disconnects:
                seen.disconnects = stats.disconnects
                if seen.trouble_since is None:
                    seen.trouble_since = now
            if (seen.trouble_since is not None and not seen.alerted
                    and now - seen.trouble_since >= self.down_after):
                seen.alerted = True
                self._tell(source.source_id, seen.trouble_since, stats.last_error,
                           f"reconnecting for {now - seen.trouble_since:.0f} s")

    def failed(self, source_id: str, error: str, now: float) -> None:
        """A source stopped and will not reconnect (refused credentials, a bad request)."""
        seen = self._seen.setdefault(source_id, _Seen())
        if not seen.alerted:
            seen.alerted = True
            self._tell(source_id, seen.trouble_since or now, error, "stopped")

    def _tell(self, source_id: str, since: float, error: str, how: str) -> None:
        log.error("source %s is down (%s): %s", source_id, how, error or "no error given")
        for notify in self.notify:
            try:
                notify({"source": source_id, "state": "down", "since": since, "error": error})
            except Exception:  # an alert that cannot be raised must not stop the sources
                log.exception("could not raise the alert for source %s", source_id)


__all__ = ["SourceWatch"]
