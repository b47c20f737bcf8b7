"""Notices when a live source is down or lagging, so the team hears of it (a ``source`` alert)
instead of finding a silent or stale desk: a source that failed for good, one reconnecting for
``down_after`` seconds without receiving anything, or one whose newest event stays more than
``lag_after`` seconds behind the clock for ``lag_for`` seconds."""

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
    events: int = 0
    lag_since: float | None = None  # the first round seen behind, in the current episode
    lag_alerted: bool = False
    skipped: int = 0  # bad + oversized, as last exported to the metrics


class SourceWatch:
    """``update(now, sources)`` on every commit round; ``failed(source_id, error, now)`` when a
    source stops for good. Each outage calls ``notify`` once with
    ``{source, state: "down", since, error}`` (the shape of ``raise_source_alert``).

    Lag is measured only in rounds that delivered events (a quiet hashtag stream is not
    lagging): ``now - stats.newest_at``, the server time of the newest event (Jetstream
    ``time_us``, the milliseconds in Mastodon and X ids). Behind by more than ``lag_after`` for
    ``lag_for`` seconds calls ``notify`` once with ``{source, state: "lagging", since,
    lag_seconds, error}``; the first round back within ``lag_after`` calls it once more with
    ``state: "caught up"`` and the same ``since`` (so the alert's de-duplication key makes it an
    update of the lagging alert). With ``metrics`` (a :class:`reale.run.metrics.Metrics` or the
    Kafka one) it also sets ``reale_source_lag_seconds`` and counts ``reale_skipped``."""

    def __init__(self, notify: Sequence[Notify] = (), *, down_after: float = 60.0,
                 lag_after: float = 120.0, lag_for: float = 60.0, metrics: Any = None) -> None:
        self.notify = list(notify)
        self.down_after = down_after
        self.lag_after = lag_after
        self.lag_for = lag_for
        self.metrics = metrics
        self._seen: dict[str, _Seen] = {}

    def configure(self, alerts: Any) -> None:
        """Take the thresholds of an :class:`reale.alerts.AlertsConfig` (``source_down_after``,
        ``source_lag_after``, ``source_lag_for``)."""
        self.down_after = alerts.source_down_after
        self.lag_after = alerts.source_lag_after
        self.lag_for = alerts.source_lag_for

    def update(self, now: float, sources: Sequence[Any]) -> None:
        for source in sources:
            stats: Any = getattr(source, "stats", None)
            if not hasattr(stats, "disconnects"):  # a replay file: it cannot be down
                continue
            seen = self._seen.setdefault(source.source_id, _Seen())
            self._down(source.source_id, seen, stats, now)
            self._lag(source.source_id, seen, stats, now)
            self._export(source.source_id, seen, stats, now)

    def _down(self, source_id: str, seen: _Seen, stats: Any, now: float) -> None:
        if stats.messages > seen.messages:  # something arrived: the source is up
            seen.messages, seen.trouble_since, seen.alerted = stats.messages, None, False
        if stats.disconnects > seen.disconnects:
            seen.disconnects = stats.disconnects
            if seen.trouble_since is None:
                seen.trouble_since = now
        if (seen.trouble_since is not None and not seen.alerted
                and now - seen.trouble_since >= self.down_after):
            seen.alerted = True
            self._tell({"source": source_id, "state": "down", "since": seen.trouble_since,
                        "error": stats.last_error},
                       f"reconnecting for {now - seen.trouble_since:.0f} s")

    def _lag(self, source_id: str, seen: _Seen, stats: Any, now: float) -> None:
        newest = float(getattr(stats, "newest_at", 0.0) or 0.0)
        if stats.events <= seen.events or newest <= 0:
            return  # nothing new this round: no evidence either way
        seen.events = stats.events
        behind = now - newest
        if behind > self.lag_after:
            if seen.lag_since is None:
                seen.lag_since = now
            if not seen.lag_alerted and now - seen.lag_since >= self.lag_for:
                seen.lag_alerted = True
                self._tell({"source": source_id, "state": "lagging", "since": seen.lag_since,
                            "lag_seconds": behind,
                            "error": f"the newest event is {behind:.0f} s old"},
                           f"{behind:.0f} s behind")
            return
        if seen.lag_alerted and seen.lag_since is not None:
            self._tell({"source": source_id, "state": "caught up", "since": seen.lag_since,
                        "severity": "low",
                        "error": f"lagged for {now - seen.lag_since:.0f} s"}, "caught up")
        seen.lag_since, seen.lag_alerted = None, False

    def _export(self, source_id: str, seen: _Seen, stats: Any, now: float) -> None:
        if self.metrics is None:
            return
        skipped = int(stats.bad) + int(stats.extra.get("oversized", 0))
        if skipped > seen.skipped:
            self.metrics.skipped.labels(source_id).inc(skipped - seen.skipped)
            seen.skipped = skipped
        newest = float(getattr(stats, "newest_at", 0.0) or 0.0)
        if newest > 0:
            self.metrics.lag.labels(source_id).set(max(0.0, now - newest))

    def failed(self, source_id: str, error: str, now: float) -> None:
        """A source stopped and will not reconnect (refused credentials, a bad request)."""
        seen = self._seen.setdefault(source_id, _Seen())
        if not seen.alerted:
            seen.alerted = True
            self._tell({"source": source_id, "state": "down",
                        "since": seen.trouble_since or now, "error": error}, "stopped")

    def _tell(self, payload: dict[str, Any], how: str) -> None:
        source_id = payload["source"]
        level = logging.INFO if payload["state"] == "caught up" else logging.ERROR
        log.log(level, "source %s is %s (%s): %s", source_id, payload["state"], how,
                payload.get("error") or "no error given")
        for notify in self.notify:
            try:
                notify(payload)
            except Exception:  # an alert that cannot be raised must not stop the sources
                log.exception("could not raise the alert for source %s", source_id)


__all__ = ["SourceWatch"]
