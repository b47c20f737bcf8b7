"""De-duplication: what to do with an alert whose ``dedup_key`` a channel has already had.
Pure: the earlier rows for (channel, key) and the new alert in, a decision out.

- nothing earlier (or only dead-lettered rows, which nobody saw): a new alert;
- the same alert id again: a duplicate (a resubmission is idempotent);
- the earlier one still held (quiet hours, digest): replace it, nobody has seen it yet;
- severity rose, the score rose by ``update_score_delta``, or the caller set ``update_of``:
  an update (threaded under the first one), at most ``max_updates`` times;
- anything else: a duplicate, dropped and counted.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from reale.alerts.config import RuleConfig
from reale.alerts.model import Alert, severity_rank

Decision = Literal["new", "duplicate", "replace", "update"]


class Earlier(msgspec.Struct, frozen=True):
    """An earlier outbox row for the same (channel, dedup key), oldest first."""

    id: int
    alert_id: str
    state: str
    event: str
    severity: int
    score: float | None


def rises(alert: Alert, last: Earlier, rule: RuleConfig) -> bool:
    if alert.update_of is not None or severity_rank(alert.severity) > last.severity:
        return True
    return (alert.score is not None and last.score is not None
            and alert.score - last.score >= rule.update_score_delta - 1e-9)


def decide(earlier: list[Earlier], alert: Alert, rule: RuleConfig) -> Decision:
    """See the module docstring."""
    if any(e.alert_id == alert.id for e in earlier):
        return "duplicate"
    earlier = [e for e in earlier if e.state != "dead"]
    if not earlier:
        return "new"
    last = earlier[-1]
    if last.state == "held":
        return "replace"
    updates = sum(1 for e in earlier if e.event == "alert.updated")
    if rises(alert, last, rule) and updates < rule.max_updates:
        return "update"
    return "duplicate"


__all__ = ["Decision", "Earlier", "decide", "rises"]
