"""Warns before an open opportunity misses its kind's response-time target (an ``sla`` alert
when ``warn_at`` of the target has passed) and once more when it is missed, for opportunities
scoring enough to have been alerted about."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from reale.desk.queue import OpportunityQueue

log = logging.getLogger("reale.run")


class SlaWatch:
    """``update(now)`` from the runner's maintenance loop; it looks at the queue every
    ``interval`` seconds and calls ``raise_alert`` with ``{opportunity_id, brand, due_at, kind,
    text, author}`` (the shape of ``raise_sla_alert``) once per stage: soon, then missed."""

    def __init__(self, queue: OpportunityQueue, raise_alert: Callable[[dict[str, Any]], object],
                 *, min_score: float = 0.85, warn_at: float = 0.8,
                 interval: float = 15.0) -> None:
        self.queue = queue
        self.raise_alert = raise_alert
        self.min_score = min_score
        self.warn_at = warn_at
        self.interval = interval
        self._next = 0.0
        self._told: dict[str, str] = {}  # opportunity id → "soon" or "missed"

    def update(self, now: float) -> int:
        """Raise what is due; returns how many alerts were raised."""
        if now < self._next:
            return 0
        self._next = now + self.interval
        raised = 0
        open_ids: set[str] = set()
        for item in self.queue.get(limit=max(1, len(self.queue))):
            opp = item.opportunity
            open_ids.add(opp.id)
            if opp.score < self.min_score:
                continue
            stage = ("missed" if item.age >= item.target else
                     "soon" if item.age >= self.warn_at * item.target else "")
            if not stage or self._told.get(opp.id) in (stage, "missed"):
                continue
            self._told[opp.id] = stage
            raised += 1
            try:
                self.raise_alert({"opportunity_id": opp.id, "brand": opp.brand,
                                  "due_at": now - item.age + item.target, "kind": opp.kind,
                                  "text": opp.text, "author": opp.author_handle})
            except Exception:  # an alert that cannot be raised must not stop the desk
                log.exception("could not raise the response-time alert for %s", opp.id)
        self._told = {k: v for k, v in self._told.items() if k in open_ids}
        return raised


__all__ = ["SlaWatch"]
